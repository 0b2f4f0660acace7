package source

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// ndjsonFramer cuts NDJSON into chunks of whole lines. A line longer than
// max is not kept: it is skipped a buffer at a time and becomes a chunk of
// its own, rejected as record_too_large (rejectChunk), so that memory stays
// bounded whatever the input (a file of NULs without a newline, say).
type ndjsonFramer struct {
	r     *bufio.Reader
	size  int   // at most max, so that only a chunk's last line can be too long
	max   int   // the longest line accepted, its line end not counted
	line  int64 // lines before the next chunk
	count lineCount
	err   error  // ends the input once the chunks before it are out
	long  *Chunk // the reject of a line too long, due after the chunk before it
}

func newNDJSON(r *bufio.Reader, size, max int) *ndjsonFramer {
	return &ndjsonFramer{r: r, size: min(size, max), max: max}
}

func (f *ndjsonFramer) lines() int64 { return f.count.total() }

func (f *ndjsonFramer) next() (*Chunk, error) {
	if c := f.long; c != nil {
		f.long = nil
		return c, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	var buf []byte
	buf, f.err = fill(f.r, newChunkBuf(f.size), f.size)
	last := bytes.LastIndexByte(buf, '\n') + 1 // where the last line starts
	for f.err == nil && len(buf) > 0 && buf[len(buf)-1] != '\n' {
		if lineLen(buf[last:]) > f.max {
			return f.tooLong(buf, last)
		}
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
	if len(buf) > last && lineLen(buf[last:]) > f.max {
		return f.tooLong(buf, last)
	}
	if len(buf) == 0 {
		return nil, f.err
	}
	return f.chunk(buf), nil
}

// chunk makes a chunk of whole lines.
func (f *ndjsonFramer) chunk(buf []byte) *Chunk {
	c := &Chunk{buf: buf, text: chunkText(buf), line: f.line, format: NDJSON}
	f.line += int64(bytes.Count(buf, []byte{'\n'}))
	f.count.add(buf)
	return c
}

// tooLong skips the line that starts at buf[last:], which is longer than
// f.max, to its end, and returns the chunk of the lines before it, the
// line's reject coming next, or the reject alone.
func (f *ndjsonFramer) tooLong(buf []byte, last int) (*Chunk, error) {
	n := int64(lineLen(buf[last:]))
	raw := head(buf[last:])
	ended := buf[len(buf)-1] == '\n'
	for !ended && f.err == nil { // a buffer at a time, kept nowhere
		var more []byte
		more, f.err = f.r.ReadSlice('\n')
		if f.err == bufio.ErrBufferFull {
			f.err = nil
		}
		ended = len(more) > 0 && more[len(more)-1] == '\n'
		n += int64(len(more))
		if ended {
			n -= int64(len(more) - lineLen(more))
		}
	}
	var c *Chunk
	if last > 0 {
		c = f.chunk(buf[:last])
	} else {
		recycle(&chunkBufs, buf)
	}
	msg := fmt.Sprintf("line %d is %d bytes long, more than the limit of %d bytes (--max-record-bytes); it was skipped",
		f.line+1, n, f.max)
	rej := rejectChunk(f.line, 1, tooLargeReason, msg, raw)
	f.line++
	if ended {
		f.count.add([]byte{'\n'})
	} else {
		f.count.add([]byte{'x'}) // the last line, without a line end
	}
	if c == nil {
		return rej, nil
	}
	f.long = rej
	return c, nil
}

// lineLen is the length of a line without its line end.
func lineLen(line []byte) int { return len(bytes.TrimRight(line, "\r\n")) }

// nextLine returns the record of the next line holding a JSON object.
// Blank lines are skipped; a line that is not a JSON object is a record
// with Err set.
func (r *Records) nextLine() (*Record, error) {
	if r.c.format == rejectedFormat {
		return r.nextRejected()
	}
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
