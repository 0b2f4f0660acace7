package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSV is RFC 4180 with a header row: quoted cells may hold the delimiter,
// quotes and newlines; CRLF line ends are accepted (Open strips a UTF-8
// BOM). A csvFramer cuts it into chunks of whole rows exactly where
// csvRows, which parses the rows of a chunk without copying them, ends a
// row. csvRows follows encoding/csv but for the things its doc lists: a
// quoted CRLF is kept, and a malformed or oversized row can only take the
// lines up to the one where its stray quote opened, or where it passed
// the size limit, never the rest of the input. The header row is read by
// the same rules.

// csvFramer cuts CSV into chunks of whole rows.
type csvFramer struct {
	r      *bufio.Reader
	size   int
	comma  string // UTF-8 encoded
	header []string
	first  *Chunk // the rows of the first chunk, after the header
	carry  []byte // read past the last cut: the start of the next chunk
	scan   csvScan
	limits [2]int // MaxRecordLines, MaxRecordBytes
	line   int64  // lines before the next chunk
	count  lineCount
	err    error // ends the input once the chunks before it are out
}

func (f *csvFramer) lines() int64 { return f.count.total() }

// newCSVFramer reads the header row.
func newCSVFramer(r *bufio.Reader, comma rune, size int, opts Options) (*csvFramer, error) {
	if comma == '"' || comma == '\r' || comma == '\n' || comma == utf8.RuneError || !utf8.ValidRune(comma) {
		return nil, fmt.Errorf("CSV header: invalid delimiter %q", comma)
	}
	delim := utf8.AppendRune(nil, comma)
	maxLines, maxBytes := csvLimits(opts)
	f := &csvFramer{r: r, size: size, comma: string(delim), limits: [2]int{maxLines, maxBytes},
		scan: csvScan{comma: delim, maxLines: maxLines, maxBytes: maxBytes}}
	if opts.NoHeader {
		return f, f.setColumns(opts.Columns)
	}
	for f.first == nil {
		c, err := f.next()
		if err == io.EOF {
			return nil, errors.New("empty CSV: no header row")
		}
		if err != nil {
			return nil, err
		}
		if c.tooLarge {
			return nil, fmt.Errorf("CSV header: longer than %d bytes (--max-record-bytes)", maxBytes)
		}
		if err := f.readHeader(c); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// readHeader reads the header row at the start of c, which becomes the
// first chunk, of the rows after it; a chunk of blank lines is dropped.
// The header is read by the rules of the rows (csvRows), so that it ends
// where the framer ends it.
func (f *csvFramer) readHeader(c *Chunk) error {
	p := c.csvRows(c.text)
	header, line, err := p.next(nil)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		if err == errStrayQuote {
			err = fmt.Errorf("the quote opened on line %d does not close its cell", c.line+p.quoteLine)
		}
		return fmt.Errorf("CSV header on line %d: %w", c.line+line, err)
	}
	if looksLikeData(header) {
		shown := strings.Join(header, f.comma)
		if len(shown) > 120 {
			shown = strings.ToValidUTF8(shown[:120], "") + "…"
		}
		return fmt.Errorf("CSV header on line %d (%s): %w", c.line+line, shown, ErrHeaderLooksLikeData)
	}
	if err := f.setColumns(header); err != nil {
		return err
	}
	c.line += p.line
	c.text, c.header = c.text[p.pos:], f.header
	f.first = c
	return nil
}

// setColumns names the cells of the rows: the header's cells, or the
// columns given for a headerless input.
func (f *csvFramer) setColumns(header []string) error {
	if len(header) == 0 {
		return errors.New("CSV without a header: give the column names (--columns)")
	}
	f.header = make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.Clone(strings.TrimSpace(h)) // not the chunk's memory
		// The mapping takes a column by its exact name: of two columns of
		// one name, it could only take the first, and lose the other.
		if j, dup := seen[h]; dup && h != "" {
			return fmt.Errorf("%w: %q is both column %d and column %d", ErrDuplicateColumn, h, j+1, i+1)
		}
		seen[h], f.header[i] = i, h
	}
	return nil
}

// looksLikeData reports whether a header row holds values no one names a
// column by: a UUID or a timestamp with one more data cell, or numbers
// in more than half of the cells (at least two).
func looksLikeData(header []string) bool {
	data, strong := 0, 0
	for _, h := range header {
		switch dataCell(strings.TrimSpace(h)) {
		case 2:
			strong++
			data++
		case 1:
			data++
		}
	}
	return strong >= 1 && data >= 2 || data >= 2 && 2*data > len(header)
}

// dataCell is 2 for a UUID or a date or timestamp, 1 for a number, else 0.
func dataCell(s string) int {
	if s == "" {
		return 0
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 1
	}
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' && strings.Trim(s, "0123456789abcdefABCDEF-") == "" {
		return 2
	}
	// 2023-01-01, 2023-01-01T00:00:00Z, 2023-01-01 00:00:00.000 …
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && strings.Trim(s[:4]+s[5:7]+s[8:10], "0123456789") == "" {
		return 2
	}
	return 0
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
		// No row ends in buf: one longer than the chunk.
		if f.scan.overLimit(buf) {
			if f.scan.last == 0 { // too large to hold: skip to its end
				return f.skipRow(buf)
			}
			break
		}
		size *= 2
		buf = slices.Grow(buf, size-len(buf))
	}
	cut := f.scan.last
	if f.err == io.EOF {
		cut = len(buf) // the last row may lack its line end
	}
	f.carry = append(f.carry[:0], buf[cut:]...) // the buffer goes with the chunk
	f.scan.pos -= cut
	f.scan.open -= cut
	f.scan.last = 0
	if cut == 0 {
		return nil, f.err
	}
	c := f.chunk(buf, chunkText(buf[:cut]))
	f.line += int64(bytes.Count(buf[:cut], []byte{'\n'}))
	f.count.add(buf[:cut])
	return c, nil
}

func (f *csvFramer) chunk(buf []byte, text string) *Chunk {
	return &Chunk{buf: buf, text: text, line: f.line, format: CSV, comma: f.comma, header: f.header, limits: f.limits}
}

// skipRow makes the chunk of a row too large to hold, which starts buf
// and ends at the first newline past the limit, after buf: the bytes up
// to that newline are read and dropped, in pieces of bounded size. The
// chunk has no text, only the lines the row spans.
func (f *csvFramer) skipRow(buf []byte) (*Chunk, error) {
	newlines := int64(bytes.Count(buf, []byte{'\n'}))
	ended := false
	for f.err == nil && !ended {
		var b []byte
		b, f.err = f.r.ReadSlice('\n')
		if f.err == bufio.ErrBufferFull {
			f.err = nil
		}
		ended = len(b) > 0 && b[len(b)-1] == '\n'
	}
	c := f.chunk(buf[:0], "")
	c.tooLarge, c.lines = true, newlines+1
	if ended {
		newlines++
	}
	f.line += newlines
	f.count.n += newlines
	f.count.open = !ended
	f.carry = f.carry[:0]
	f.scan.reset(0)
	return c, nil
}

// csvScan finds where the rows of a buffer end, as csvRows reads them: at
// a newline outside quotes; for a row with a bare quote, at the end of the
// line where it is; for a quote that does not close its cell, at the end
// of the line where it opened. It only stops at quotes and at the bytes
// right after them, and finds them with bytes.IndexByte, so that long
// stretches without quotes cost little. A row that went through quotes is
// checked against the limits when it ends (csvRows.overLimit says where
// such a row ends); one without quotes is a line, which a limit never
// shortens.
type csvScan struct {
	comma    []byte
	pos      int  // next byte to look at
	last     int  // end of the last whole row seen: the start of the row being scanned
	open     int  // inQuotes, or toLineEnd after a stray quote: where the quote opened
	hasQuote bool // the row being scanned has a quoted cell
	maxLines int
	maxBytes int
	state    uint8
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
	if s.hasQuote { // the row's first newline ends it, checked
		if i := bytes.IndexByte(b[s.pos:q], '\n'); i >= 0 && !s.endRow(b, s.pos+i+1) {
			return // cut short by a limit: scan on from its new end
		}
	}
	s.rowEnds(b[:q], q == len(b))
	switch {
	case q == len(b):
		s.pos = q
	case q == 0 || b[q-1] == '\n' || bytes.HasSuffix(b[:q], s.comma):
		s.pos, s.open, s.state, s.hasQuote = q+1, q, inQuotes, true
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
		s.endRow(b, q+1)
	case rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n':
		s.endRow(b, q+2)
	default: // a stray quote: the row ends with the line where it opened
		s.pos, s.state = s.open, toLineEnd
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
	s.endRow(b, s.pos+i+1)
}

// endRow ends the row at end, or where csvRows ends it when it went
// through quotes and is over a limit; false means that the row ends
// before end, because of a limit.
func (s *csvScan) endRow(b []byte, end int) bool {
	row := b[s.last:end]
	if s.hasQuote && (len(row) > s.maxBytes || len(row) > s.maxLines && bytes.Count(row, []byte{'\n'}) > s.maxLines) {
		n, _ := s.limitEnd(b[s.last:])
		s.reset(s.last + n)
		return n == len(row)
	}
	s.reset(end)
	return true
}

// reset starts a row at end.
func (s *csvScan) reset(end int) {
	s.pos, s.last, s.state, s.hasQuote = end, end, inText, false
}

// overLimit is called when b holds no row end: the row that starts b is
// longer than b. It reports whether that row is over a limit already (b
// is longer than maxBytes, or has maxLines newlines, all in quoted
// cells); then it ends that row, at last, or leaves last at 0 when the
// row is too large and ends past b.
func (s *csvScan) overLimit(b []byte) bool {
	if len(b) <= s.maxBytes && (len(b) <= s.maxLines || bytes.Count(b, []byte{'\n'}) < s.maxLines) {
		return false
	}
	n, past := s.limitEnd(b)
	if past {
		n = 0
	}
	s.reset(n)
	return true
}

// limitEnd is where csvRows ends the row that starts b, which is over a
// limit, and whether it is a row too large whose end is past b. b holds
// the row up to where it ends, or more bytes than the limits allow.
func (s *csvScan) limitEnd(b []byte) (end int, past bool) {
	p := csvRows{text: chunkText(b), comma: string(s.comma), maxLines: s.maxLines, maxBytes: s.maxBytes}
	_, _, err := p.next(nil)
	return p.pos, err == errTooLarge && p.pos == len(b) && b[len(b)-1] != '\n'
}

// nextCSV returns the next row. Blank lines are skipped; any other line is
// in a record, so that every line is accounted for. Its cells share the
// chunk's memory.
func (r *Records) nextCSV() (*Record, error) {
	rec := &r.rec
	if r.c.tooLarge {
		return r.tooLarge()
	}
	start := r.csv.pos
	cells, line, err := r.csv.next(rec.cells)
	rec.cells = cells
	if err == io.EOF {
		return nil, io.EOF
	}
	r.rows++
	rec.Row, rec.Line, rec.Lines, rec.Err = r.rows, r.c.line+line, r.csv.lines, nil
	rec.Fields = rec.Fields[:0]
	rec.text = r.c.text[start:r.csv.pos]
	switch err {
	case nil:
	case errStrayQuote:
		quote := r.c.line + r.csv.quoteLine
		rec.Err = &RecordError{Reason: "csv_unterminated_quote", Msg: fmt.Sprintf(
			"the quote opened on line %d does not close its cell (never closed, or followed by other text, or longer than "+
				"%d lines or %d bytes): taken for a stray quote, the row ends with line %d", quote, r.csv.maxLines, r.csv.maxBytes, quote)}
		return rec, nil
	case errTooLarge:
		rec.text = ""
		rec.Err = tooLargeError(rec.Line, rec.Lines, r.csv.maxBytes)
		return rec, nil
	default:
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

// tooLarge returns the one record of a chunk of a row too large to hold.
func (r *Records) tooLarge() (*Record, error) {
	if r.rows > 0 {
		return nil, io.EOF
	}
	rec := &r.rec
	r.rows++
	rec.Row, rec.Line, rec.Lines, rec.text = 1, r.c.line+1, r.c.lines, ""
	rec.cells, rec.Fields = rec.cells[:0], rec.Fields[:0]
	rec.Err = tooLargeError(rec.Line, rec.Lines, r.c.limits[1])
	return rec, nil
}

func tooLargeError(line, lines int64, maxBytes int) error {
	return &RecordError{Reason: "record_too_large", Msg: fmt.Sprintf(
		"the row on line %d is longer than %d bytes (--max-record-bytes): it is rejected up to the end of line %d, where it passes the limit",
		line, maxBytes, line+lines-1)}
}
