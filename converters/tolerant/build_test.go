package tolerant

import (
	"bytes"
	"sort"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// entry is one map entry of a test row; a nil value is a null map value.
type entry struct {
	k any
	v any
}

// shape is the schema of a test file: column name → node. parquet.Group
// sorts the columns by name, so files never have the layout's order.
type shape = parquet.Group

// build writes rows (column → value; nil or absent is null; []entry is a
// map) in the shape given, with explicit levels, the way other tools do.
func build(t testing.TB, s shape, rows []map[string]any) []byte {
	t.Helper()
	schema := parquet.NewSchema("spark_schema", s)
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	for _, r := range rows {
		var row parquet.Row
		for name := range s {
			row = appendColumn(t, schema, row, name, r[name])
		}
		sort.SliceStable(row, func(i, j int) bool { return row[i].Column() < row[j].Column() })
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatalf("write row %v: %v", r, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func appendColumn(t testing.TB, schema *parquet.Schema, row parquet.Row, name string, v any) parquet.Row {
	if leaf, ok := schema.Lookup(name); ok {
		return append(row, level(t, leaf, v, 0))
	}
	key, ok1 := schema.Lookup(name, "key_value", "key")
	val, ok2 := schema.Lookup(name, "key_value", "value")
	if !ok1 || !ok2 {
		t.Fatalf("column %s: not a leaf or a map", name)
	}
	entries, _ := v.([]entry)
	if len(entries) == 0 {
		return append(row, parquet.NullValue().Level(0, key.MaxDefinitionLevel-1, key.ColumnIndex),
			parquet.NullValue().Level(0, key.MaxDefinitionLevel-1, val.ColumnIndex))
	}
	for i, e := range entries {
		rep := min(i, 1)
		row = append(row, level(t, key, e.k, rep), level(t, val, e.v, rep))
	}
	return row
}

// level places v in leaf's column: present at the leaf's max definition
// level, null one below it.
func level(t testing.TB, leaf parquet.LeafColumn, v any, rep int) parquet.Value {
	if v == nil {
		return parquet.NullValue().Level(rep, leaf.MaxDefinitionLevel-1, leaf.ColumnIndex)
	}
	return valueOf(t, leaf.Node.Type().Kind(), v).Level(rep, leaf.MaxDefinitionLevel, leaf.ColumnIndex)
}

func valueOf(t testing.TB, kind parquet.Kind, v any) parquet.Value {
	switch x := v.(type) {
	case string:
		return parquet.ByteArrayValue([]byte(x))
	case []byte:
		if kind == parquet.FixedLenByteArray {
			return parquet.FixedLenByteArrayValue(x)
		}
		return parquet.ByteArrayValue(x)
	case int64:
		return parquet.Int64Value(x)
	case int32:
		return parquet.Int32Value(x)
	case float64:
		return parquet.DoubleValue(x)
	case float32:
		return parquet.FloatValue(x)
	case bool:
		return parquet.BooleanValue(x)
	case deprecated.Int96:
		return parquet.Int96Value(x)
	}
	t.Fatalf("no parquet value for %T", v)
	return parquet.Value{}
}
