package mapping

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var warehouseColumns = strings.Split("event_id,event_name,event_time_kst,revenue,app_user_key,device_uuid,member_no,os,app_ver,properties_json,grade", ",")

func TestCompileMissingColumns(t *testing.T) {
	tests := []struct {
		name, config string
		columns      []string
		wantErr      string
	}{
		{name: "warehouse fixture resolves", config: "@testdata/warehouse.yaml", columns: warehouseColumns},
		{name: "zero-config never fails", columns: []string{"x"}},
		{name: "zero-config on JSON", columns: nil},
		{name: "explicit on JSON is looked up per record", config: "ts: nowhere\nidentifiers: {json: nowhere}", columns: nil},
		{name: "one missing scalar", config: "event_key: event_nam", columns: warehouseColumns,
			wantErr: `mapping: column "event_nam" (mapped to event_key) not in the input's columns (event_id, event_name, event_time_kst, revenue, app_user_key, device_uuid, member_no, os, app_ver, properties_json, grade)`},
		{name: "missing JSON and key columns", columns: []string{"a", "b"},
			config:  "ts: {column: a}\nevent_properties: {json: props}\nidentifiers:\n  keys: {id: {column: uid}, device_id: b, x: {const: \"1\"}}",
			wantErr: `mapping: column "uid" (mapped to identifiers.id), column "props" (mapped to event_properties) not in the input's columns (a, b)`},
		{name: "a header that is data gets the no-header hint", config: "event_key: event_name", columns: []string{"ev_1", "purchase", "2023-01-01 10:00:00", "u1"},
			wantErr: `mapping: column "event_name" (mapped to event_key) not in the input's columns (ev_1, purchase, 2023-01-01 10:00:00, u1); the first line looks like data, not column names: if the file has no header row, give --no-header --columns NAME,NAME,…`},
		{name: "case matters", config: "ts: TS", columns: []string{"ts"},
			wantErr: `column "TS" (mapped to ts)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *Config
			if file, ok := strings.CutPrefix(tt.config, "@"); ok {
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				c = parseConfig(t, string(b))
			} else {
				c = parseConfig(t, tt.config)
			}
			m, err := Compile(c, tt.columns)
			switch {
			case tt.wantErr == "" && (err != nil || m == nil):
				t.Fatalf("Compile: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("no error, want %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error\n %s\ndoes not contain\n %s", err, tt.wantErr)
			}
		})
	}
}

func TestSourceYAML(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		yaml    string
		want    *Source
		wantErr string
	}{
		{yaml: `ts: event_time`, want: &Source{Column: "event_time"}},
		{yaml: `ts: {column: event_time}`, want: &Source{Column: "event_time"}},
		{yaml: `ts: {const: "2023-01-01"}`, want: &Source{Const: str("2023-01-01")}},
		{yaml: `ts: {const: ""}`, want: &Source{Const: str("")}},
		{yaml: `ts: {const: 5}`, want: &Source{Const: str("5")}},
		{yaml: `ts: 123`, want: &Source{Column: "123"}},
		{yaml: `ts: ~`, want: nil},
		{yaml: `ts:`, want: nil},
		{yaml: `ts: ""`, wantErr: "line 1: empty column name"},
		{yaml: `ts: {column: a, const: b}`, wantErr: "give one of column, const or derive"},
		{yaml: `ts: {}`, wantErr: "give one of column, const or derive"},
		{yaml: "ts:\n  colum: a", wantErr: `line 2: unknown key "colum"`},
		{yaml: `ts: {column: a, typo: b}`, wantErr: `unknown key "typo"`},
		{yaml: `ts: [a]`, wantErr: "cannot unmarshal"},
	}
	for _, tt := range tests {
		var c Config
		err := yaml.Unmarshal([]byte(tt.yaml), &c)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.yaml, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.yaml, err)
			continue
		}
		if (c.TS == nil) != (tt.want == nil) || c.TS != nil && c.TS.String() != tt.want.String() {
			t.Errorf("%q: got %v, want %v", tt.yaml, c.TS, tt.want)
		}
	}
}

func TestSourceString(t *testing.T) {
	k := "Mobile"
	if got := (&Source{Const: &k}).String(); got != `const "Mobile"` {
		t.Errorf("got %s", got)
	}
	if got := (&Source{Column: "os"}).String(); got != `column "os"` {
		t.Errorf("got %s", got)
	}
}
