package parquetfile

import (
	"bufio"
	"fmt"
	"io"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"

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
	batchRows          = 64        // rows handed to parquet-go per WriteRows call
	writeBufferSize    = 256 << 10 // buffering between the byte count and the output
	dictionaryMaxBytes = 1 << 20   // per column chunk; plain encoding beyond it
)

// Options configure a Writer or Parts. The zero value means all defaults.
type Options struct {
	Compression  string // "snappy" (default), "zstd", "gzip", "none"
	RowGroupRows int    // rows per row group; default 128*1024; bounds memory
	PartRows     int64  // max rows per part file; default 5_000_000
	PartBytes    int64  // target max bytes per part file, checked at row-group flushes; default 256 MiB
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
	return o
}

func codecOf(name string) (compress.Codec, error) {
	switch name {
	case "snappy":
		return &snappy.Codec{}, nil
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
type Writer struct {
	out      countingWriter // counts what parquet-go wrote, then buffers it
	buf      *bufio.Writer
	pw       *parquet.Writer
	groupMax int
	group    int   // rows in the current row group, batched ones included
	rows     int64 // rows accepted so far
	batch    []parquet.Row
	decimals [][DecimalLength]byte // metric values of batch, copied from the events
	n        int                   // rows in batch
	closed   bool
}

// NewWriter returns a Writer of one Parquet file to w. It fails only on bad
// options. Close writes the footer; w itself is never closed.
func NewWriter(w io.Writer, opts Options) (*Writer, error) {
	opts = opts.withDefaults()
	codec, err := codecOf(opts.Compression)
	if err != nil {
		return nil, err
	}
	wr := &Writer{groupMax: opts.RowGroupRows}
	wr.buf = bufio.NewWriterSize(w, writeBufferSize)
	wr.out.w = wr.buf
	wr.batch = make([]parquet.Row, batchRows)
	for i := range wr.batch {
		wr.batch[i] = make(parquet.Row, 0, 32)
	}
	wr.decimals = make([][DecimalLength]byte, batchRows)
	wr.pw = parquet.NewWriter(&wr.out, Schema,
		createdByOption(createdBy),
		parquet.Compression(codec),
		parquet.DataPageVersion(1), // the most widely readable page format
		parquet.WriteBufferSize(0), // we buffer below the byte count
		parquet.MaxRowsPerRowGroup(int64(opts.RowGroupRows)),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
	)
	return wr, nil
}

// Write adds one row. The event's strings are referenced (not copied) until
// the row is handed to parquet-go, at most batchRows rows later; ev itself
// may be reused by the caller as soon as Write returns.
func (w *Writer) Write(ev *validate.Event) error {
	if w.closed {
		return fmt.Errorf("parquetfile: write after close")
	}
	w.decimals[w.n] = ev.MetricValue
	w.batch[w.n] = appendRow(w.batch[w.n][:0], ev, w.decimals[w.n][:])
	w.n++
	w.rows++
	w.group++
	if w.n == len(w.batch) || w.group >= w.groupMax {
		if err := w.flushBatch(); err != nil {
			return err
		}
	}
	if w.group >= w.groupMax {
		w.group = 0
		if err := w.pw.Flush(); err != nil {
			return fmt.Errorf("parquetfile: flush row group: %w", err)
		}
	}
	return nil
}

func (w *Writer) flushBatch() error {
	if w.n == 0 {
		return nil
	}
	_, err := w.pw.WriteRows(w.batch[:w.n])
	w.n = 0
	if err != nil {
		return fmt.Errorf("parquetfile: write rows: %w", err)
	}
	return nil
}

// Close flushes the last row group and writes the footer. It does not close
// the underlying io.Writer. Calling Close twice is a no-op.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.flushBatch(); err != nil {
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

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Size returns the number of bytes of the file produced so far: it grows at
// row-group flushes and on Close. Up to 256 KiB of it may still be buffered
// before Close; after Close it is the number of bytes written to the
// io.Writer, the file size.
func (w *Writer) Size() int64 { return w.out.n }

// appendRow appends ev's values to row in leaf-column order, with the
// repetition and definition levels of the schema. dec holds ev.MetricValue.
func appendRow(row parquet.Row, ev *validate.Event, dec []byte) parquet.Row {
	row = append(row,
		parquet.Int64Value(ev.TS).Level(0, 0, colTS),
		stringValue(ev.EventKey).Level(0, 0, colEventKey))
	row = appendMap(row, ev.Identifiers, colIdentifiers)
	row = append(row,
		stringValue(ev.InsertID).Level(0, 0, colInsertID),
		parquet.FixedLenByteArrayValue(dec).Level(0, 0, colMetricValue))
	row = appendMap(row, ev.UserProps, colUserProps)
	row = appendMap(row, ev.EventProps, colEventProps)
	return appendMap(row, ev.PlatformProps, colPlatformProps)
}

// appendMap appends a map's key column then its value column. An empty map
// is one null per column at definition level 0; an entry is defined at level
// 1 (the repeated key_value group) and repeats at level 1 after the first.
func appendMap(row parquet.Row, kvs []validate.KV, keyCol int) parquet.Row {
	if len(kvs) == 0 {
		return append(row,
			parquet.NullValue().Level(0, 0, keyCol),
			parquet.NullValue().Level(0, 0, keyCol+1))
	}
	for i := range kvs {
		row = append(row, stringValue(kvs[i].Key).Level(min(i, 1), 1, keyCol))
	}
	for i := range kvs {
		row = append(row, stringValue(kvs[i].Value).Level(min(i, 1), 1, keyCol+1))
	}
	return row
}

// stringValue makes a BYTE_ARRAY value that points at s's bytes without
// copying; parquet-go copies them into its column buffers.
func stringValue(s string) parquet.Value {
	return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
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

// createdByOption sets the file's created_by exactly (parquet.CreatedBy
// formats it from parts).
type createdByOption string

func (c createdByOption) ConfigureWriter(config *parquet.WriterConfig) {
	config.CreatedBy = string(c)
}
