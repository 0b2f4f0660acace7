// Package schema declares the one Parquet schema Hackle imports
// (docs/schema.md): its columns, in order, with their types and meaning.
// Everything else that spells the schema derives from Columns: the Parquet
// encoder's schema elements and SchemaDifferences' checks (parquetfile),
// the columns the tolerant reader looks for, the mapping's target names,
// the schema text of a partition's manifest and the PostgreSQL sink's
// table. Adding a column here makes a test of each of them fail until it
// follows.
package schema

import (
	"fmt"
	"strings"
)

// Type is the type of a column's values; for a map, of its values (its
// keys are always STRING).
type Type int

const (
	// Timestamp is INT64 TIMESTAMP(isAdjustedToUTC=true, MILLIS).
	Timestamp Type = iota + 1
	// String is BYTE_ARRAY STRING (UTF-8).
	String
	// UUID is a String holding a canonical lowercase 8-4-4-4-12 UUID. It is
	// a STRING in Parquet; a database may store it as a UUID.
	UUID
	// Decimal is FIXED_LEN_BYTE_ARRAY(DecimalLength)
	// DECIMAL(DecimalPrecision, DecimalScale).
	Decimal
)

// DecimalLength, DecimalPrecision and DecimalScale describe the Decimal
// type: the unscaled value in DecimalLength bytes of big-endian two's
// complement.
const (
	DecimalLength    = 11
	DecimalPrecision = 24
	DecimalScale     = 6
)

// Column is one top-level column of the schema.
type Column struct {
	Name string
	Type Type // of the values; for a map, of the map's values
	// Map makes the column a MAP<STRING, Type>: the standard 3-level
	// group <name> (MAP) / key_value (REPEATED) / key, value.
	Map bool
	// Required is true for a REQUIRED column (and, for a map, required
	// keys and values); false would make it OPTIONAL. Every column of the
	// import schema is required.
	Required bool
	// Dictionary asks the encoder to dictionary encode the column's values
	// (for a map, its values; map keys always are): for columns of few
	// distinct values.
	Dictionary bool
	// Meaning says in one line what the column holds.
	Meaning string
}

// Columns are the columns of the import schema, in file order.
var Columns = []Column{
	{Name: "ts", Type: Timestamp, Required: true,
		Meaning: "when the event happened on the client, in UTC milliseconds"},
	{Name: "event_key", Type: String, Required: true, Dictionary: true,
		Meaning: "the event's name; not empty after trimming"},
	{Name: "identifiers", Type: String, Map: true, Required: true,
		Meaning: "id and device_id (required), user_id, session_id, ga_session_id, ga_device_id"},
	{Name: "insert_id", Type: UUID, Required: true,
		Meaning: "a lowercase UUID by which Hackle drops repeated rows"},
	{Name: "metric_value", Type: Decimal, Required: true,
		Meaning: "the value summed in analyses; 0 when the event has none"},
	{Name: "user_properties", Type: String, Map: true, Required: true,
		Meaning: "the user's properties; may be empty"},
	{Name: "event_properties", Type: String, Map: true, Required: true,
		Meaning: "the event's properties; may be empty"},
	{Name: "platform_properties", Type: String, Map: true, Required: true, Dictionary: true,
		Meaning: "osname (Android or iOS) and appversion (required), osversion, language, …"},
}

// Names are the names of Columns, in order.
func Names() []string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return names
}

// MapNames are the names of the map columns, in order.
func MapNames() []string {
	var names []string
	for _, c := range Columns {
		if c.Map {
			names = append(names, c.Name)
		}
	}
	return names
}

// Leaves is the number of leaf columns in a Parquet file of the schema: one
// per column, two per map (its keys, then its values).
func Leaves() int {
	n := 0
	for _, c := range Columns {
		n++
		if c.Map {
			n++
		}
	}
	return n
}

// String is the type as the manifest's schema text spells it:
// TIMESTAMP(MILLIS,UTC), STRING, DECIMAL(24,6).
func (t Type) String() string {
	switch t {
	case Timestamp:
		return "TIMESTAMP(MILLIS,UTC)"
	case String, UUID:
		return "STRING"
	case Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", DecimalPrecision, DecimalScale)
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// TypeText is the column's type as the manifest spells it; a map is
// MAP<STRING,…>.
func (c Column) TypeText() string {
	if c.Map {
		return "MAP<STRING," + c.Type.String() + ">"
	}
	return c.Type.String()
}

// Text is the schema as a partition's manifest records it: "name TYPE"
// for each column, in order, separated by ", ". Its bytes are part of the
// manifest format (docs/commit.md): existing manifests are compared with it.
func Text() string {
	parts := make([]string, len(Columns))
	for i, c := range Columns {
		parts[i] = c.Name + " " + c.TypeText()
	}
	return strings.Join(parts, ", ")
}
