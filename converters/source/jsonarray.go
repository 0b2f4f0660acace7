package source

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// arrayFramer cuts the elements of one top-level JSON array, each an
// object, into chunks. It finds where an element ends by following its
// strings and brackets (structure), then checks the element's syntax with
// the scanner, so that a broken element is known with its byte offset in
// the input; the elements' fields are parsed from the chunks.
//
// Only what cannot be an element is fatal: an input that does not start
// with '['. An element that is not a valid JSON object, or is longer than
// max, is a record rejected alone (rejectChunk) and reading goes on after
// it. When the array cannot be resynchronised (the input ends inside it,
// or data follows it), a last rejected record says where, and the input
// ends there, with every element before it kept.
type arrayFramer struct {
	r       *bufio.Reader
	size    int
	max     int   // the longest element accepted
	off     int64 // bytes of the input read
	started bool
	done    bool   // the array ended, or cannot be read further
	elems   int64  // elements cut so far
	err     error  // ends the input once the chunks before it are out
	queue   *Chunk // a reject due after the chunk before it
	last    *Chunk // a reject due after the last element
	elem    []byte // the element being read
	big     bool   // it is longer than max: elem holds its head only
}

func newArray(r *bufio.Reader, size, max int) *arrayFramer {
	return &arrayFramer{r: r, size: size, max: max}
}

func (a *arrayFramer) lines() int64 { return 0 }

func (a *arrayFramer) next() (*Chunk, error) {
	if c := a.queue; c != nil {
		a.queue = nil
		return c, nil
	}
	if a.err != nil {
		return nil, a.err
	}
	buf := newChunkBuf(a.size)
	var ends []int
	for len(buf) < a.size {
		rej, err := a.element()
		if err != nil {
			a.err = err
			break
		}
		if rej != nil {
			a.queue = rej
			break
		}
		buf = append(buf, a.elem...)
		ends = append(ends, len(buf))
	}
	if len(ends) == 0 {
		recycle(&chunkBufs, buf)
		if c := a.queue; c != nil {
			a.queue = nil
			return c, nil
		}
		return nil, a.err
	}
	return &Chunk{buf: buf, text: chunkText(buf), ends: ends, format: JSON}, nil
}

// element reads the next element: a valid one into a.elem, or the reject
// of a bad one; it returns io.EOF after the last record.
func (a *arrayFramer) element() (*Chunk, error) {
	if !a.started {
		if err := a.open(); err != nil {
			return nil, err
		}
	}
	if a.done {
		if c := a.last; c != nil {
			a.last = nil
			return c, nil
		}
		return nil, io.EOF
	}
	if err := a.skipSpace(); err != nil && err != io.EOF {
		return nil, err
	}
	start := a.off
	var st structure
	a.elem, a.big = a.elem[:0], false
	sep, err := a.scan(&st)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading the JSON array at byte %d: %w", a.off, err)
	}
	a.elem = bytes.TrimRight(a.elem, " \t\r\n")
	empty := len(a.elem) == 0
	switch {
	case err == io.EOF:
		a.done = true
		if empty {
			return a.reject("", "the input ends at byte %d inside the JSON array, without its closing ']' (truncated?)", a.off)
		}
		a.elems++
		if !st.closed() || a.big {
			return a.reject(head(a.elem), "array element %d at byte %d is cut off by the end of the input at byte %d (truncated?)",
				a.elems, start+1, a.off)
		}
		a.last, _ = a.reject("", "the JSON array is not closed: the input ends at byte %d, after element %d (truncated?)", a.off, a.elems)
	case sep == ']':
		a.done = true
		if err := a.trailing(); err != nil {
			return nil, err
		}
		if empty && a.elems == 0 { // []
			return a.element()
		}
	}
	if empty {
		a.elems++
		return a.reject("", "array element %d at byte %d is empty (a comma too many?)", a.elems, start+1)
	}
	if sep != 0 {
		a.elems++
	}
	if a.big {
		msg := fmt.Sprintf("array element %d at byte %d is longer than the limit of %d bytes (--max-record-bytes); it was skipped",
			a.elems, start+1, a.max)
		return rejectChunk(0, 0, tooLargeReason, msg, head(a.elem)), nil
	}
	if err := checkElement(chunkText(a.elem), start); err != nil {
		return a.reject(string(a.elem), "array element %d: %v", a.elems, err)
	}
	return nil, nil
}

// reject returns the chunk of a record_invalid record; raw is what is
// kept of it, a copy.
func (a *arrayFramer) reject(raw, format string, args ...any) (*Chunk, error) {
	return rejectChunk(0, 0, invalidReason, fmt.Sprintf(format, args...), raw), nil
}

// open reads the '[' that starts the array.
func (a *arrayFramer) open() error {
	a.started = true
	err := a.skipSpace()
	if err == io.EOF {
		return fmt.Errorf("empty input: expected a JSON array")
	}
	if err != nil {
		return err
	}
	c, _ := a.r.ReadByte()
	a.off++
	switch c {
	case '[':
		return nil
	case '{':
		return fmt.Errorf("expected a JSON array ('['), found an object: use --format ndjson for one object per line")
	}
	return fmt.Errorf("invalid JSON array: expected a JSON array ('[') at byte %d, found %q", a.off, c)
}

// scan reads the element at the reader into a.elem up to the ',' or ']'
// that ends it, which it consumes and returns. Once the element is longer
// than a.max, it keeps its head only and sets a.big. At the end of the
// input it returns io.EOF.
func (a *arrayFramer) scan(st *structure) (byte, error) {
	for {
		if _, err := a.r.Peek(1); err != nil {
			return 0, err
		}
		b, _ := a.r.Peek(a.r.Buffered())
		i := st.feed(b)
		n := len(b)
		if i >= 0 {
			n = i
		}
		a.keep(b[:n])
		var sep byte
		if i >= 0 {
			sep = b[i]
			n++
		}
		a.r.Discard(n)
		a.off += int64(n)
		if sep != 0 {
			return sep, nil
		}
	}
}

// keep appends p to the element, or its head once it is too long.
func (a *arrayFramer) keep(p []byte) {
	if !a.big && len(a.elem)+len(p) > a.max {
		a.big = true
		a.elem = append(a.elem, p[:min(len(p), headBytes)]...)
	}
	if !a.big {
		a.elem = append(a.elem, p...)
	}
}

// skipSpace consumes white space; it returns io.EOF at the end of the input.
func (a *arrayFramer) skipSpace() error {
	for {
		if _, err := a.r.Peek(1); err != nil {
			return err
		}
		b, _ := a.r.Peek(a.r.Buffered())
		n := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
		a.r.Discard(n)
		a.off += int64(n)
		if n < len(b) {
			return nil
		}
	}
}

// trailing checks that only white space follows the array: anything else
// would be silently lost, so it is a last rejected record.
func (a *arrayFramer) trailing() error {
	err := a.skipSpace()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	b, _ := a.r.Peek(min(a.r.Buffered(), headBytes))
	a.last, _ = a.reject(head(b), "unexpected data after the JSON array at byte %d", a.off+1)
	return nil
}

// checkElement checks that text, an element starting at byte base of the
// input, is one valid JSON object; errors name the byte in the input.
func checkElement(text string, base int64) error {
	s := scanner{b: text, base: int(base)}
	if s.next() != '{' {
		return s.errorf("expected a JSON object")
	}
	if err := s.skipNested(1); err != nil {
		return err
	}
	return s.end()
}

// structure follows the strings and brackets of JSON text, to find the end
// of an array element without checking its syntax.
type structure struct {
	depth  int
	inStr  bool
	escape bool
}

// closed reports whether the text so far has no open string or bracket.
func (st *structure) closed() bool { return st.depth == 0 && !st.inStr }

// feed follows b and returns the index of the ',' or ']' outside any
// string or bracket that ends the element, or -1.
func (st *structure) feed(b []byte) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if st.inStr {
			switch {
			case st.escape:
				st.escape = false
			case c == '\\':
				st.escape = true
			case c == '"':
				st.inStr = false
			default:
				i = plainRunBytes(b, i+1) - 1
			}
			continue
		}
		switch c {
		case '"':
			st.inStr = true
		case '{', '[':
			st.depth++
		case '}':
			st.depth = max(st.depth-1, 0)
		case ']':
			if st.depth == 0 {
				return i
			}
			st.depth--
		case ',':
			if st.depth == 0 {
				return i
			}
		}
	}
	return -1
}

// plainRunBytes is plainRun over bytes.
func plainRunBytes(b []byte, i int) int { return plainRun(chunkText(b), i) }

// nextElement returns the record of the next element.
func (r *Records) nextElement() (*Record, error) {
	if r.pos == len(r.c.ends) {
		return nil, io.EOF
	}
	start := 0
	if r.pos > 0 {
		start = r.c.ends[r.pos-1]
	}
	text := r.c.text[start:r.c.ends[r.pos]]
	r.pos++
	r.rows++
	rec := &r.rec
	rec.Row, rec.text = r.rows, text
	rec.Fields, rec.nested, rec.Err = parseRecord(text, rec.Fields[:0], rec.nested)
	return rec, nil
}
