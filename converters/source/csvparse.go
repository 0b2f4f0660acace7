package source

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unsafe"
)

// csvRows parses the rows of a text as encoding/csv reads them with
// FieldsPerRecord -1 (and no LazyQuotes, TrimLeadingSpace or Comment),
// but for three things:
//   - a quoted cell is data, kept byte for byte: a CRLF in it stays a CRLF
//     (encoding/csv makes it LF);
//   - a quote that does not close its cell (never closed, or closed and
//     followed by something other than a delimiter or a line end, or
//     whose cell runs past maxLines lines or maxBytes bytes of the row) is
//     taken for a stray one: the row ends with the line where that quote
//     opened, as errStrayQuote, and the next row starts on the next line
//     (encoding/csv reads on to wherever a quote happens to close);
//   - a row longer than maxBytes ends with the line where it passes
//     maxBytes, as errTooLarge, without cells.
//
// Blank lines are skipped; a CR that ends the text is dropped; a row with
// a bare quote ends with the line where its error is, and the rest of that
// line is dropped. It reads the text once (but for counting lines) and
// does not copy it: a cell is a substring of the text, unless it holds a
// "" escape, when it is a copy. Either way it stays valid as long as the
// text does.
type csvRows struct {
	text  string
	comma string // the delimiter, UTF-8 encoded: a valid rune, not '"', '\r' or '\n'
	pos   int    // where the next row, or the blank lines before it, starts
	line  int64  // lines before pos

	maxLines, maxBytes int   // the limits of a row (csvLimits)
	start              int   // where the row being read starts
	careful            bool  // check quoted cells against the limits (overLimit)
	lines              int64 // the physical lines of the last row
	quoteLine          int64 // after errStrayQuote: the line of the text where the quote opened

	// arena holds the copies of quoted cells, unescaped: one allocation
	// serves many cells. The bytes of a cell handed out are never written
	// again: the arena is only appended to, and a new array replaces a
	// full one.
	arena []byte
	// owner, when set, is the chunk of the text: it keeps the arena's
	// arrays, to recycle them with its own memory.
	owner *Chunk
}

// Errors of malformed rows, beside csv.ErrBareQuote.
var (
	errStrayQuote = errors.New("a quote does not close its cell")
	errTooLarge   = errors.New("row too large")
)

// csvLimits returns the limits of Options, defaults for 0.
func csvLimits(opts Options) (maxLines, maxBytes int) {
	maxLines, maxBytes = opts.MaxRecordLines, opts.MaxRecordBytes
	if maxLines <= 0 {
		maxLines = DefaultMaxRecordLines
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxRecordBytes
	}
	return maxLines, maxBytes
}

// next parses the next row, appending its cells to cells[:0]; line is the
// 1-based line of the text where the row starts, after any blank lines,
// and the row ends at pos, spanning lines lines. err is io.EOF when only
// blank lines are left; csv.ErrBareQuote, errStrayQuote or errTooLarge for
// a malformed row, whose cells are then the ones before the error (none
// for errTooLarge).
func (p *csvRows) next(cells []string) (_ []string, line int64, err error) {
	cells = cells[:0]
	if !p.skipBlankLines() {
		return cells, 0, io.EOF
	}
	p.start, line = p.pos, p.line+1
	cells, err = p.row(cells)
	n := p.countLines()
	if p.pos-p.start > p.maxBytes || p.lines > int64(p.maxLines) {
		cells, err = p.overLimit(cells)
		n = p.countLines()
	}
	p.line += n
	return cells, line, err
}

// row reads the cells of the row that starts at pos.
func (p *csvRows) row(cells []string) (_ []string, err error) {
	for more := true; more && err == nil; {
		if p.pos < len(p.text) && p.text[p.pos] == '"' {
			cells, more, err = p.quoted(cells)
		} else {
			cells, more, err = p.unquoted(cells)
		}
	}
	return cells, err
}

// countLines sets lines, the physical lines of the row from start to pos,
// and returns its newlines.
func (p *csvRows) countLines() int64 {
	n := int64(strings.Count(p.text[p.start:p.pos], "\n"))
	p.lines = n
	if p.pos > p.start && p.text[p.pos-1] != '\n' {
		p.lines++
	}
	return n
}

// overLimit reads the row again, when it is over a limit, checking each
// quoted cell against the limits: the first quoted cell whose closing
// quote is maxBytes or more bytes into the row, or after maxLines or more
// newlines of the row, makes its quote a stray one. A row still longer
// than maxBytes then ends at the first newline maxBytes bytes or more into
// it. Rows within the limits never get here, and would read the same.
func (p *csvRows) overLimit(cells []string) (_ []string, err error) {
	p.pos, p.careful = p.start, true
	cells, err = p.row(cells[:0])
	p.careful = false
	if p.pos-p.start > p.maxBytes {
		from := p.start + p.maxBytes
		p.pos = len(p.text)
		if i := strings.IndexByte(p.text[from:], '\n'); i >= 0 {
			p.pos = from + i + 1
		}
		return cells[:0], errTooLarge
	}
	return cells, err
}

// skipBlankLines moves past empty lines; false means that the text ends.
func (p *csvRows) skipBlankLines() bool {
	for {
		n, ok := lineEnd(p.text[p.pos:])
		if !ok {
			return true
		}
		if n == 0 {
			return false
		}
		p.pos += n
		p.line++
	}
}

// unquoted reads an unquoted cell, from pos to the delimiter or the line
// end; more says that another cell of the row follows.
func (p *csvRows) unquoted(cells []string) (_ []string, more bool, err error) {
	start := p.pos
	for i := start; ; i++ {
		i = p.special(i)
		switch {
		case i == len(p.text):
			p.pos = i
			return append(cells, strings.TrimSuffix(p.text[start:i], "\r")), false, nil
		case p.text[i] == '\n':
			p.pos = i + 1
			return append(cells, strings.TrimSuffix(p.text[start:i], "\r")), false, nil
		case p.text[i] == '"':
			p.skipLine(i)
			return cells, false, csv.ErrBareQuote
		case p.isComma(i):
			p.pos = i + len(p.comma)
			return append(cells, p.text[start:i]), true, nil
		}
	}
}

// quoted reads a quoted cell, whose opening quote is at pos; more says
// that another cell of the row follows.
func (p *csvRows) quoted(cells []string) (_ []string, more bool, err error) {
	open := p.pos
	start := open + 1
	copied := -1 // once the cell has "": where its copy starts in the arena
	for i := start; ; {
		q := strings.IndexByte(p.text[i:], '"')
		if q < 0 {
			return cells, false, p.strayQuote(open) // no closing quote
		}
		q += i
		if q+1 < len(p.text) && p.text[q+1] == '"' { // "" stands for "
			copied = p.appendCopy(copied, p.text[i:q+1])
			i = q + 2
			continue
		}
		if p.careful && p.pastLimits(q) {
			return cells, false, p.strayQuote(open)
		}
		more = p.isComma(q + 1)
		if more {
			p.pos = q + 1 + len(p.comma)
		} else if n, ok := lineEnd(p.text[q+1:]); ok {
			p.pos = q + 1 + n
		} else {
			return cells, false, p.strayQuote(open) // text after the closing quote
		}
		cell := p.text[start:q]
		if copied >= 0 {
			copied = p.appendCopy(copied, p.text[i:q])
			cell = unsafe.String(&p.arena[copied], len(p.arena)-copied)
		}
		return append(cells, cell), more, nil
	}
}

// pastLimits reports whether a quoted cell closing at q is maxBytes or
// more bytes into the row, or after maxLines or more of its newlines.
func (p *csvRows) pastLimits(q int) bool {
	return q-p.start >= p.maxBytes || strings.Count(p.text[p.start:q], "\n") >= p.maxLines
}

// strayQuote ends the row with the line where the quote at open is, and
// notes that line.
func (p *csvRows) strayQuote(open int) error {
	p.quoteLine = p.line + 1 + int64(strings.Count(p.text[p.start:open], "\n"))
	p.skipLine(open)
	return errStrayQuote
}

// arenaBlock is the size of the arena's arrays.
const arenaBlock = 32 << 10

// appendCopy appends s to the copy of a cell that starts at copied in the
// arena (-1: a new copy), and returns where the copy now starts: a full
// array gives way to a new one, where the copy moves.
func (p *csvRows) appendCopy(copied int, s string) int {
	if copied < 0 {
		copied = len(p.arena)
	}
	if cap(p.arena)-len(p.arena) < len(s) {
		cell := p.arena[copied:]
		p.arena = append(p.owner.arenaArray(max(arenaBlock, 2*(len(cell)+len(s)))), cell...)
		copied = 0
	}
	p.arena = append(p.arena, s...)
	return copied
}

// isComma reports whether the delimiter is at i.
func (p *csvRows) isComma(i int) bool {
	return i < len(p.text) && p.text[i] == p.comma[0] &&
		(len(p.comma) == 1 || strings.HasPrefix(p.text[i:], p.comma))
}

// skipLine ends a malformed row at the end of the line that holds from.
func (p *csvRows) skipLine(from int) {
	p.pos = len(p.text)
	if i := strings.IndexByte(p.text[from:], '\n'); i >= 0 {
		p.pos = from + i + 1
	}
}

// lineEnd is the length of the line end that rest starts with: "\n" or
// "\r\n", or, at the end of the text, "" or a lone "\r" (which
// encoding/csv drops); ok is false when rest starts with anything else.
func lineEnd(rest string) (n int, ok bool) {
	switch {
	case rest == "" || rest == "\r":
		return len(rest), true
	case rest[0] == '\n':
		return 1, true
	case strings.HasPrefix(rest, "\r\n"):
		return 2, true
	}
	return 0, false
}

// special returns the position of the first newline, quote or first byte
// of the delimiter from i on, or len(text), looking at 8 bytes at a time.
func (p *csvRows) special(i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	s, c0 := p.text, p.comma[0]
	comma := ones * uint64(c0)
	for ; i+8 <= len(s); i += 8 {
		x := load64(s[i : i+8])
		n, q, c := x^(ones*'\n'), x^(ones*'"'), x^comma
		// "Has a zero byte" for each: never misses one.
		if ((n-ones)&^n|(q-ones)&^q|(c-ones)&^c)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '\n' || c == '"' || c == c0 {
			return i
		}
	}
	return i
}

// load64 reads 8 bytes of s as a little-endian number.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
