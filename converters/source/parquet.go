package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet is a Parquet file another tool wrote (a BigQuery, Spark or
// Snowflake export): its columns are read by name, each row as one JSON
// object of column → value (nulls are null; nested groups and maps are
// objects, lists arrays, timestamps RFC 3339 text), so that the mapping
// takes its columns as it takes an NDJSON input's fields. Parquet keeps
// its footer at the end: the whole file is read into memory first.
// Its rows are numbered as lines: line N of a Parquet input is row N.
const Parquet Format = "parquet"

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// openParquet reads all of r and streams its rows as NDJSON text through
// a pipe to an NDJSON framer. stop ends the producer early.
func openParquet(r io.Reader, size, maxRecord int) (f framer, stop func(), err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: %w", err)
	}
	if len(data) < 12 || !bytes.HasPrefix(data, parquetMagic) || !bytes.HasSuffix(data, parquetMagic) {
		return nil, nil, errors.New("parquet: not a Parquet file (no PAR1 magic)")
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: %w", err)
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeParquetNDJSON(pw, pf))
	}()
	return newNDJSON(bufio.NewReaderSize(pr, bufSize), size, maxRecord), func() { pr.Close() }, nil
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
