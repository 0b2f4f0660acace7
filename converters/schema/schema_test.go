package schema

import (
	"slices"
	"strings"
	"testing"
)

func TestDeclaration(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Columns {
		if c.Name == "" || seen[c.Name] || c.Meaning == "" || c.Type < Timestamp || c.Type > Decimal {
			t.Errorf("column %+v: want a unique name, a meaning and a known type", c)
		}
		seen[c.Name] = true
		if !strings.Contains(Text(), c.Name+" "+c.TypeText()) {
			t.Errorf("Text() %q lacks column %s", Text(), c.Name)
		}
	}
	maps := 0
	for _, c := range Columns {
		if c.Map {
			maps++
		}
	}
	if Leaves() != len(Columns)+maps || len(MapNames()) != maps || !slices.Equal(Names()[:2], []string{"ts", "event_key"}) {
		t.Fatalf("Leaves %d, MapNames %v, Names %v", Leaves(), MapNames(), Names())
	}
}
