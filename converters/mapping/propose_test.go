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

// TestProposeByContent: what the values say decides where a name alone
// cannot.
func TestProposeByContent(t *testing.T) {
	uuids := []string{"0f50417c-707f-5f06-9def-64ea3389a63e", "5e01877c-af7b-5ad0-814e-7f139b7fa313"}
	tests := []struct {
		name string
		cols []Column
		want map[string]string // field → column; "" = not mapped
		yaml []string          // lines the YAML holds
	}{
		{name: "an id of unique UUIDs is the insert_id",
			cols: []Column{{Name: "id", Values: uuids}, {Name: "user", Values: []string{"a", "b"}}},
			want: map[string]string{"insert_id": "id", "identifiers.user_id": "user", "identifiers.id": "user"}},
		{name: "an id of numbers is not",
			cols: []Column{{Name: "id", Values: []string{"1", "2"}}},
			want: map[string]string{"insert_id": ""}, yaml: []string{"# insert_id: COLUMN"}},
		{name: "a repeated UUID is no insert_id",
			cols: []Column{{Name: "ref", Values: []string{uuids[0], uuids[0]}}},
			want: map[string]string{"insert_id": ""}},
		{name: "an unnamed unique UUID column is",
			cols: []Column{{Name: "ref", Values: uuids}},
			want: map[string]string{"insert_id": "ref"}},
		{name: "uppercase names, offsets present: no zone",
			cols: []Column{{Name: "EVENT_TIME", Values: []string{"2023-01-01T00:00:00Z"}}, {Name: "OS", Values: []string{"IOS"}}},
			want: map[string]string{"ts": "EVENT_TIME", "platform_properties.osname": "OS"},
			yaml: []string{"ts: EVENT_TIME"}},
		{name: "local times need a zone",
			cols: []Column{{Name: "ts_local", Values: []string{"2023-01-01 10:00:00"}}},
			want: map[string]string{"ts": "ts_local"}, yaml: []string{"# source-timezone: UTC     # TODO: ts_local holds local times"}},
		{name: "jst",
			cols: []Column{{Name: "created_at_jst", Values: []string{"2023-01-01 10:00:00"}}},
			want: map[string]string{"ts": "created_at_jst"}, yaml: []string{"\nsource-timezone: Asia/Tokyo"}},
		{name: "a version column found by its values",
			cols: []Column{{Name: "client_ver", Values: []string{"1.2.3", "10.0.1"}}, {Name: "os_ver", Values: []string{"17.2"}}},
			want: map[string]string{"platform_properties.appversion": "client_ver", "platform_properties.osversion": "os_ver"}},
		{name: "a slash date needs a layout",
			cols: []Column{{Name: "time", Values: []string{"2023/01/01 10:00:00"}}},
			yaml: []string{`ts-format: "2006/01/02 15:04:05"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ProposeColumns(tt.cols)
			for f, col := range tt.want {
				got := p.Scalars[f]
				if m, k, ok := strings.Cut(f, "."); ok {
					got = p.Maps[m][k]
				}
				if got != col {
					t.Errorf("%s ← %q, want %q", f, got, col)
				}
			}
			y := p.YAML("s.csv")
			for _, line := range tt.yaml {
				if !strings.Contains(y, line) {
					t.Errorf("YAML lacks %q:\n%s", line, y)
				}
			}
			var doc struct{ Mapping Config }
			if err := yaml.Unmarshal([]byte(y), &doc); err != nil {
				t.Errorf("YAML does not parse: %v\n%s", err, y)
			}
		})
	}
}
