package source

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// arrayFramer cuts the elements of one top-level JSON array, each an
// object, into chunks. Finding where an element ends takes a full scan,
// done here with encoding/json; the elements are parsed from the chunks.
type arrayFramer struct {
	dec     *json.Decoder
	size    int
	started bool
	done    bool  // the closing ']' was read
	rows    int64 // elements cut so far
	err     error // ends the input once the chunks before it are out
	elem    json.RawMessage
}

func newArray(r *bufio.Reader, size int) *arrayFramer {
	d := json.NewDecoder(r)
	d.UseNumber()
	return &arrayFramer{dec: d, size: size}
}

func (a *arrayFramer) lines() int64 { return 0 }

func (a *arrayFramer) next() (*Chunk, error) {
	if a.err != nil {
		return nil, a.err
	}
	buf := newChunkBuf(a.size)
	var ends []int
	for len(buf) < a.size {
		if a.err = a.element(); a.err != nil {
			break
		}
		buf = append(buf, a.elem...)
		ends = append(ends, len(buf))
		a.rows++
	}
	if len(ends) == 0 {
		return nil, a.err
	}
	return &Chunk{buf: buf, text: chunkText(buf), ends: ends, format: JSON}, nil
}

// element decodes the next element into a.elem, or returns io.EOF after
// the closing ']'.
func (a *arrayFramer) element() error {
	if !a.started {
		a.started = true
		tok, err := a.dec.Token()
		if err == io.EOF {
			return fmt.Errorf("empty input: expected a JSON array")
		}
		if err != nil {
			return fmt.Errorf("invalid JSON array: %w", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("expected a JSON array ('['), found %v: use --format ndjson for one object per line", tok)
		}
	}
	if a.done {
		return io.EOF
	}
	if !a.dec.More() {
		if _, err := a.dec.Token(); err != nil { // the closing ']'
			return fmt.Errorf("invalid JSON array after element %d: %w", a.rows, unexpectedEOF(err))
		}
		// Anything but white space after the array would be silently lost.
		if tok, err := a.dec.Token(); err != io.EOF {
			return fmt.Errorf("unexpected data after the JSON array (byte %d): %v", a.dec.InputOffset(), orToken(err, tok))
		}
		a.done = true
		return io.EOF
	}
	a.elem = a.elem[:0]
	if err := a.dec.Decode(&a.elem); err != nil {
		return fmt.Errorf("invalid JSON in array element %d (byte %d): %w", a.rows+1, a.dec.InputOffset(), unexpectedEOF(err))
	}
	return nil
}

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

// orToken describes what was found: the error if any, else the token.
func orToken(err error, tok json.Token) any {
	if err != nil {
		return err
	}
	return tok
}

// unexpectedEOF turns io.EOF inside the array into io.ErrUnexpectedEOF, so
// that a truncated file never looks like a clean end, even to errors.Is.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
