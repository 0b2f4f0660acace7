package source

import (
	"encoding/csv"
	"io"
	"strings"
	"unsafe"
)

// csvRows parses the rows of a text exactly as encoding/csv reads them
// with FieldsPerRecord -1 (and no LazyQuotes, TrimLeadingSpace or
// Comment): blank lines are skipped; a CRLF line end reads as LF, also
// inside a quoted cell; a CR that ends the text is dropped; a malformed row
// ends with the line where its error is, and the rest of that line is
// dropped. It reads the text once (but for counting lines) and does not
// copy it: a cell is a substring of the text, unless it holds a "" escape
// or a CRLF, when it is a copy. Either way it stays valid as long as the
// text does.
type csvRows struct {
	text  string
	comma string // the delimiter, UTF-8 encoded: a valid rune, not '"', '\r' or '\n'
	pos   int    // where the next row, or the blank lines before it, starts
	line  int64  // lines before pos

	// arena holds the copies of quoted cells, unescaped: one allocation
	// serves many cells. The bytes of a cell handed out are never written
	// again: the arena is only appended to, and a new array replaces a
	// full one.
	arena []byte
	// owner, when set, is the chunk of the text: it keeps the arena's
	// arrays, to recycle them with its own memory.
	owner *Chunk
}

// next parses the next row, appending its cells to cells[:0]; line is the
// 1-based line of the text where the row starts, after any blank lines,
// and the row ends at pos. err is io.EOF when only blank lines are left,
// and csv.ErrQuote or csv.ErrBareQuote for a malformed row, whose cells are
// then the ones before the error (as encoding/csv returns them).
func (p *csvRows) next(cells []string) (_ []string, line int64, err error) {
	cells = cells[:0]
	if !p.skipBlankLines() {
		return cells, 0, io.EOF
	}
	start, line := p.pos, p.line+1
	for more := true; more && err == nil; {
		if p.pos < len(p.text) && p.text[p.pos] == '"' {
			cells, more, err = p.quoted(cells)
		} else {
			cells, more, err = p.unquoted(cells)
		}
	}
	p.line += int64(strings.Count(p.text[start:p.pos], "\n"))
	return cells, line, err
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
	start := p.pos + 1
	copied := -1 // once the cell has "": where its copy starts in the arena
	for i := start; ; {
		q := strings.IndexByte(p.text[i:], '"')
		if q < 0 {
			p.pos = len(p.text)
			return cells, false, csv.ErrQuote // no closing quote
		}
		q += i
		if q+1 < len(p.text) && p.text[q+1] == '"' { // "" stands for "
			copied = p.appendCopy(copied, p.text[i:q+1])
			i = q + 2
			continue
		}
		more = p.isComma(q + 1)
		if more {
			p.pos = q + 1 + len(p.comma)
		} else if n, ok := lineEnd(p.text[q+1:]); ok {
			p.pos = q + 1 + n
		} else {
			p.skipLine(q + 1)
			return cells, false, csv.ErrQuote // text after the closing quote
		}
		cell := p.text[start:q]
		if strings.Contains(cell, "\r\n") {
			copied = p.appendCopy(copied, p.text[i:q])
			cell = p.dropCRs(copied)
		} else if copied >= 0 {
			copied = p.appendCopy(copied, p.text[i:q])
			cell = unsafe.String(&p.arena[copied], len(p.arena)-copied)
		}
		return append(cells, cell), more, nil
	}
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

// dropCRs removes the CRs of CRLFs from the copy of a cell that starts at
// copied in the arena, in place (it is not handed out yet), and returns it.
func (p *csvRows) dropCRs(copied int) string {
	cell, n := p.arena[copied:], 0
	for i, c := range cell {
		if c != '\r' || i+1 == len(cell) || cell[i+1] != '\n' {
			cell[n] = c
			n++
		}
	}
	p.arena = p.arena[:copied+n]
	return unsafe.String(&p.arena[copied], n)
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
