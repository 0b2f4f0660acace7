// Package source reads customer exports (CSV, NDJSON, a JSON array), plain
// or compressed, as a stream of records whose values keep their source text.
package source

import (
	"errors"
	"fmt"
)

// Kind is the JSON kind of a value. CSV cells are always String.
type Kind uint8

// Value kinds.
const (
	String Kind = iota
	Number
	Bool
	Null
	Object
	Array
)

// Field is one named value of a record. For an Object or Array the text is
// the compact JSON; for a Number it is the number exactly as written.
type Field struct {
	Name string
	Text string
	Kind Kind

	parsed  bool    // members holds the members of an Object
	members []Field // valid until the record's reader moves on
}

// Members returns the members of an Object field of an NDJSON or JSON
// record, parsed along with the record; ok is false when the field was not
// parsed that way (ParseObject then reads its Text).
func (f *Field) Members() (members []Field, ok bool) { return f.members, f.parsed }

// Record is one source record. A Reader reuses it: it is valid until the
// next call to Next.
type Record struct {
	Line int64 // 1-based line where the record starts (0 when unknown)
	// Lines is the number of physical lines the record spans, its line end
	// included: 1 for an ordinary CSV row or NDJSON line, more for a CSV
	// row with a quoted newline; 0 for a JSON array element, which has no
	// lines of its own. A rejected record covers lines Line..Line+Lines-1,
	// so that every line of an input is in exactly one record or skipped.
	Lines  int64
	Row    int64   // 1-based record number in the file
	Fields []Field // in source order; a name may repeat (the first counts)
	// Err is set when the record itself is malformed (a bad JSON line, a CSV
	// row with the wrong number of cells, a record over the size limit).
	// Fields may then be empty; the reader goes on with the next record.
	// A *RecordError says which reason code applies.
	Err error

	text   string   // the record's source text: a JSON line or element, a CSV row
	nested []Field  // the members of Object fields
	header []string // CSV header, for RawJSON
	cells  []string // CSV cells
}

// Text is the record's source text, as it appears in the input (a CSV
// row with its line end). It shares the chunk's memory.
func (r *Record) Text() string { return r.text }

// Get returns the first field called name.
func (r *Record) Get(name string) (Field, bool) {
	for i := range r.Fields {
		if r.Fields[i].Name == name {
			return r.Fields[i], true
		}
	}
	return Field{}, false
}

// Reader yields the records of one input.
type Reader interface {
	// Next returns the next record, or io.EOF after the last one. Any other
	// error is fatal for the input (an I/O or decompression failure, a JSON
	// array that cannot be resynchronised).
	Next() (*Record, error)
	// Columns lists the column names when the format declares them up front
	// (the CSV header), or nil.
	Columns() []string
}

// RecordError is a malformed record's Err when a particular reason code
// applies (validate.Reason values such as "csv_unterminated_quote" or
// "record_too_large"); any other Err is reported as "record_invalid".
type RecordError struct {
	Reason string // the reject reason code
	Msg    string // one sentence for a person, naming the line when it helps
}

func (e *RecordError) Error() string { return e.Msg }

// ErrDuplicateColumn is returned (wrapped) by Open when two columns of a
// CSV header have the same name.
var ErrDuplicateColumn = errors.New("CSV header: duplicate column name")

// ErrHeaderLooksLikeData is returned (wrapped) by Open when the header row
// of a CSV input looks like a row of data: the input probably has no
// header, and needs Options.NoHeader and Columns.
var ErrHeaderLooksLikeData = errors.New("no header? the first line looks like data: use --no-header --columns NAME,NAME,…")

// ErrUnknownFormat is returned (wrapped) when an input's format cannot be told.
var ErrUnknownFormat = errors.New("unknown format")

// Format names an input format.
type Format string

// Formats.
const (
	CSV    Format = "csv"
	NDJSON Format = "ndjson"
	JSON   Format = "json"
)

// ParseFormat checks a --format value; "" means detect.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "", CSV, NDJSON, JSON, Parquet:
		return f, nil
	case "jsonl":
		return NDJSON, nil
	}
	return "", fmt.Errorf("%w %q: use csv, ndjson, json or parquet", ErrUnknownFormat, s)
}
