// Package tolerant reads Parquet files of the import layout (docs/schema.md)
// that other tools produced: columns are found by name, not position, and
// each may use any of the physical shapes those tools write (timestamps in
// millis, micros, nanos or Spark's INT96; decimals of any precision and
// scale; optional columns and map values; maps stored as JSON text). Rows
// come out as validate.Raw, so the caller re-validates them with the same
// rules as export.
package tolerant

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/converters/schema"
	"github.com/hackle/hackle-agent/validate"
)

// Columns are the column names of the import layout (schema.Columns), in
// layout order. A file missing any of them is refused.
var Columns = schema.Names()

// Options tune how values are read.
type Options struct {
	// Time reads ts stored as text; naive times are in Time.Location
	// (nil = UTC). Numeric ts columns never use it.
	Time validate.TimeFormat
}

// Row is one row of the file.
type Row struct {
	Num int64 // 1-based row number in the file
	Raw validate.Raw
	// Issues are problems decoding the row itself (a map column holding
	// text that is not a JSON object). A row with issues must be rejected.
	Issues []validate.Issue
}

// File is an opened Parquet file whose columns were resolved by name.
type File struct {
	pf      *parquet.File
	opts    Options
	cols    []column // one per leaf column index; role none for ignored ones
	extra   []string // top-level columns ignored
	numRows int64
}

// MissingColumnError refuses a file that lacks a column of the layout.
type MissingColumnError struct{ Columns []string }

func (e *MissingColumnError) Error() string {
	return "missing required column(s) " + strings.Join(e.Columns, ", ")
}

// Open reads the footer of a Parquet file and resolves its columns. It
// fails with a *MissingColumnError when a layout column is missing, and
// with a plain error when a column has a shape it cannot read.
func Open(r io.ReaderAt, size int64, opts Options) (*File, error) {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("tolerant: open: %w", err)
	}
	f := &File{pf: pf, opts: opts, numRows: pf.NumRows()}
	if err := f.resolve(); err != nil {
		return nil, err
	}
	return f, nil
}

// Extra lists the top-level columns that are not in the layout and are
// ignored, in file order.
func (f *File) Extra() []string { return f.extra }

// NumRows is the row count of the file's footer.
func (f *File) NumRows() int64 { return f.numRows }

// Each calls fn for every row in file order. The Row is reused between
// calls: fn must copy what it keeps (its strings are its own). It stops at
// fn's first error and returns it.
func (f *File) Each(fn func(*Row) error) error {
	buf := make([]parquet.Row, 256)
	row := &Row{}
	for i, rg := range f.pf.RowGroups() {
		if err := f.eachInGroup(rg, buf, row, fn); err != nil {
			return fmt.Errorf("tolerant: row group %d: %w", i, err)
		}
	}
	return nil
}

func (f *File) eachInGroup(rg parquet.RowGroup, buf []parquet.Row, row *Row, fn func(*Row) error) error {
	rows := rg.Rows()
	defer rows.Close()
	for {
		n, err := rows.ReadRows(buf)
		for _, pr := range buf[:n] {
			row.Num++
			f.decode(pr, row)
			if ferr := fn(row); ferr != nil {
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
