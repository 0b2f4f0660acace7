package parquetfile

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/validate"
)

const readBatchRows = 256

// ReadFile reads a Parquet file of the import schema and calls fn for each
// row, in file order. fn gets a fresh Event each time and may keep it. It
// stops at fn's first error and returns it. The schema is checked first
// (see CheckSchema).
func ReadFile(r io.ReaderAt, size int64, fn func(*validate.Event) error) error {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return fmt.Errorf("parquetfile: open: %w", err)
	}
	if err := CheckSchema(f); err != nil {
		return err
	}
	buf := make([]parquet.Row, readBatchRows)
	for i, rg := range f.RowGroups() {
		if err := readRowGroup(rg, buf, fn); err != nil {
			return fmt.Errorf("parquetfile: row group %d: %w", i, err)
		}
	}
	return nil
}

func readRowGroup(rg parquet.RowGroup, buf []parquet.Row, fn func(*validate.Event) error) error {
	rows := rg.Rows()
	defer rows.Close()
	for {
		n, err := rows.ReadRows(buf)
		for _, row := range buf[:n] {
			ev, derr := decodeRow(row)
			if derr != nil {
				return derr
			}
			if ferr := fn(ev); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// decodeRow is the inverse of appendRow.
func decodeRow(row parquet.Row) (*validate.Event, error) {
	ev := new(validate.Event)
	var err error
	var keys []validate.KV // keys of the map whose value column comes next
	row.Range(func(col int, vals []parquet.Value) bool {
		switch col {
		case colTS:
			ev.TS = vals[0].Int64()
		case colEventKey:
			ev.EventKey = string(vals[0].ByteArray())
		case colInsertID:
			ev.InsertID = string(vals[0].ByteArray())
		case colMetricValue:
			if b := vals[0].ByteArray(); len(b) != DecimalLength {
				err = fmt.Errorf("metric_value: %d bytes, want %d", len(b), DecimalLength)
			} else {
				copy(ev.MetricValue[:], b)
			}
		case colIdentifiers, colUserProps, colEventProps, colPlatformProps:
			keys = decodeKeys(vals)
		case colIdentifiers + 1, colUserProps + 1, colEventProps + 1, colPlatformProps + 1:
			if err = decodeValues(keys, vals); err == nil {
				*mapOf(ev, col-1) = keys
			}
		}
		return err == nil
	})
	return ev, err
}

func mapOf(ev *validate.Event, keyCol int) *[]validate.KV {
	switch keyCol {
	case colIdentifiers:
		return &ev.Identifiers
	case colUserProps:
		return &ev.UserProps
	case colEventProps:
		return &ev.EventProps
	default:
		return &ev.PlatformProps
	}
}

// decodeKeys returns a map's entries with only keys set; nil for an empty map.
func decodeKeys(vals []parquet.Value) []validate.KV {
	if len(vals) == 1 && vals[0].IsNull() {
		return nil
	}
	kvs := make([]validate.KV, len(vals))
	for i, v := range vals {
		kvs[i].Key = string(v.ByteArray())
	}
	return kvs
}

func decodeValues(kvs []validate.KV, vals []parquet.Value) error {
	if len(kvs) == 0 {
		if len(vals) == 1 && vals[0].IsNull() {
			return nil
		}
		return fmt.Errorf("map has %d values and no keys", len(vals))
	}
	if len(vals) != len(kvs) {
		return fmt.Errorf("map has %d keys and %d values", len(kvs), len(vals))
	}
	for i, v := range vals {
		kvs[i].Value = string(v.ByteArray())
	}
	return nil
}
