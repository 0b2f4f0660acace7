package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// CSV is RFC 4180 with a header row: quoted cells may hold the delimiter,
// quotes and newlines; CRLF line ends are accepted (Open strips a UTF-8
// BOM). A csvFramer cuts it into chunks of whole rows exactly where
// encoding/csv, which parses each chunk, would end a row.

func newCSVReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // checked per row, so one short row is one reject
	cr.ReuseRecord = true
	return cr
}

// csvFramer cuts CSV into chunks of whole rows.
type csvFramer struct {
	r      *bufio.Reader
	size   int
	comma  rune
	header []string
	first  *Chunk // the rows of the first chunk, after the header
	carry  []byte // read past the last cut: the start of the next chunk
	scan   csvScan
	line   int64 // lines before the next chunk
	err    error // ends the input once the chunks before it are out
}

// newCSVFramer reads the header row.
func newCSVFramer(r *bufio.Reader, comma rune, size int) (*csvFramer, error) {
	f := &csvFramer{r: r, size: size, comma: comma, scan: csvScan{comma: utf8.AppendRune(nil, comma)}}
	c, err := f.next()
	if err == io.EOF {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, err
	}
	cr := newCSVReader(strings.NewReader(c.text), comma)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	f.header = make([]string, len(header))
	for i, h := range header {
		f.header[i] = strings.TrimSpace(h)
	}
	off := cr.InputOffset()
	c.line += int64(strings.Count(c.text[:off], "\n"))
	c.text, c.header = c.text[off:], f.header
	f.first = c
	return f, nil
}

func (f *csvFramer) next() (*Chunk, error) {
	if c := f.first; c != nil {
		f.first = nil
		return c, nil
	}
	if f.err != nil && (f.err != io.EOF || len(f.carry) == 0) {
		return nil, f.err
	}
	size := max(f.size, 2*len(f.carry))
	buf := append(newChunkBuf(size), f.carry...)
	for {
		if f.err == nil {
			buf, f.err = fill(f.r, buf, size)
		}
		f.scan.run(buf, f.err != nil)
		if f.scan.last > 0 || f.err != nil {
			break
		}
		size *= 2 // a row longer than the chunk
		buf = slices.Grow(buf, size-len(buf))
	}
	cut := f.scan.last
	if f.err == io.EOF {
		cut = len(buf) // the last row may lack its line end
	}
	f.carry = append(f.carry[:0], buf[cut:]...) // the buffer goes with the chunk
	f.scan.pos -= cut
	f.scan.last = 0
	if cut == 0 {
		return nil, f.err
	}
	c := &Chunk{buf: buf, text: chunkText(buf[:cut]), line: f.line, format: CSV, comma: f.comma, header: f.header}
	f.line += int64(bytes.Count(buf[:cut], []byte{'\n'}))
	return c, nil
}

// csvScan follows encoding/csv through a buffer to find where its rows
// end, including after a malformed row, whose line encoding/csv drops.
type csvScan struct {
	comma []byte
	pos   int // next byte to look at
	last  int // end of the last whole row seen
	state uint8
}

const (
	atFieldStart = iota
	inField      // an unquoted field
	inQuotes     // a quoted field
	toLineEnd    // a malformed row: the rest of its line is dropped
)

// run scans b from pos; eof says that no more bytes follow b.
func (s *csvScan) run(b []byte, eof bool) {
	for s.pos < len(b) {
		switch s.state {
		case toLineEnd:
			i := bytes.IndexByte(b[s.pos:], '\n')
			if i < 0 {
				s.pos = len(b)
				return
			}
			s.endRow(s.pos + i + 1)
		case inQuotes:
			i := bytes.IndexByte(b[s.pos:], '"')
			if i < 0 {
				s.pos = len(b)
				return
			}
			q := s.pos + i + 1 // after the quote
			if !eof && len(b)-q < max(2, len(s.comma)) {
				s.pos = q - 1 // look again with the bytes after the quote
				return
			}
			switch rest := b[q:]; {
			case len(rest) == 0: // end of input
				s.pos = q
			case rest[0] == '"': // an escaped quote
				s.pos = q + 1
			case bytes.HasPrefix(rest, s.comma):
				s.pos, s.state = q+len(s.comma), atFieldStart
			case rest[0] == '\n':
				s.endRow(q + 1)
			case rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n':
				s.endRow(q + 2)
			default: // csv.ErrQuote
				s.pos, s.state = q, toLineEnd
			}
		case atFieldStart:
			if b[s.pos] == '"' {
				s.pos, s.state = s.pos+1, inQuotes
				continue
			}
			s.state = inField
		case inField:
			if !s.field(b, eof) {
				return
			}
		}
	}
}

// field moves to the end of an unquoted field; false means more bytes are
// needed to tell.
func (s *csvScan) field(b []byte, eof bool) bool {
	for i := s.pos; i < len(b); i++ {
		if i = s.plain(b, i); i == len(b) {
			break
		}
		switch c := b[i]; {
		case c == '\n':
			s.endRow(i + 1)
			return true
		case c == '"': // csv.ErrBareQuote
			s.pos, s.state = i, toLineEnd
			return true
		case c == s.comma[0]:
			if !eof && len(b)-i < len(s.comma) {
				s.pos = i
				return false
			}
			if bytes.HasPrefix(b[i:], s.comma) {
				s.pos, s.state = i+len(s.comma), atFieldStart
				return true
			}
		}
	}
	s.pos = len(b)
	return true
}

// plain returns the position of the first newline, quote or first byte of
// the delimiter from i on (or len(b)), looking at 8 bytes at a time.
func (s *csvScan) plain(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	comma := ones * uint64(s.comma[0])
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		n, q, c := x^(ones*'\n'), x^(ones*'"'), x^comma
		// "Has a zero byte" for each: may flag a later byte too, never misses.
		if ((n-ones)&^n|(q-ones)&^q|(c-ones)&^c)&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '\n' || c == '"' || c == s.comma[0] {
			return i
		}
	}
	return i
}

func (s *csvScan) endRow(end int) {
	s.pos, s.last, s.state = end, end, atFieldStart
}

// nextCSV returns the next row. encoding/csv skips blank lines itself; any
// other line is a record, so that read = written + rejected.
func (r *Records) nextCSV() (*Record, error) {
	start := r.csv.InputOffset()
	cells, err := r.csv.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	rec := &r.rec
	r.rows++
	rec.Row = r.rows
	rec.Err = nil
	rec.Fields = rec.Fields[:0]
	rec.text = r.c.text[start:r.csv.InputOffset()]
	rec.cells = append(rec.cells[:0], cells...)
	var pe *csv.ParseError
	if err != nil {
		if !errors.As(err, &pe) {
			return nil, err
		}
		rec.Line = r.c.line + int64(pe.StartLine)
		rec.Err = fmt.Errorf("malformed CSV: %v", pe.Err)
		return rec, nil
	}
	line, _ := r.csv.FieldPos(0)
	rec.Line = r.c.line + int64(line)
	header := r.c.header
	if len(cells) != len(header) {
		rec.Err = fmt.Errorf("row has %d cells, the header has %d", len(cells), len(header))
		return rec, nil
	}
	for i, v := range rec.cells {
		rec.Fields = append(rec.Fields, Field{Name: header[i], Text: v, Kind: String})
	}
	return rec, nil
}
