package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// CSV is RFC 4180 with a header row: quoted cells may hold the delimiter,
// quotes and newlines; CRLF line ends are accepted (Open strips a UTF-8
// BOM). A csvFramer cuts it into chunks of whole rows exactly where
// encoding/csv would end a row, and csvRows parses the rows of a chunk as
// encoding/csv would, without copying them. encoding/csv itself reads the
// header row, for its errors.

// newCSVReader is encoding/csv as csvRows follows it. It reads the header.
func newCSVReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // checked per row, so one short row is one reject
	return cr
}

// csvFramer cuts CSV into chunks of whole rows.
type csvFramer struct {
	r      *bufio.Reader
	size   int
	comma  string // UTF-8 encoded
	header []string
	first  *Chunk // the rows of the first chunk, after the header
	carry  []byte // read past the last cut: the start of the next chunk
	scan   csvScan
	line   int64 // lines before the next chunk
	count  lineCount
	err    error // ends the input once the chunks before it are out
}

func (f *csvFramer) lines() int64 { return f.count.total() }

// newCSVFramer reads the header row. A delimiter that encoding/csv does
// not accept fails there.
func newCSVFramer(r *bufio.Reader, comma rune, size int) (*csvFramer, error) {
	delim := utf8.AppendRune(nil, comma)
	f := &csvFramer{r: r, size: size, comma: string(delim), scan: csvScan{comma: delim}}
	for f.first == nil {
		c, err := f.next()
		if err == io.EOF {
			return nil, errors.New("empty CSV: no header row")
		}
		if err != nil {
			return nil, err
		}
		if err := f.readHeader(c, comma); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// readHeader reads the header row at the start of c, which becomes the
// first chunk, of the rows after it; a chunk of blank lines is dropped.
func (f *csvFramer) readHeader(c *Chunk, comma rune) error {
	cr := newCSVReader(strings.NewReader(c.text), comma)
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
		pe.StartLine += int(c.line) // the lines of blank chunks before
		pe.Line += int(c.line)
	}
	if err != nil {
		return fmt.Errorf("CSV header: %w", err)
	}
	f.header = make([]string, len(header))
	for i, h := range header {
		f.header[i] = strings.TrimSpace(h) // encoding/csv copies: not the chunk's memory
	}
	off := cr.InputOffset()
	c.line += int64(strings.Count(c.text[:off], "\n"))
	c.text, c.header = c.text[off:], f.header
	f.first = c
	return nil
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
	f.count.add(buf[:cut])
	return c, nil
}

// csvScan finds where the rows of a buffer end, as csvRows reads them: at
// a newline outside quotes, or, for a malformed row, at the end of the
// line where its error is. It only stops at quotes and at the bytes right
// after them, and finds them with bytes.IndexByte, so that long stretches
// without quotes cost little.
type csvScan struct {
	comma []byte
	pos   int // next byte to look at
	last  int // end of the last whole row seen
	state uint8
}

const (
	inText    = iota // outside quotes in a well-formed row, or between rows
	inQuotes         // a quoted field
	toLineEnd        // a malformed row: the rest of its line is dropped
)

// run scans b from pos; eof says that no more bytes follow b. b starts
// where a row starts.
func (s *csvScan) run(b []byte, eof bool) {
	for s.pos < len(b) {
		switch s.state {
		case inText:
			s.text(b)
		case inQuotes:
			if !s.quoted(b, eof) {
				return
			}
		case toLineEnd:
			s.skipLine(b)
		}
	}
}

// text moves to the next quote, past the rows that end before it. The
// quote opens a quoted field when it starts a field: when it follows a line
// end or a delimiter. (No delimiter right before it can be part of an
// earlier one: the encoding of a rune never overlaps itself.) Else it is a
// bare quote, which makes the row malformed.
func (s *csvScan) text(b []byte) {
	q := len(b)
	if i := bytes.IndexByte(b[s.pos:], '"'); i >= 0 {
		q = s.pos + i
	}
	s.rowEnds(b[:q], q == len(b))
	switch {
	case q == len(b):
		s.pos = q
	case q == 0 || b[q-1] == '\n' || bytes.HasSuffix(b[:q], s.comma):
		s.pos, s.state = q+1, inQuotes
	default:
		s.pos, s.state = q, toLineEnd
	}
}

// rowEnds moves last past the newlines of b[pos:], which are outside
// quotes: row ends. Between two quotes there are few, found forward; up to
// the end of the buffer there may be many, and the last is found backward.
func (s *csvScan) rowEnds(b []byte, toEnd bool) {
	if toEnd {
		if i := bytes.LastIndexByte(b[s.pos:], '\n'); i >= 0 {
			s.last = s.pos + i + 1
		}
		return
	}
	for i := s.pos; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return
		}
		i += j + 1
		s.last = i
	}
}

// quoted moves past the next quote of a quoted field and what it means;
// false means that more bytes are needed to tell.
func (s *csvScan) quoted(b []byte, eof bool) bool {
	i := nextQuote(b[s.pos:])
	if i < 0 {
		s.pos = len(b)
		return true
	}
	q := s.pos + i + 1 // after the quote
	if !eof && len(b)-q < max(2, len(s.comma)) {
		s.pos = q - 1 // look again with the bytes after the quote
		return false
	}
	switch rest := b[q:]; {
	case len(rest) == 0: // end of input
		s.pos = q
	case rest[0] == '"': // an escaped quote
		s.pos = q + 1
	case bytes.HasPrefix(rest, s.comma):
		s.pos, s.state = q+len(s.comma), inText
	case rest[0] == '\n':
		s.endRow(q + 1)
	case rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n':
		s.endRow(q + 2)
	default: // csv.ErrQuote (the end of the input is cut as a whole)
		s.pos, s.state = q, toLineEnd
	}
	return true
}

// nextQuote is bytes.IndexByte(b, '"'), quicker for the short distances
// between the quotes of JSON in a cell (""key"":""value""): it looks at
// the next 8 bytes in one word before calling IndexByte.
func nextQuote(b []byte) int {
	if len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b) ^ (0x0101010101010101 * '"')
		// The lowest zero byte of x sets the top bit of its byte in m (a
		// borrow can only set bits above a zero byte, not below it).
		if m := (x - 0x0101010101010101) &^ x & 0x8080808080808080; m != 0 {
			return bits.TrailingZeros64(m) / 8
		}
		if i := bytes.IndexByte(b[8:], '"'); i >= 0 {
			return 8 + i
		}
		return -1
	}
	return bytes.IndexByte(b, '"')
}

// skipLine moves past the end of the line.
func (s *csvScan) skipLine(b []byte) {
	i := bytes.IndexByte(b[s.pos:], '\n')
	if i < 0 {
		s.pos = len(b)
		return
	}
	s.endRow(s.pos + i + 1)
}

func (s *csvScan) endRow(end int) {
	s.pos, s.last, s.state = end, end, inText
}

// nextCSV returns the next row. Blank lines are skipped; any other line is
// a record, so that read = written + rejected. Its cells share the
// chunk's memory.
func (r *Records) nextCSV() (*Record, error) {
	rec := &r.rec
	start := r.csv.pos
	cells, line, err := r.csv.next(rec.cells)
	rec.cells = cells
	if err == io.EOF {
		return nil, io.EOF
	}
	r.rows++
	rec.Row, rec.Line, rec.Err = r.rows, r.c.line+line, nil
	rec.Fields = rec.Fields[:0]
	rec.text = r.c.text[start:r.csv.pos]
	if err != nil {
		rec.Err = fmt.Errorf("malformed CSV: %v", err)
		return rec, nil
	}
	header := r.c.header
	if len(cells) != len(header) {
		rec.Err = fmt.Errorf("row has %d cells, the header has %d", len(cells), len(header))
		return rec, nil
	}
	// Only this loop sets the fields, each time the same but for Text:
	// writing just that spares write barriers.
	rec.Fields = slices.Grow(rec.Fields, len(cells))[:len(cells)]
	for i, v := range cells {
		f := &rec.Fields[i]
		if f.Name != header[i] {
			*f = Field{Name: header[i], Kind: String}
		}
		f.Text = v
	}
	return rec, nil
}
