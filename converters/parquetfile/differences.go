package parquetfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/converters/schema"
)

// SchemaDifferences lists every way f's schema differs from the import
// schema, column by column and by name: a missing column, an extra one, a
// column of another shape (its first differing element), then the order.
// It is empty exactly when CheckSchema accepts f. CheckSchema stops at the
// first difference; this is for telling a user everything to fix.
func SchemaDifferences(f *parquet.File) []string {
	err := CheckSchema(f)
	if err == nil {
		return nil
	}
	elems := f.Metadata().Schema
	var found []expectedColumn // the file's elements below the root, described
	var names []string         // its top-level columns, in file order
	for i := 1; i < len(elems); {
		names = append(names, elems[i].Name)
		i = flatten(elems, i, "", &found)
	}
	var diffs []string
	for _, name := range columnNames() {
		diff, ok := compareColumn(name, subtree(expectedColumns, name), subtree(found, name))
		if !ok {
			diffs = append(diffs, diff)
		}
	}
	for _, name := range names {
		if !slices.Contains(columnNames(), name) {
			diffs = append(diffs, "extra column "+name)
		}
	}
	if len(diffs) == 0 && !slices.Equal(names, columnNames()) {
		diffs = append(diffs, fmt.Sprintf("columns in the order %s, expected %s", strings.Join(names, ", "), strings.Join(columnNames(), ", ")))
	}
	if len(diffs) == 0 { // nothing by name: say what CheckSchema says
		diffs = append(diffs, strings.TrimPrefix(err.Error(), "parquetfile: schema: "))
	}
	return diffs
}

// columnNames are the top-level columns of the import schema, in order.
func columnNames() []string { return schema.Names() }

// flatten appends the element at i and its descendants, depth first, with
// their dotted paths, and returns the index after them.
func flatten(elems []format.SchemaElement, i int, prefix string, out *[]expectedColumn) int {
	e := &elems[i]
	path := e.Name
	if prefix != "" {
		path = prefix + "." + e.Name
	}
	*out = append(*out, expectedColumn{path, describe(e)})
	n, _ := e.NumChildren.Get()
	i++
	for range n {
		if i >= len(elems) {
			break
		}
		i = flatten(elems, i, path, out)
	}
	return i
}

// subtree is the column named name and its descendants.
func subtree(cols []expectedColumn, name string) []expectedColumn {
	var out []expectedColumn
	for _, c := range cols {
		if c.path == name || strings.HasPrefix(c.path, name+".") {
			out = append(out, c)
		}
	}
	return out
}

// compareColumn describes the first difference between the expected
// elements of a column and those found.
func compareColumn(name string, want, got []expectedColumn) (string, bool) {
	if len(got) == 0 {
		return "missing column " + name, false
	}
	for i, w := range want {
		switch {
		case i >= len(got):
			return fmt.Sprintf("column %s: expected %s, found nothing", w.path, w.want), false
		case got[i].path != w.path:
			return fmt.Sprintf("column %s: expected %s %s, found %s %s", name, w.path, w.want, got[i].path, got[i].want), false
		case got[i].want != w.want:
			return fmt.Sprintf("column %s: expected %s, found %s", w.path, w.want, got[i].want), false
		}
	}
	if len(got) > len(want) {
		return fmt.Sprintf("column %s: unexpected %s", name, got[len(want)].path), false
	}
	return "", true
}
