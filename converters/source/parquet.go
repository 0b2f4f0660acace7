package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet is a Parquet file another tool wrote (a BigQuery, Spark or
// Snowflake export): its columns are read by name, each row as one JSON
// object of column → value (nulls are null; nested groups and maps are
// objects, lists arrays, timestamps RFC 3339 text), so that the mapping
// takes its columns as it takes an NDJSON input's fields. Parquet keeps
// its footer at the end: the file is copied to a temporary file first.
// Its rows are numbered as lines: line N of a Parquet input is row N.
const Parquet Format = "parquet"

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// openParquet copies r into a temporary file (Parquet keeps its footer at
// the end, and an input may be a stream: stdin, a gzip, an object) and
// streams its rows as NDJSON text through a pipe to an NDJSON framer, so
// that memory does not grow with the file. stop ends the producer early
// and removes the temporary file.
func openParquet(r io.Reader, size, maxRecord int) (f framer, stop func(), err error) {
	tmp, err := os.CreateTemp("", "hackle-agent-parquet-input-*")
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: %w", err)
	}
	remove := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, r)
	if err != nil {
		remove()
		return nil, nil, fmt.Errorf("parquet: %w", err)
	}
	if err := checkParquetMagic(tmp, n); err != nil {
		remove()
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(tmp, n)
	if err != nil {
		remove()
		return nil, nil, fmt.Errorf("parquet: %w", err)
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pw.CloseWithError(writeParquetNDJSON(pw, pf))
	}()
	return newNDJSON(bufio.NewReaderSize(pr, bufSize), size, maxRecord), func() {
		pr.Close()
		<-done // the producer no longer reads the file
		remove()
	}, nil
}

// checkParquetMagic checks that the n bytes of r start and end with PAR1.
func checkParquetMagic(r io.ReaderAt, n int64) error {
	head, tail := make([]byte, 4), make([]byte, 4)
	if n < 12 {
		return errors.New("parquet: not a Parquet file (no PAR1 magic)")
	}
	if _, err := r.ReadAt(head, 0); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if _, err := r.ReadAt(tail, n-4); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if !bytes.Equal(head, parquetMagic) || !bytes.Equal(tail, parquetMagic) {
		return errors.New("parquet: not a Parquet file (no PAR1 magic)")
	}
	return nil
}

// writeParquetNDJSON writes every row of pf as one JSON object line.
func writeParquetNDJSON(w io.Writer, pf *parquet.File) error {
	bw := bufio.NewWriterSize(w, bufSize)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	rd := parquet.NewReader(pf)
	defer rd.Close()
	conv := timeColumns(pf)
	for {
		row := map[string]any{}
		err := rd.Read(&row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("parquet: row: %w", err)
		}
		for name, fn := range conv {
			if v, ok := row[name]; ok && v != nil {
				row[name] = fn(v)
			}
		}
		if err := enc.Encode(row); err != nil {
			return fmt.Errorf("parquet: row: %w", err)
		}
	}
	return bw.Flush()
}

// timeColumns are the top-level columns holding a TIMESTAMP (an integer
// of its unit since the epoch) or a DATE (days since the epoch), each with
// the function that writes its value as RFC 3339 text (UTC) or YYYY-MM-DD.
func timeColumns(pf *parquet.File) map[string]func(any) any {
	out := map[string]func(any) any{}
	for _, c := range pf.Root().Columns() {
		if !c.Leaf() {
			continue
		}
		lt := c.Type().LogicalType()
		if lt == nil {
			continue
		}
		switch t := lt.Value.(type) {
		case *format.TimestampType:
			unit := t.Unit.Value
			if unit == nil {
				continue
			}
			d := unit.Duration()
			out[c.Name()] = func(v any) any {
				if n, ok := v.(int64); ok {
					return time.Unix(0, 0).Add(time.Duration(n) * d).UTC().Format(time.RFC3339Nano)
				}
				return v
			}
		case *format.DateType:
			out[c.Name()] = func(v any) any {
				if n, ok := v.(int32); ok {
					return time.Unix(int64(n)*86400, 0).UTC().Format("2006-01-02")
				}
				return v
			}
		}
	}
	return out
}
