package parquetfile

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/schema"
)

// TestLeavesFollowSchema checks that the encoder's leaves are those of
// schema.Columns, and that the indexes by which it fills them (colTS…)
// name the columns they should: a column added to the declaration fails
// here until the encoder writes it.
func TestLeavesFollowSchema(t *testing.T) {
	if n := schema.Leaves(); n != numLeafColumns {
		t.Fatalf("schema declares %d leaf columns, the encoder writes %d", n, numLeafColumns)
	}
	if n := len(schema.MapNames()); n != numMaps {
		t.Fatalf("schema declares %d maps, the encoder writes %d", n, numMaps)
	}
	want := map[int]string{
		colTS: "ts", colEventKey: "event_key", colIdentifiers: "identifiers.key_value.key",
		colInsertID: "insert_id", colMetricValue: "metric_value", colUserProps: "user_properties.key_value.key",
		colEventProps: "event_properties.key_value.key", colPlatformProps: "platform_properties.key_value.key",
	}
	for col, name := range want {
		if got := strings.Join(leaves[col].path, "."); got != name {
			t.Errorf("leaf %d is %s, the encoder fills it as %s", col, got, name)
		}
	}
	var paths []string
	for _, e := range expectedColumns {
		if !strings.Contains(e.want, "group") {
			paths = append(paths, e.path)
		}
	}
	var got []string
	for _, l := range leaves {
		got = append(got, strings.Join(l.path, "."))
	}
	if !slices.Equal(got, paths) {
		t.Fatalf("leaves %v, schema elements' leaves %v", got, paths)
	}
}

// TestExpectedColumnsPinned pins what CheckSchema expects, element by
// element, as it was written out by hand before it derived from the
// declaration: the import format must not change by accident.
func TestExpectedColumnsPinned(t *testing.T) {
	const (
		str = "REQUIRED BYTE_ARRAY STRING"
		mp  = "REQUIRED group(1) MAP"
		kv  = "REPEATED group(2)"
	)
	want := []expectedColumn{
		{"ts", "REQUIRED INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)"},
		{"event_key", str},
	}
	addMap := func(name string) {
		want = append(want, expectedColumn{name, mp}, expectedColumn{name + ".key_value", kv},
			expectedColumn{name + ".key_value.key", str}, expectedColumn{name + ".key_value.value", str})
	}
	addMap("identifiers")
	want = append(want, expectedColumn{"insert_id", str},
		expectedColumn{"metric_value", fmt.Sprintf("REQUIRED FIXED_LEN_BYTE_ARRAY(%d) DECIMAL(%d,%d)", 11, 24, 6)})
	addMap("user_properties")
	addMap("event_properties")
	addMap("platform_properties")
	if !slices.Equal(expectedColumns, want) {
		t.Fatalf("expected columns\n got %v\nwant %v", expectedColumns, want)
	}
}
