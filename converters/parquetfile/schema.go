// Package parquetfile writes and reads the one Parquet schema Hackle imports
// (docs/schema.md), as package schema declares it: required columns in a
// fixed order, maps as standard 3-level MAP<STRING,STRING> groups.
package parquetfile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/converters/schema"
)

// Leaf column indexes of the schema, in file order. A map contributes two
// leaves: its key column and, right after it, its value column.
const (
	colTS            = 0
	colEventKey      = 1
	colIdentifiers   = 2 // key; value is 3
	colInsertID      = 4
	colMetricValue   = 5
	colUserProps     = 6  // key; value is 7
	colEventProps    = 8  // key; value is 9
	colPlatformProps = 10 // key; value is 11
	numLeafColumns   = 12
)

// DecimalLength, DecimalPrecision and DecimalScale describe metric_value.
const (
	DecimalLength    = schema.DecimalLength
	DecimalPrecision = schema.DecimalPrecision
	DecimalScale     = schema.DecimalScale
)

// Schema is the import schema, for parquet-go: tests write files of it and of
// variants of it. Writer does not use it; it writes the same schema elements
// (schemaElements in footer.go). Both derive from schema.Columns. Its fields
// are in the required order (a parquet.Group would sort them by name).
var Schema = parquet.NewSchema("schema", func() orderedGroup {
	g := make(orderedGroup, len(schema.Columns))
	for i, c := range schema.Columns {
		g[i] = field(c.Name, columnNode(c))
	}
	return g
}())

// columnNode is a declared column as a parquet-go node.
func columnNode(c schema.Column) parquet.Node {
	n := valueNode(c.Type, c.Dictionary)
	if c.Map {
		n = parquet.Map(dictString(), n)
	}
	if !c.Required {
		n = parquet.Optional(n)
	}
	return n
}

// valueNode is a required leaf of type t, dictionary encoded when dict is set.
func valueNode(t schema.Type, dict bool) parquet.Node {
	var n parquet.Node
	switch t {
	case schema.Timestamp:
		n = parquet.Timestamp(parquet.Millisecond)
	case schema.String, schema.UUID:
		n = parquet.String()
	case schema.Decimal:
		n = parquet.Decimal(DecimalScale, DecimalPrecision, parquet.FixedLenByteArrayType(DecimalLength))
	default:
		panic(fmt.Sprintf("parquetfile: no Parquet type for %v", t))
	}
	if dict {
		n = parquet.Encoded(n, &parquet.RLEDictionary)
	}
	return n
}

// dictString is a required STRING column that is dictionary encoded: a
// map's keys.
func dictString() parquet.Node {
	return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
}

// orderedGroup is a required group whose fields keep the order given.
type orderedGroup []parquet.Field

var _ parquet.Node = orderedGroup(nil)

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return parquet.NewSchema("", g).String() }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeFor[map[string]any]() }

// namedField is one field of an orderedGroup. Value is never used: rows are
// built as parquet.Row values, not from Go structs.
type namedField struct {
	parquet.Node
	name string
}

func field(name string, node parquet.Node) parquet.Field { return namedField{node, name} }

func (f namedField) Name() string                      { return f.name }
func (f namedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }

// expectedColumn is one schema element of the import schema, depth first,
// described the way describe prints a file's element.
type expectedColumn struct {
	path string
	want string
}

// expectedColumns lists every schema element below the root, depth first:
// the footer's schemaElements, described.
var expectedColumns = func() []expectedColumn {
	var cols []expectedColumn
	for i := 1; i < len(schemaElements); {
		i = flatten(schemaElements, i, "", &cols)
	}
	return cols
}()

// CheckSchema returns nil when f's schema is exactly the import schema;
// otherwise an error naming the first differing column with what was
// expected and what was found. Legacy converted types (UTF8, MAP, DECIMAL,
// TIMESTAMP_MILLIS) are accepted where a file has no logical type.
func CheckSchema(f *parquet.File) error {
	elems := f.Metadata().Schema
	if len(elems) == 0 {
		return errors.New("parquetfile: schema: file has no schema")
	}
	if n, _ := elems[0].NumChildren.Get(); int(n) != len(schema.Columns) {
		return fmt.Errorf("parquetfile: schema: expected %d top-level columns, found %d", len(schema.Columns), n)
	}
	elems = elems[1:]
	var path []string
	var remain []int32 // children left to visit at each open group
	for i, exp := range expectedColumns {
		if i >= len(elems) {
			return fmt.Errorf("parquetfile: schema: column %s: expected %s, found nothing", exp.path, exp.want)
		}
		e := &elems[i]
		for len(remain) > 0 && remain[len(remain)-1] == 0 {
			path, remain = path[:len(path)-1], remain[:len(remain)-1]
		}
		if len(remain) > 0 {
			remain[len(remain)-1]--
		}
		got := strings.Join(append(path, e.Name), ".")
		if got != exp.path {
			return fmt.Errorf("parquetfile: schema: column %d: expected %s, found %s", i+1, exp.path, got)
		}
		if d := describe(e); d != exp.want {
			return fmt.Errorf("parquetfile: schema: column %s: expected %s, found %s", exp.path, exp.want, d)
		}
		if n, ok := e.NumChildren.Get(); ok && n > 0 {
			path, remain = append(path, e.Name), append(remain, n)
		}
	}
	if len(elems) > len(expectedColumns) {
		return fmt.Errorf("parquetfile: schema: unexpected extra column %s", elems[len(expectedColumns)].Name)
	}
	return nil
}

// describe prints a schema element as "<REPETITION> <type> <annotation>".
func describe(e *format.SchemaElement) string {
	var b strings.Builder
	if r, ok := e.RepetitionType.Get(); ok {
		b.WriteString(r.String())
	} else {
		b.WriteString("NO-REPETITION")
	}
	if t, ok := e.Type.Get(); ok {
		b.WriteString(" " + t.String())
		if t == format.FixedLenByteArray {
			n, _ := e.TypeLength.Get()
			fmt.Fprintf(&b, "(%d)", n)
		}
	} else {
		n, _ := e.NumChildren.Get()
		fmt.Fprintf(&b, " group(%d)", n)
	}
	if a := annotation(e); a != "" {
		b.WriteString(" " + a)
	}
	return b.String()
}

// annotation is the element's logical type, or the equivalent of its legacy
// converted type. MAP_KEY_VALUE, which old writers put on key_value, is
// ignored.
func annotation(e *format.SchemaElement) string {
	if e.LogicalType.Value != nil {
		return e.LogicalType.String()
	}
	ct, ok := e.ConvertedType.Get()
	if !ok {
		return ""
	}
	switch ct {
	case deprecated.UTF8:
		return "STRING"
	case deprecated.Map:
		return "MAP"
	case deprecated.MapKeyValue:
		return ""
	case deprecated.TimestampMillis:
		return "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)"
	case deprecated.TimestampMicros:
		return "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"
	case deprecated.Decimal:
		p, _ := e.Precision.Get()
		s, _ := e.Scale.Get()
		return fmt.Sprintf("DECIMAL(%d,%d)", p, s)
	default:
		return fmt.Sprintf("CONVERTED_TYPE(%d)", ct)
	}
}
