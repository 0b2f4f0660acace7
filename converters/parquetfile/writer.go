package parquetfile

import (
	"bufio"
	"fmt"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/validate"
	"github.com/hackle/hackle-agent/version"
)

// Defaults of Options.
const (
	DefaultCompression  = "snappy"
	DefaultRowGroupRows = 128 * 1024
	DefaultPartRows     = 5_000_000
	DefaultPartBytes    = 256 << 20
)

// createdBy is the footer's created_by: the writer is hackle-agent's own
// encoder (with parquet-go's format and compression packages), so a reader
// that blames the writer points at hackle-agent and its version. It names
// no build time or host, so that re-runs of one binary over the same
// inputs give byte-identical files.
var createdBy = "hackle-agent " + version.Version

const (
	batchRows          = 1024      // rows handed to the encoders at a time, at most
	batchMaxBytes      = 16 << 20  // string bytes handed to the encoders at a time, about
	writeBufferSize    = 256 << 10 // buffering between the byte count and the output
	dictionaryMaxBytes = 1 << 20   // per column chunk; PLAIN encoding beyond it
)

// Options configure a Writer or Parts. The zero value means all defaults.
type Options struct {
	Compression  string // "snappy" (default), "zstd", "gzip", "none"
	RowGroupRows int    // rows per row group; default 128*1024; bounds memory
	PartRows     int64  // max rows per part file; default 5_000_000
	PartBytes    int64  // target max bytes per part file, checked at row-group flushes; default 256 MiB
	// Shard and Shards number the parts of one shard of a sharded export
	// (docs/commit.md, "Sharded export"): part k is PartName(k*Shards+Shard), so that shards
	// writing into one partition never pick the same name. Shards <= 1
	// numbers parts 0, 1, 2…
	Shard, Shards int
	// Threads is how many goroutines encode and compress the columns of a
	// file; 0 means 1. The file's bytes do not depend on it.
	Threads int
}

func (o Options) withDefaults() Options {
	if o.Compression == "" {
		o.Compression = DefaultCompression
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.PartRows <= 0 {
		o.PartRows = DefaultPartRows
	}
	if o.PartBytes <= 0 {
		o.PartBytes = DefaultPartBytes
	}
	o.Threads = max(o.Threads, 1)
	return o
}

// codecOf returns the compression codec named name; nil for "none".
func codecOf(name string) (compress.Codec, error) {
	switch name {
	case "snappy":
		return &fastSnappy{}, nil
	case "zstd":
		return &zstd.Codec{Level: zstd.DefaultLevel}, nil
	case "gzip":
		return &gzip.Codec{Level: gzip.DefaultCompression}, nil
	case "none":
		return nil, nil
	default:
		return nil, fmt.Errorf("parquetfile: unknown compression %q (want snappy, zstd, gzip or none)", name)
	}
}

// Writer writes one Parquet file of the import schema. It holds at most one
// row group in memory, compressed, plus the page being filled in each
// column. It is not safe for concurrent use.
//
// Write only copies a row's values into a batch of up to batchRows rows,
// column by column. A full batch is handed to Options.Threads encoder
// goroutines, one column at a time, while the next batch fills. Each
// column's encoder (column.go) builds the column's pages and compresses
// them; at the end of a row group the Writer writes the column chunks one
// after the other, and at Close the footer (footer.go). Row-group and page
// boundaries depend only on the rows, so the bytes never depend on the
// threads.
type Writer struct {
	out      countingWriter // counts the bytes of the file, then buffers them
	buf      *bufio.Writer
	columns  []*columnEncoder
	groupMax int
	group    int   // rows in the current row group, batched ones included
	rows     int64 // rows accepted so far
	filling  *columnBatch
	encoding *columnBatch // handed to the encoders, or nil
	spare    *columnBatch // encoded, ready to fill again
	tasks    chan columnTask
	groups   []format.RowGroup // the row groups written, for the footer
	err      error             // first error writing the file; every later call returns it
	closed   bool
}

// columnTask asks an encoder to encode one column of a batch.
type columnTask struct {
	batch  *columnBatch
	column *columnEncoder
}

// NewWriter returns a Writer of one Parquet file to w. It fails only on bad
// options. Close writes the footer and stops the encoders; w itself is
// never closed.
func NewWriter(w io.Writer, opts Options) (*Writer, error) {
	opts = opts.withDefaults()
	codec, err := codecOf(opts.Compression)
	if err != nil {
		return nil, err
	}
	wr := &Writer{groupMax: opts.RowGroupRows, filling: new(columnBatch), tasks: make(chan columnTask, numLeafColumns)}
	for col := range numLeafColumns {
		wr.columns = append(wr.columns, newColumnEncoder(col, codec))
	}
	wr.buf = bufio.NewWriterSize(w, writeBufferSize)
	wr.out.w = wr.buf
	for range opts.Threads {
		go wr.encode()
	}
	return wr, nil
}

// encode encodes the columns it is given until the Writer is stopped.
func (w *Writer) encode() {
	for t := range w.tasks {
		c := t.column
		if c.err == nil {
			c.encode(t.batch)
			if t.batch.last {
				c.finish()
			}
		}
		t.batch.done.Done()
	}
}

// Write adds one row. Its strings are copied: ev and the memory of its
// strings may be reused by the caller as soon as Write returns.
func (w *Writer) Write(ev *validate.Event) error {
	switch {
	case w.closed:
		return fmt.Errorf("parquetfile: write after close")
	case w.err != nil:
		return w.err
	}
	b := w.filling
	b.appendRow(ev)
	w.rows++
	w.group++
	switch {
	case w.group >= w.groupMax:
		return w.endRowGroup()
	case b.rows == batchRows || b.bytes >= batchMaxBytes:
		return w.flushBatch()
	}
	return nil
}

// flushBatch hands the filling batch to the encoders, once they are done
// with the one before. The last batch of a row group goes even when empty:
// it finishes the column chunks.
func (w *Writer) flushBatch() error {
	if w.filling.rows == 0 && !w.filling.last {
		return nil
	}
	if err := w.wait(); err != nil {
		return err
	}
	b := w.filling
	b.done.Add(numLeafColumns)
	for _, c := range w.columns {
		w.tasks <- columnTask{batch: b, column: c}
	}
	w.encoding = b
	if w.filling = w.spare; w.filling == nil {
		w.filling = new(columnBatch)
	}
	w.spare = nil
	return nil
}

// wait waits for the batch being encoded, and makes it the spare batch.
func (w *Writer) wait() error {
	b := w.encoding
	if b == nil {
		return nil
	}
	b.done.Wait()
	w.encoding = nil
	b.reset()
	w.spare = b
	for _, c := range w.columns {
		if c.err != nil {
			w.err = fmt.Errorf("parquetfile: encode: %w", c.err)
			return w.err
		}
	}
	return nil
}

// endRowGroup encodes the rest of the row group and writes it.
func (w *Writer) endRowGroup() error {
	w.filling.last = true
	if err := w.flushBatch(); err != nil {
		return err
	}
	if err := w.wait(); err != nil {
		return err
	}
	w.writeMagic()
	offset := w.out.n
	for _, c := range w.columns {
		w.write(c.chunk.dictionaryPage)
		w.write(c.chunk.pages)
	}
	if w.err != nil {
		return w.err
	}
	w.groups = append(w.groups, rowGroup(w.columns, offset, int64(w.group), len(w.groups)))
	w.group = 0
	return nil
}

// writeMagic starts the file, at its first row group or at Close: Size
// stays 0 until then.
func (w *Writer) writeMagic() {
	if w.out.n == 0 {
		w.write([]byte(magic))
	}
}

// write writes p to the file, unless an earlier write failed.
func (w *Writer) write(p []byte) {
	if w.err != nil {
		return
	}
	if _, err := w.out.Write(p); err != nil {
		w.err = fmt.Errorf("parquetfile: write: %w", err)
	}
}

// Close writes the last row group and the footer, and stops the encoders.
// It does not close the underlying io.Writer. Calling Close twice is a
// no-op.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	var err error
	if w.group > 0 {
		err = w.endRowGroup()
	}
	w.stop()
	if err != nil {
		return err
	}
	if w.err != nil {
		return w.err
	}
	w.writeMagic()
	footer, err := appendFooter(nil, w.rows, w.groups)
	if err != nil {
		return fmt.Errorf("parquetfile: footer: %w", err)
	}
	if w.write(footer); w.err != nil {
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("parquetfile: close: %w", err)
	}
	return nil
}

// stop ends the encoders of a Writer that is not to be used again; Close
// does it, and so must whoever drops a Writer without closing it.
func (w *Writer) stop() {
	if !w.closed {
		w.closed = true
		w.wait()
		close(w.tasks)
	}
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Size returns the number of bytes of the file produced so far: it grows at
// row-group flushes and on Close. Up to 256 KiB of it may still be buffered
// before Close; after Close it is the number of bytes written to the
// io.Writer, the file size.
func (w *Writer) Size() int64 { return w.out.n }

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// fastSnappy is parquet-go's snappy codec with the fast encoder instead of
// the "better" one: the same format, twice as fast to write, a few percent
// bigger (more on PLAIN pages of short, regularly repeating values, whose
// length prefixes break its matches).
type fastSnappy struct{ snappy.Codec }

func (*fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	return s2.EncodeSnappy(dst, src), nil
}

func (*fastSnappy) CompressionCodec() format.CompressionCodec { return format.Snappy }
