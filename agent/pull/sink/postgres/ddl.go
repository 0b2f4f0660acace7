package postgres

import (
	"fmt"
	"strings"

	"github.com/hackle/hackle-agent/converters/schema"
)

// loadColumns are the columns the sink adds before the schema's, naming
// where each row came from, with their SQL types.
var loadColumns = [][2]string{
	{"source", "text"},
	{"partition_date", "date"},
	{"partition_version", "text"},
}

// tableColumns are the table's columns in order: loadColumns, then
// schema.Columns.
func tableColumns() []string {
	var names []string
	for _, c := range loadColumns {
		names = append(names, c[0])
	}
	return append(names, schema.Names()...)
}

// sqlType is the PostgreSQL type that holds a declared column: maps are
// jsonb objects, insert_id a uuid.
func sqlType(c schema.Column) string {
	if c.Map {
		return "jsonb"
	}
	switch c.Type {
	case schema.Timestamp:
		return "timestamptz"
	case schema.String:
		return "text"
	case schema.UUID:
		return "uuid"
	case schema.Decimal:
		return fmt.Sprintf("numeric(%d,%d)", schema.DecimalPrecision, schema.DecimalScale)
	}
	panic(fmt.Sprintf("postgres: no SQL type for column %s", c.Name))
}

// createTableSQL creates table and its index on (source, partition_date),
// both names sanitized, when missing. A column is NOT NULL when declared
// required; the load columns always are.
func createTableSQL(table, index string) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + table + " (\n")
	line := func(name, typ string, required bool) {
		if required {
			typ = fmt.Sprintf("%-13s NOT NULL", typ)
		}
		fmt.Fprintf(&b, "\t%-19s %s,\n", name, typ)
	}
	for _, c := range loadColumns {
		line(c[0], c[1], true)
	}
	for _, c := range schema.Columns {
		line(c.Name, sqlType(c), c.Required)
	}
	s := strings.TrimSuffix(b.String(), ",\n") + "\n);\n"
	return s + "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (source, partition_date)"
}
