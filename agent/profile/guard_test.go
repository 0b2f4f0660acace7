package profile

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// TestDrift compares a day with three recent profiles: a new and a gone
// event_key, a new and a gone property key, and a number that became a
// string; a key that only some recent days had is not "gone".
func TestDrift(t *testing.T) {
	c := &Checker{log: slog.New(slog.NewTextHandler(io.Discard, nil)), prof: map[validate.Date]*Profile{}}
	var recent []*partition.Partition
	for i, day := range []string{"2023-01-01", "2023-01-02", "2023-01-03"} {
		d, _ := validate.ParseDate(day)
		recent = append(recent, &partition.Partition{Date: d})
		props := map[string]string{"price": "number", "color": "string"}
		if i == 0 {
			props["rare"] = "bool"
		}
		c.prof[d] = &Profile{EventKeys: map[string]int64{"purchase": 10, "view": 5}, Properties: map[string]map[string]string{"event_properties": props}}
	}
	today := &Profile{EventKeys: map[string]int64{"purchase": 3, "refund": 2},
		Properties: map[string]map[string]string{"event_properties": {"price": "number,string", "coupon": "string"}}}
	d, _ := validate.ParseDate("2023-01-04")
	g := &report.Guards{}
	n, err := c.drift(context.Background(), d, today, recent, g)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, dr := range g.Drift {
		kinds = append(kinds, dr.Kind+":"+dr.Key)
	}
	want := []string{"event_key_new:refund", "event_key_gone:view", "property_key_new:coupon", "property_type_changed:price", "property_key_gone:color"}
	if n != len(want) || len(kinds) != len(want) {
		t.Fatalf("findings %v, want %v\n%v", kinds, want, g.Lines)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("finding %d = %s, want %s", i, kinds[i], want[i])
		}
	}
	if tc := g.Drift[3]; tc.Was != "number" || tc.Now != "number,string" {
		t.Errorf("type change %+v", tc)
	}
}
