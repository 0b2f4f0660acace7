package tolerant

import (
	"fmt"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/converters/schema"
	"github.com/hackle/hackle-agent/validate"
)

// role is what a leaf column feeds.
type role int

const (
	roleNone role = iota
	roleTS
	roleEventKey
	roleInsertID
	roleMetric
	roleMapKey   // the key leaf of a MAP column
	roleMapValue // the value leaf of a MAP column
	roleMapJSON  // a map stored as one JSON-object text column
)

// column is how one leaf column is read.
type column struct {
	role  role
	name  string // top-level column name (the layout's spelling)
	field int    // index in Columns
	leaf  *parquet.Column
}

// resolve maps every top-level column of the file to a role by name.
func (f *File) resolve() error {
	root := f.pf.Root()
	f.cols = make([]column, countLeaves(root))
	found := make([]bool, len(Columns))
	for _, c := range root.Columns() {
		i := layoutIndex(c.Name())
		if i < 0 || found[i] {
			f.extra = append(f.extra, c.Name())
			continue
		}
		found[i] = true
		if err := f.assign(c, i); err != nil {
			return fmt.Errorf("tolerant: column %s: %w", c.Name(), err)
		}
	}
	var missing []string
	for i, ok := range found {
		if !ok {
			missing = append(missing, Columns[i])
		}
	}
	if missing != nil {
		return &MissingColumnError{Columns: missing}
	}
	return nil
}

// layoutIndex finds a column name in Columns, exactly or else ignoring case.
func layoutIndex(name string) int {
	for i, c := range Columns {
		if c == name {
			return i
		}
	}
	for i, c := range Columns {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

func countLeaves(c *parquet.Column) int {
	if c.Leaf() {
		return 1
	}
	n := 0
	for _, k := range c.Columns() {
		n += countLeaves(k)
	}
	return n
}

func leaves(c *parquet.Column, out []*parquet.Column) []*parquet.Column {
	if c.Leaf() {
		return append(out, c)
	}
	for _, k := range c.Columns() {
		out = leaves(k, out)
	}
	return out
}

// assign sets the roles of the leaves of layout column i.
func (f *File) assign(c *parquet.Column, i int) error {
	ls := leaves(c, nil)
	set := func(leaf *parquet.Column, r role) {
		f.cols[leaf.Index()] = column{role: r, name: Columns[i], field: i, leaf: leaf}
	}
	if schema.Columns[i].Map {
		if mapOf(&validate.Raw{}, i) == nil {
			return fmt.Errorf("no field of a row for map column %s", Columns[i])
		}
		switch {
		case c.Leaf() && isText(c):
			set(c, roleMapJSON)
		case !c.Leaf() && len(ls) == 2 && ls[0].MaxRepetitionLevel() > 0:
			set(ls[0], roleMapKey)
			set(ls[1], roleMapValue)
		default:
			return fmt.Errorf("want MAP<STRING,STRING> or a JSON-object string, got %s", describe(c))
		}
		return nil
	}
	if !c.Leaf() || c.MaxRepetitionLevel() > 0 {
		return fmt.Errorf("want a single value, got %s", describe(c))
	}
	switch Columns[i] {
	case "ts":
		return f.assignTS(c, set)
	case "metric_value":
		return f.assignMetric(c, set)
	case "event_key":
		set(c, roleEventKey)
	case "insert_id":
		set(c, roleInsertID)
	default:
		return fmt.Errorf("no field of a row for column %s", Columns[i])
	}
	return nil
}

func (f *File) assignTS(c *parquet.Column, set func(*parquet.Column, role)) error {
	switch c.Type().Kind() {
	case parquet.Int64, parquet.Int96, parquet.ByteArray, parquet.Double:
		set(c, roleTS)
		return nil
	}
	return fmt.Errorf("want INT64 (TIMESTAMP or millis), INT96, DOUBLE (epoch) or a string, got %s", describe(c))
}

func (f *File) assignMetric(c *parquet.Column, set func(*parquet.Column, role)) error {
	k := c.Type().Kind()
	switch {
	case decimalOf(c) != nil, k == parquet.Double, k == parquet.Float, k == parquet.ByteArray,
		k == parquet.Int32, k == parquet.Int64:
		set(c, roleMetric)
		return nil
	}
	return fmt.Errorf("want a DECIMAL, DOUBLE, FLOAT, integer or string, got %s", describe(c))
}

// isText reports a BYTE_ARRAY column (STRING, JSON or unannotated).
func isText(c *parquet.Column) bool {
	return c.Type().Kind() == parquet.ByteArray && decimalOf(c) == nil
}

func decimalOf(c *parquet.Column) *format.DecimalType {
	if lt := c.Type().LogicalType(); lt != nil {
		if d, ok := lt.Value.(*format.DecimalType); ok {
			return d
		}
	}
	return nil
}

func timestampOf(c *parquet.Column) *format.TimestampType {
	if lt := c.Type().LogicalType(); lt != nil {
		if t, ok := lt.Value.(*format.TimestampType); ok {
			return t
		}
	}
	return nil
}

func describe(c *parquet.Column) string {
	s := strings.TrimSpace(fmt.Sprint(c.Type()))
	switch {
	case !c.Leaf():
		s = "a group"
	case c.MaxRepetitionLevel() > 0:
		s = "repeated " + s
	}
	return s
}
