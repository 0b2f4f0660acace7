package source

import (
	"bufio"
	"bytes"
	"io"
)

// ndjsonReader reads one JSON object per line. Blank lines are skipped; a
// line that is not a JSON object is a record with Err set.
type ndjsonReader struct {
	r    *bufio.Reader
	line int64
	buf  []byte
	rec  Record
}

func newNDJSON(r *bufio.Reader) *ndjsonReader { return &ndjsonReader{r: r} }

func (n *ndjsonReader) Columns() []string { return nil }

func (n *ndjsonReader) Next() (*Record, error) {
	for {
		line, err := n.readLine()
		if err != nil && (err != io.EOF || len(line) == 0) {
			return nil, err
		}
		n.line++
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			if err == io.EOF {
				return nil, io.EOF
			}
			continue
		}
		rec := &n.rec
		rec.Row++
		rec.Line = n.line
		rec.raw = line
		rec.Fields, rec.Err = parseObject(line, rec.Fields[:0])
		return rec, nil
	}
}

// readLine returns the next line, including its '\n', in a buffer reused
// across calls.
func (n *ndjsonReader) readLine() ([]byte, error) {
	n.buf = n.buf[:0]
	for {
		chunk, err := n.r.ReadSlice('\n')
		n.buf = append(n.buf, chunk...)
		if err != bufio.ErrBufferFull {
			return n.buf, err
		}
	}
}
