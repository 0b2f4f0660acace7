package source

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// ndjsonFramer cuts NDJSON into chunks of whole lines.
type ndjsonFramer struct {
	r     *bufio.Reader
	size  int
	line  int64 // lines before the next chunk
	count lineCount
	err   error // ends the input once the chunks before it are out
}

func (f *ndjsonFramer) lines() int64 { return f.count.total() }

func (f *ndjsonFramer) next() (*Chunk, error) {
	if f.err != nil {
		return nil, f.err
	}
	var buf []byte
	buf, f.err = fill(f.r, newChunkBuf(f.size), f.size)
	for f.err == nil && len(buf) > 0 && buf[len(buf)-1] != '\n' {
		var more []byte
		more, f.err = f.r.ReadSlice('\n') // the rest of the last line
		buf = append(buf, more...)
		if f.err == bufio.ErrBufferFull {
			f.err = nil
		}
	}
	if f.err != nil && f.err != io.EOF {
		buf = buf[:bytes.LastIndexByte(buf, '\n')+1] // a broken input: the partial line is lost
	}
	if len(buf) == 0 {
		return nil, f.err
	}
	c := &Chunk{buf: buf, text: chunkText(buf), line: f.line, format: NDJSON}
	f.line += int64(bytes.Count(buf, []byte{'\n'}))
	f.count.add(buf)
	return c, nil
}

// nextLine returns the record of the next line holding a JSON object.
// Blank lines are skipped; a line that is not a JSON object is a record
// with Err set.
func (r *Records) nextLine() (*Record, error) {
	text := r.c.text
	for r.pos < len(text) {
		line := text[r.pos:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		r.pos += len(line)
		r.line++
		line = strings.TrimRight(line, "\r\n")
		if len(strings.TrimSpace(line)) == 0 {
			continue
		}
		rec := &r.rec
		r.rows++
		rec.Row, rec.Line, rec.Lines, rec.text = r.rows, r.line, 1, line
		rec.Fields, rec.nested, rec.Err = parseRecord(line, rec.Fields[:0], rec.nested)
		return rec, nil
	}
	return nil, io.EOF
}
