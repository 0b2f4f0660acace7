package mapping

import (
	"reflect"
	"slices"
	"testing"

	"github.com/hackle/hackle-agent/converters/schema"
)

// TestConfigFollowsSchema checks that a mapping can say where every
// declared column comes from, and that the mapper fills every declared map:
// a column added to schema.Columns fails here until the mapping follows.
func TestConfigFollowsSchema(t *testing.T) {
	var fields []string
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		fields = append(fields, ct.Field(i).Tag.Get("yaml"))
	}
	var want []string // scalars first, then maps, as Config declares them
	for _, c := range schema.Columns {
		if !c.Map {
			want = append(want, c.Name)
		}
	}
	want = append(want, schema.MapNames()...)
	if !slices.Equal(fields, want) {
		t.Fatalf("mapping.Config has fields %v, schema declares %v", fields, want)
	}
	if n := len(Mapper{}.maps); n != len(mapNames) {
		t.Fatalf("Mapper fills %d maps, schema declares %d", n, len(mapNames))
	}
}
