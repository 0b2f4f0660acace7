// Package validate holds the import schema's row types and the validation
// rules of docs/rules.md. Everything here is pure: no I/O, no globals that
// change. Export, validate and pull all share it.
package validate

import "github.com/hackle/hackle-agent/converters/schema"

// KV is one map entry. Maps are kept as ordered slices so that "first key
// wins" is well defined and output is deterministic.
type KV struct {
	Key   string
	Value string
}

// Raw is one source record after column mapping and before validation.
// Every value keeps its source text: numbers are not re-formatted.
// An empty string means "absent".
type Raw struct {
	TS            string // source text of the timestamp (string or JSON number text)
	EventKey      string
	InsertID      string
	MetricValue   string // source text; "" means absent, which is 0
	Identifiers   []KV
	UserProps     []KV
	EventProps    []KV
	PlatformProps []KV
}

// Event is one valid row in the import schema (docs/schema.md).
type Event struct {
	TS            int64 // milliseconds since the Unix epoch, UTC
	EventKey      string
	Identifiers   []KV   // keys lowercase, unique, sorted by key
	InsertID      string // canonical lowercase 8-4-4-4-12 UUID
	MetricValue   Decimal
	UserProps     []KV // keys lowercase, unique, sorted by key
	EventProps    []KV // keys lowercase, unique, sorted by key
	PlatformProps []KV // keys lowercase, unique, sorted by key
}

// Decimal is a DECIMAL(24,6) value as Parquet stores it in a
// FIXED_LEN_BYTE_ARRAY(11): the unscaled integer (value × 10^6) in big-endian
// two's complement.
type Decimal [schema.DecimalLength]byte
