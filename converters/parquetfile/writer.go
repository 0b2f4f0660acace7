package parquetfile

import (
	"bufio"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/validate"
)

// Defaults of Options.
const (
	DefaultCompression  = "snappy"
	DefaultRowGroupRows = 128 * 1024
	DefaultPartRows     = 5_000_000
	DefaultPartBytes    = 256 << 20
)

// createdBy names the library only, never the agent's version or a build,
// so that re-runs with the same inputs give byte-identical files.
const createdBy = "parquet-go version 0.32.0 (build hackle-agent)"

const (
	batchRows          = 512       // rows handed to the encoders at a time
	writeBufferSize    = 256 << 10 // buffering between the byte count and the output
	dictionaryMaxBytes = 1 << 20   // per column chunk; plain encoding beyond it
)

// Options configure a Writer or Parts. The zero value means all defaults.
type Options struct {
	Compression  string // "snappy" (default), "zstd", "gzip", "none"
	RowGroupRows int    // rows per row group; default 128*1024; bounds memory
	PartRows     int64  // max rows per part file; default 5_000_000
	PartBytes    int64  // target max bytes per part file, checked at row-group flushes; default 256 MiB
	// Shard and Shards number the parts of one shard of a sharded export
	// (DESIGN.md §7): part k is PartName(k*Shards+Shard), so that shards
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

func codecOf(name string) (compress.Codec, error) {
	switch name {
	case "snappy":
		return &fastSnappy{}, nil
	case "zstd":
		return &zstd.Codec{Level: zstd.DefaultLevel}, nil
	case "gzip":
		return &gzip.Codec{Level: gzip.DefaultCompression}, nil
	case "none":
		return &uncompressed.Codec{}, nil
	default:
		return nil, fmt.Errorf("parquetfile: unknown compression %q (want snappy, zstd, gzip or none)", name)
	}
}

// Writer writes one Parquet file of the import schema. It holds at most one
// row group in memory. It is not safe for concurrent use.
//
// Rows are gathered column by column into batches of batchRows; a full
// batch is handed to Options.Threads encoder goroutines, one column at a
// time (each column has its own parquet-go ColumnWriter, its own pages and
// compression), while the next batch fills. Batch and row-group boundaries
// depend only on the rows, so the bytes never depend on the threads.
type Writer struct {
	out      countingWriter // counts what parquet-go wrote, then buffers it
	buf      *bufio.Writer
	pw       *parquet.Writer
	columns  []*parquet.ColumnWriter
	groupMax int
	group    int   // rows in the current row group, batched ones included
	rows     int64 // rows accepted so far
	filling  *columnBatch
	encoding *columnBatch // handed to the encoders, or nil
	spare    *columnBatch // encoded, ready to fill again
	tasks    chan columnTask
	closed   bool
}

// columnBatch is batchRows rows, column by column.
type columnBatch struct {
	values   [numLeafColumns][]parquet.Value
	decimals [][DecimalLength]byte // metric values, referenced by values
	text     []byte                // copies of the rows' strings, referenced by values
	rows     int
	done     sync.WaitGroup
	errs     [numLeafColumns]error
}

// columnTask asks an encoder to write one column of a batch.
type columnTask struct {
	batch  *columnBatch
	column int
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
	wr := &Writer{groupMax: opts.RowGroupRows, filling: newColumnBatch(), tasks: make(chan columnTask, numLeafColumns)}
	wr.buf = bufio.NewWriterSize(w, writeBufferSize)
	wr.out.w = wr.buf
	wr.pw = parquet.NewWriter(&wr.out, Schema,
		createdByOption(createdBy),
		parquet.Compression(codec),
		parquet.DataPageVersion(1), // the most widely readable page format
		parquet.WriteBufferSize(0), // we buffer below the byte count
		parquet.MaxRowsPerRowGroup(int64(opts.RowGroupRows)),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		mapStatistics(),
	)
	wr.columns = wr.pw.ColumnWriters()
	for range opts.Threads {
		go wr.encode()
	}
	return wr, nil
}

func newColumnBatch() *columnBatch {
	return &columnBatch{decimals: make([][DecimalLength]byte, batchRows)}
}

// encode writes the columns it is given until the Writer is closed.
func (w *Writer) encode() {
	for t := range w.tasks {
		b := t.batch
		_, err := w.columns[t.column].WriteRowValues(b.values[t.column])
		b.errs[t.column] = err
		b.done.Done()
	}
}

// Write adds one row. Its strings are copied: ev and the memory of its
// strings may be reused by the caller as soon as Write returns.
func (w *Writer) Write(ev *validate.Event) error {
	if w.closed {
		return fmt.Errorf("parquetfile: write after close")
	}
	b := w.filling
	b.decimals[b.rows] = ev.MetricValue
	b.appendRow(ev, b.decimals[b.rows][:])
	b.rows++
	w.rows++
	w.group++
	if b.rows == batchRows || w.group >= w.groupMax {
		if err := w.flushBatch(); err != nil {
			return err
		}
	}
	if w.group >= w.groupMax {
		w.group = 0
		if err := w.wait(); err != nil {
			return err
		}
		if err := w.pw.Flush(); err != nil {
			return fmt.Errorf("parquetfile: flush row group: %w", err)
		}
	}
	return nil
}

// flushBatch hands the filling batch to the encoders, once they are done
// with the one before.
func (w *Writer) flushBatch() error {
	if w.filling.rows == 0 {
		return nil
	}
	if err := w.wait(); err != nil {
		return err
	}
	b := w.filling
	b.done.Add(numLeafColumns)
	for c := range numLeafColumns {
		w.tasks <- columnTask{batch: b, column: c}
	}
	w.encoding = b
	if w.filling = w.spare; w.filling == nil {
		w.filling = newColumnBatch()
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
	for c := range b.values {
		clear(b.values[c]) // the values point into the events' strings
		b.values[c] = b.values[c][:0]
	}
	b.rows = 0
	b.text = b.text[:0]
	w.spare = b
	for _, err := range b.errs {
		if err != nil {
			return fmt.Errorf("parquetfile: write rows: %w", err)
		}
	}
	return nil
}

// Close flushes the last row group and writes the footer. It does not close
// the underlying io.Writer. Calling Close twice is a no-op.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	err := w.flushBatch()
	if err == nil {
		err = w.wait()
	}
	w.stop()
	if err != nil {
		return err
	}
	if err := w.pw.Close(); err != nil {
		return fmt.Errorf("parquetfile: close: %w", err)
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

// appendRow appends ev's values to the columns, with the repetition and
// definition levels of the schema. dec holds ev.MetricValue.
func (b *columnBatch) appendRow(ev *validate.Event, dec []byte) {
	v := &b.values
	v[colTS] = append(v[colTS], parquet.Int64Value(ev.TS).Level(0, 0, colTS))
	v[colEventKey] = append(v[colEventKey], b.stringValue(ev.EventKey).Level(0, 0, colEventKey))
	b.appendMap(ev.Identifiers, colIdentifiers)
	v[colInsertID] = append(v[colInsertID], b.stringValue(ev.InsertID).Level(0, 0, colInsertID))
	v[colMetricValue] = append(v[colMetricValue], parquet.FixedLenByteArrayValue(dec).Level(0, 0, colMetricValue))
	b.appendMap(ev.UserProps, colUserProps)
	b.appendMap(ev.EventProps, colEventProps)
	b.appendMap(ev.PlatformProps, colPlatformProps)
}

// appendMap appends a map's entries to its key column and its value column.
// An empty map is one null per column at definition level 0; an entry is
// defined at level 1 (the repeated key_value group) and repeats at level 1
// after the first.
func (b *columnBatch) appendMap(kvs []validate.KV, keyCol int) {
	keys, values := b.values[keyCol], b.values[keyCol+1]
	if len(kvs) == 0 {
		keys = append(keys, parquet.NullValue().Level(0, 0, keyCol))
		values = append(values, parquet.NullValue().Level(0, 0, keyCol+1))
	}
	for i := range kvs {
		keys = append(keys, b.stringValue(kvs[i].Key).Level(min(i, 1), 1, keyCol))
		values = append(values, b.stringValue(kvs[i].Value).Level(min(i, 1), 1, keyCol+1))
	}
	b.values[keyCol], b.values[keyCol+1] = keys, values
}

// stringValue makes a BYTE_ARRAY value of a copy of s in b.text. When
// b.text grows, the values made before keep pointing at its old array,
// which is left as it was.
func (b *columnBatch) stringValue(s string) parquet.Value {
	if len(b.text)+len(s) > cap(b.text) {
		b.text = make([]byte, 0, max(2*cap(b.text), len(s), 64<<10))
	}
	start := len(b.text)
	b.text = append(b.text, s...)
	return parquet.ByteArrayValue(b.text[start:len(b.text):len(b.text)])
}

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

// mapStatistics leaves out the page statistics and bounds of the maps'
// keys and values: they serve no query, and computing them is a tenth of
// the encoding time.
func mapStatistics() parquet.WriterOption {
	var opts []parquet.WriterOption
	for _, m := range []string{"identifiers", "user_properties", "event_properties", "platform_properties"} {
		for _, leaf := range []string{"key", "value"} {
			opts = append(opts, parquet.SkipPageBounds(m, "key_value", leaf), parquet.SkipPageStatistics(m, "key_value", leaf))
		}
	}
	return writerOptions(opts)
}

// writerOptions applies several options as one.
type writerOptions []parquet.WriterOption

func (o writerOptions) ConfigureWriter(config *parquet.WriterConfig) {
	for _, opt := range o {
		opt.ConfigureWriter(config)
	}
}

// fastSnappy is parquet-go's snappy codec with the fast encoder instead of
// the "better" one: the same format, twice as fast to write, a few percent
// bigger.
type fastSnappy struct{ snappy.Codec }

func (*fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	return s2.EncodeSnappy(dst, src), nil
}

func (*fastSnappy) CompressionCodec() format.CompressionCodec { return format.Snappy }

// createdByOption sets the file's created_by exactly (parquet.CreatedBy
// formats it from parts).
type createdByOption string

func (c createdByOption) ConfigureWriter(config *parquet.WriterConfig) {
	config.CreatedBy = string(c)
}
