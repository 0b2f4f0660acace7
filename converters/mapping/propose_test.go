package mapping

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestProposeWarehouse(t *testing.T) {
	cols := strings.Split("event_id,event_name,event_time_kst,revenue,app_user_key,device_uuid,member_no,os,app_ver,properties_json,grade", ",")
	p := Propose(cols, map[string]bool{"properties_json": true})
	want := map[string]string{"insert_id": "event_id", "event_key": "event_name", "ts": "event_time_kst", "metric_value": "revenue"}
	for f, col := range want {
		if p.Scalars[f] != col {
			t.Errorf("%s ← %q, want %q", f, p.Scalars[f], col)
		}
	}
	ids := p.Maps["identifiers"]
	if ids["id"] != "app_user_key" || ids["device_id"] != "device_uuid" || ids["user_id"] != "member_no" {
		t.Errorf("identifiers %v", ids)
	}
	if pp := p.Maps["platform_properties"]; pp["osname"] != "os" || pp["appversion"] != "app_ver" {
		t.Errorf("platform_properties %v", pp)
	}
	if p.JSONMaps["event_properties"] != "properties_json" {
		t.Errorf("json maps %v", p.JSONMaps)
	}
	if len(p.Unmatched) != 0 || p.Maps["user_properties"]["grade"] != "grade" {
		t.Errorf("unmatched %v, user_properties %v: grade describes the user", p.Unmatched, p.Maps["user_properties"])
	}
	// The YAML must parse into a Config with the same mapping.
	var doc struct{ Mapping Config }
	if err := yaml.Unmarshal([]byte(p.YAML("sample.csv")), &doc); err != nil {
		t.Fatalf("proposal is not valid YAML: %v\n%s", err, p.YAML("sample.csv"))
	}
	if doc.Mapping.TS == nil || doc.Mapping.TS.Column != "event_time_kst" || doc.Mapping.Identifiers.Keys["device_id"].Column != "device_uuid" {
		t.Errorf("parsed mapping %+v", doc.Mapping)
	}
}

func TestProposeMissingRequired(t *testing.T) {
	p := Propose([]string{"foo", "bar"}, nil)
	y := p.YAML("x.csv")
	for _, want := range []string{"# insert_id: COLUMN          # TODO (required: a UUID per event", "# event_key: COLUMN          # TODO (required: the event's name)",
		"# ts: COLUMN          # TODO (required:", "# id: COLUMN     # TODO (required:", "# device_id: COLUMN     # TODO (required:",
		"# osname: COLUMN     # TODO (required: Android or iOS", "# appversion: COLUMN     # TODO (required:", "#   foo", "#   bar"} {
		if !strings.Contains(y, want) {
			t.Errorf("proposal lacks %q:\n%s", want, y)
		}
	}
}
