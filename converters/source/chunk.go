package source

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"unsafe"
)

// DefaultChunkBytes is about how much input one Chunk holds.
const DefaultChunkBytes = 1 << 20

// Chunk is a run of whole records of one input, cut by Input.NextChunk so
// that it can be parsed on its own, in any goroutine. Its text is never
// changed once cut: the fields of its records are substrings of it, and
// stay valid as long as they are referenced.
type Chunk struct {
	buf    []byte // the memory of text, for Recycle
	text   string
	line   int64 // lines of the input before text; 0 for a JSON array, which has no line numbers
	ends   []int // JSON array: where each element of text ends
	format Format
	comma  string   // CSV: the delimiter, UTF-8 encoded
	header []string // CSV
	arenas [][]byte // CSV: the arrays of the copies of its cells (csvRows.arena)
	limits [2]int   // CSV: MaxRecordLines and MaxRecordBytes

	// CSV: the chunk is one row too large to hold, which spans lines
	// lines; it has no text (csvFramer.skipRow).
	tooLarge bool
	lines    int64
}

// Recycle gives the chunk's memory back, to be read into again: call it
// only when nothing refers to the chunk's text any more, not even a
// string of one of its records. Using a chunk is optional: a chunk not
// recycled is left to the garbage collector.
func (c *Chunk) Recycle() {
	if c.buf != nil {
		recycle(&chunkBufs, c.buf)
		c.buf, c.text = nil, ""
	}
	for _, a := range c.arenas {
		recycle(&arenaArrays, a)
	}
	c.arenas = c.arenas[:0]
}

// recycle puts b in pool, zeroed: a string still pointing into it would
// read the next input, so it reads NULs at once instead, to be caught.
func recycle(pool *sync.Pool, b []byte) {
	clear(b[:cap(b)])
	b = b[:0]
	pool.Put(&b)
}

// chunkBufs holds recycled chunk buffers; arenaArrays the arrays of
// chunks' arenas.
var chunkBufs, arenaArrays sync.Pool

// newChunkBuf returns an empty buffer of at least size bytes of capacity.
func newChunkBuf(size int) []byte { return fromPool(&chunkBufs, size) }

// fromPool returns an empty buffer of pool of at least size bytes of
// capacity, or a new one.
func fromPool(pool *sync.Pool, size int) []byte {
	for range 2 { // a buffer too small (of another input) is dropped
		p, _ := pool.Get().(*[]byte)
		if p == nil {
			break
		}
		if cap(*p) >= size {
			return (*p)[:0]
		}
	}
	return make([]byte, 0, size)
}

// arenaArray returns an empty array of at least size bytes for the arena
// of a chunk's csvRows, kept by the chunk until Recycle. A nil chunk (a
// record parsed on its own) gets a new one, left to the garbage collector.
func (c *Chunk) arenaArray(size int) []byte {
	if c == nil {
		return make([]byte, 0, size)
	}
	a := fromPool(&arenaArrays, size)
	c.arenas = append(c.arenas, a)
	return a
}

// framer cuts an input into chunks; next returns io.EOF after the last one.
type framer interface {
	next() (*Chunk, error)
	// lines is the number of physical lines cut into chunks so far (a last
	// line without a line end counts); 0 for a JSON array.
	lines() int64
}

// lineCount counts the physical lines of consecutive chunk texts: their
// newlines, plus one for a last line without a line end.
type lineCount struct {
	n    int64 // newlines so far
	open bool  // the text so far ends inside a line
}

func (c *lineCount) add(text []byte) {
	if len(text) > 0 {
		c.n += int64(bytes.Count(text, []byte{'\n'}))
		c.open = text[len(text)-1] != '\n'
	}
}

func (c *lineCount) total() int64 {
	if c.open {
		return c.n + 1
	}
	return c.n
}

// chunkText makes the text of a chunk from a buffer that nothing will
// write to again, without copying it.
func chunkText(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Records returns a reader of the chunk's records. Their Row counts from 1
// within the chunk (Input.Next adds the rows of the chunks before); their
// Line is the line in the whole input.
func (c *Chunk) Records() *Records {
	r := &Records{c: c, line: c.line}
	if c.format == CSV {
		r.csv = c.csvRows(c.text)
		r.csv.owner = c
		r.rec.header = c.header
	}
	return r
}

// RawJSON is Record.RawJSON of the record whose Text is text, a record of
// this chunk that is no longer at hand.
func (c *Chunk) RawJSON(text string) json.RawMessage {
	rec := Record{text: text, header: c.header}
	if c.format == CSV {
		rows := c.csvRows(text)
		rec.cells, _, _ = rows.next(nil)
	}
	return rec.RawJSON()
}

// csvRows returns a parser of text, a CSV text of the chunk.
func (c *Chunk) csvRows(text string) csvRows {
	return csvRows{text: text, comma: c.comma, maxLines: c.limits[0], maxBytes: c.limits[1]}
}

// Records reads the records of one Chunk. It reuses its Record: a record
// is valid until the next call to Next (its strings, though, stay valid).
type Records struct {
	c    *Chunk
	pos  int     // NDJSON: next byte of text; JSON array: next element
	line int64   // NDJSON: lines read
	csv  csvRows // CSV
	rows int64   // records returned so far
	rec  Record
}

// Next returns the next record, or io.EOF after the last one.
func (r *Records) Next() (*Record, error) {
	switch r.c.format {
	case CSV:
		return r.nextCSV()
	case JSON:
		return r.nextElement()
	}
	return r.nextLine()
}

// Rows is the number of records returned so far.
func (r *Records) Rows() int64 { return r.rows }

// fill reads from rd into buf until it holds size bytes (at most its
// capacity), stopping at the first error (io.EOF at the end of the input).
func fill(rd io.Reader, buf []byte, size int) ([]byte, error) {
	size = min(size, cap(buf))
	for len(buf) < size {
		n, err := rd.Read(buf[len(buf):size])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
