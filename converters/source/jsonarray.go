package source

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// arrayReader streams the elements of one top-level JSON array, each an object.
type arrayReader struct {
	dec     *json.Decoder
	started bool
	done    bool // the closing ']' was read
	rec     Record
	elem    json.RawMessage
}

func newArray(r *bufio.Reader) *arrayReader {
	d := json.NewDecoder(r)
	d.UseNumber()
	return &arrayReader{dec: d}
}

func (a *arrayReader) Columns() []string { return nil }

func (a *arrayReader) Next() (*Record, error) {
	if !a.started {
		a.started = true
		tok, err := a.dec.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("empty input: expected a JSON array")
		}
		if err != nil {
			return nil, fmt.Errorf("invalid JSON array: %w", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, fmt.Errorf("expected a JSON array ('['), found %v: use --format ndjson for one object per line", tok)
		}
	}
	if a.done {
		return nil, io.EOF
	}
	if !a.dec.More() {
		if _, err := a.dec.Token(); err != nil { // the closing ']'
			return nil, fmt.Errorf("invalid JSON array after element %d: %w", a.rec.Row, unexpectedEOF(err))
		}
		// Anything but white space after the array would be silently lost.
		if tok, err := a.dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("unexpected data after the JSON array (byte %d): %v", a.dec.InputOffset(), orToken(err, tok))
		}
		a.done = true
		return nil, io.EOF
	}
	a.elem = a.elem[:0]
	if err := a.dec.Decode(&a.elem); err != nil {
		return nil, fmt.Errorf("invalid JSON in array element %d (byte %d): %w", a.rec.Row+1, a.dec.InputOffset(), unexpectedEOF(err))
	}
	rec := &a.rec
	rec.Row++
	rec.raw = a.elem
	rec.Fields, rec.Err = parseObject(a.elem, rec.Fields[:0])
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
