package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Options say how to read an input; zero values mean "detect".
type Options struct {
	Format     Format // "" detects from the name, or from the content for stdin
	Delimiter  rune   // CSV delimiter; 0 means ',' (or '\t' for .tsv)
	ChunkBytes int    // about how much input a Chunk holds; 0 means DefaultChunkBytes

	// MaxRecordBytes bounds one record (a CSV row, an NDJSON line, a JSON
	// array element); a longer one is rejected as "record_too_large" and
	// reading goes on after it, with memory bounded. 0 means
	// DefaultMaxRecordBytes.
	MaxRecordBytes int
	// MaxRecordLines bounds the physical lines one CSV row may span through
	// quoted newlines; past it, the quote that opened the cell is taken for
	// a stray one (see csv.go). 0 means DefaultMaxRecordLines.
	MaxRecordLines int

	// NoHeader says a CSV input has no header row: its first line is a row,
	// and Columns name its cells in order (Redshift UNLOAD, Snowflake COPY
	// INTO without HEADER = TRUE). Without NoHeader, a header whose cells
	// mostly look like data (UUIDs, timestamps, numbers) fails Open with
	// ErrHeaderLooksLikeData rather than losing the first row.
	NoHeader bool
	Columns  []string
}

// Defaults of Options.MaxRecordBytes and Options.MaxRecordLines.
const (
	DefaultMaxRecordBytes = 16 << 20
	DefaultMaxRecordLines = 1000
)

// Input is one opened input: its records and what was detected. Read it
// either by chunks (NextChunk, to parse them in other goroutines) or record
// by record (Next), not both.
type Input struct {
	Format      Format
	Compression string // "", "gzip" or "zstd"
	closer      func()
	framer      framer
	header      []string

	cur  *Records // Next's current chunk
	rows int64    // records in the chunks before cur
}

var _ Reader = (*Input)(nil)

// NextChunk returns the next chunk of whole records, or io.EOF after the
// last one. Any other error is fatal for the input (an I/O or
// decompression failure, a JSON array that cannot be resynchronised); it
// comes after the chunks of the records before it.
func (in *Input) NextChunk() (*Chunk, error) { return in.framer.next() }

// Lines is the number of physical lines of a CSV or NDJSON input read so
// far: after io.EOF, all of them, a last line without a line end included.
// Every one of them is either within exactly one record (Record.Line and
// Record.Lines) or skipped: a blank line, or the CSV header. 0 for a JSON
// array.
func (in *Input) Lines() int64 { return in.framer.lines() }

// Columns lists the CSV header, or nil.
func (in *Input) Columns() []string { return in.header }

// Next returns the next record, or io.EOF after the last one; see NextChunk
// for the errors. The record is valid until the next call.
func (in *Input) Next() (*Record, error) {
	for {
		if in.cur != nil {
			rec, err := in.cur.Next()
			if err != io.EOF {
				if rec != nil {
					rec.Row += in.rows
				}
				return rec, err
			}
			in.rows += in.cur.Rows()
		}
		c, err := in.NextChunk()
		if err != nil {
			return nil, err
		}
		in.cur = c.Records()
	}
}

// Close releases the decompressor. It does not close the underlying stream.
func (in *Input) Close() {
	if in.closer != nil {
		in.closer()
	}
}

const bufSize = 256 << 10

var bom = []byte("\xef\xbb\xbf")

// Open reads the input called name from r. gzip and zstd are recognised by
// their magic bytes whatever the name says. The format comes from
// opts.Format, else from the name's extension (after .gz/.zst), else, for
// stdin ("-"), from the first non-blank byte.
func Open(name string, r io.Reader, opts Options) (*Input, error) {
	in := &Input{}
	br := bufio.NewReaderSize(r, bufSize)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		in.Compression, in.closer = "gzip", func() { zr.Close() }
		br = bufio.NewReaderSize(zr, bufSize)
	case isZstd(magic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		in.Compression, in.closer = "zstd", zr.Close
		br = bufio.NewReaderSize(zr, bufSize)
	}
	// A UTF-8 BOM is not part of the data, whatever the format.
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	format, delim, err := detect(name, br, opts)
	if err != nil {
		in.Close()
		return nil, err
	}
	in.Format = format
	size := opts.ChunkBytes
	if size <= 0 {
		size = DefaultChunkBytes
	}
	maxRecord := opts.MaxRecordBytes
	if maxRecord <= 0 {
		maxRecord = DefaultMaxRecordBytes
	}
	switch format {
	case CSV:
		f, err := newCSVFramer(br, delim, size, opts)
		if err != nil {
			in.Close()
			return nil, err
		}
		in.framer, in.header = f, f.header
	case NDJSON:
		in.framer = newNDJSON(br, size, maxRecord)
	case JSON:
		in.framer = newArray(br, size, maxRecord)
	case Parquet:
		f, stop, err := openParquet(br, size, maxRecord)
		if err != nil {
			in.Close()
			return nil, err
		}
		prev := in.closer
		in.framer, in.closer = f, func() {
			stop()
			if prev != nil {
				prev()
			}
		}
	}
	return in, nil
}

// isZstd reports whether magic starts a zstd stream: a frame (28 B5 2F FD)
// or a skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian),
// which some writers put first (an index, frame sizes); the decoder skips it.
func isZstd(magic []byte) bool {
	return bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}) ||
		len(magic) == 4 && magic[0]&0xf0 == 0x50 && bytes.Equal(magic[1:], []byte{0x2a, 0x4d, 0x18})
}

// detect picks the format and the CSV delimiter.
func detect(name string, br *bufio.Reader, opts Options) (Format, rune, error) {
	format, delim := opts.Format, opts.Delimiter
	ext := Ext(name)
	if format == "" {
		switch ext {
		case ".csv":
			format = CSV
		case ".tsv":
			format = CSV
		case ".ndjson", ".jsonl":
			format = NDJSON
		case ".parquet":
			format = Parquet
		case ".json":
			// BigQuery and many tools write one object per line into .json
			// files: look at the first byte to tell an array from NDJSON.
			format = NDJSON
			if firstByte(br) == '[' {
				format = JSON
			}
		default:
			if name != "-" {
				return "", 0, fmt.Errorf("%w for extension %q: use --format csv, ndjson or json", ErrUnknownFormat, ext)
			}
			switch firstByte(br) {
			case '[':
				format = JSON
			case '{':
				format = NDJSON
			default:
				format = CSV
			}
		}
	}
	switch {
	case delim != 0:
	case ext == ".tsv":
		delim = '\t' // also with an explicit --format csv
	default:
		delim = ','
	}
	return format, delim, nil
}

// Ext is the format extension of a file name, ignoring a compression
// extension: "a.csv.gz" → ".csv".
func Ext(name string) string {
	name = strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	for _, c := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		name = strings.TrimSuffix(name, c)
	}
	return path.Ext(name)
}

// firstByte is the first byte that is not white space, without consuming anything.
func firstByte(br *bufio.Reader) byte {
	for n := 64; ; n *= 2 {
		b, err := br.Peek(n)
		b = bytes.TrimLeft(b, " \t\r\n")
		if len(b) > 0 {
			return b[0]
		}
		if err != nil || n >= bufSize {
			return 0
		}
	}
}
