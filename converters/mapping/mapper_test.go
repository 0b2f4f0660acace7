package mapping

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
	"go.yaml.in/yaml/v3"
)

// parseConfig reads the mapping section of a config file.
func parseConfig(t testing.TB, text string) *Config {
	t.Helper()
	if text == "" {
		return nil
	}
	var c Config
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatalf("config: %v", err)
	}
	return &c
}

// rawString shows the filled fields of r, maps as name{key="value" …}.
func rawString(r *validate.Raw) string {
	var parts []string
	for _, s := range []struct{ name, v string }{
		{"insert_id", r.InsertID}, {"event_key", r.EventKey}, {"ts", r.TS}, {"metric_value", r.MetricValue},
	} {
		if s.v != "" {
			parts = append(parts, fmt.Sprintf("%s=%q", s.name, s.v))
		}
	}
	for i, kv := range [][]validate.KV{r.Identifiers, r.UserProps, r.EventProps, r.PlatformProps} {
		if len(kv) == 0 {
			continue
		}
		var b strings.Builder
		b.WriteString(mapNames[i] + "{")
		for j, e := range kv {
			if j > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s=%q", e.Key, e.Value)
		}
		parts = append(parts, b.String()+"}")
	}
	return strings.Join(parts, " ")
}

func issuesString(issues []validate.Issue) string {
	var parts []string
	for _, is := range issues {
		parts = append(parts, fmt.Sprintf("%s %s %q: %s", is.Reason, is.Field, is.Value, is.Message))
	}
	return strings.Join(parts, "; ")
}

// mapAll maps every record of data, read as the file called name. Each
// result is the record's rawString, then " ! " and its issues if any. One
// Raw is reused for all records, as export does.
func mapAll(t testing.TB, name, data string, c *Config) ([]string, error) {
	t.Helper()
	in, err := source.Open(name, strings.NewReader(data), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	m, err := Compile(c, in.Columns())
	if err != nil {
		return nil, err
	}
	var out []string
	var raw validate.Raw
	for {
		rec, err := in.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Err != nil {
			t.Fatalf("record %d: %v", rec.Row, rec.Err)
		}
		issues := m.Map(rec, &raw)
		s := rawString(&raw)
		if len(issues) > 0 {
			s += " ! " + issuesString(issues)
		}
		out = append(out, s)
	}
}

func TestMap(t *testing.T) {
	const warehouseYAML = `
insert_id: event_id
event_key: event_name
ts: event_time_kst
metric_value: revenue
identifiers:
  keys: {id: app_user_key, device_id: device_uuid, user_id: member_no}
platform_properties:
  keys: {osname: os, appversion: app_ver, platform: {const: Mobile}}
event_properties:
  json: properties_json
user_properties:
  keys: {grade: grade}
`
	const warehouseHeader = "event_id,event_name,event_time_kst,revenue,app_user_key,device_uuid,member_no,os,app_ver,properties_json,grade\n"
	tests := []struct {
		name, file, data, config string
		want                     []string
	}{
		{name: "zero-config NDJSON", file: "in.ndjson",
			data: `{"insert_id":"U1","event_key":"buy","ts":1672531200123,"metric_value":12.50,` +
				`"identifiers":{"id":"i","device_id":"d","user_id":null},` +
				`"user_properties":{"age":30,"vip":true,"tags":["a", "b"],"addr":{"city": "서울"},"big":12345678901234567890,"f":0.1,"e":1e21},` +
				`"event_properties":{},"platform_properties":{"osname":"iOS","appversion":"1.0"}}`,
			want: []string{`insert_id="U1" event_key="buy" ts="1672531200123" metric_value="12.50" identifiers{id="i" device_id="d"} ` +
				`user_properties{age="30" vip="true" tags="[\"a\",\"b\"]" addr="{\"city\":\"서울\"}" big="12345678901234567890" f="0.1" e="1e21"} ` +
				`platform_properties{osname="iOS" appversion="1.0"}`}},
		{name: "zero-config NDJSON, flattened keys and a JSON string", file: "in.ndjson",
			data: `{"event_key":"buy","identifiers.id":"i","identifiers":{"device_id":"d"},"identifiers.user_id":7,"identifiers.x":null,` +
				`"event_properties":"{\"a\":1,\"b\":\"x\"}","user_properties.":"no key"}`,
			want: []string{`event_key="buy" identifiers{device_id="d" id="i" user_id="7"} event_properties{a="1" b="x"}`}},
		{name: "zero-config NDJSON, absent and null fields", file: "in.ndjson",
			data: `{"ts":null,"event_key":"","identifiers":null,"user_properties":""}` + "\n" + `{}`,
			want: []string{``, ``}},
		{name: "zero-config CSV, identifiers as a JSON cell", file: "in.csv",
			data: "insert_id,event_key,ts,metric_value,identifiers,platform_properties\n" +
				`U1,buy,2023-01-01 00:00:00,0.1,"{""id"":""i"",""device_id"":""d"",""n"":1e21,""b"":false,""o"":{ ""x"" : 1 },""z"":null}","{""osname"":""Android""}"` + "\n",
			want: []string{`insert_id="U1" event_key="buy" ts="2023-01-01 00:00:00" metric_value="0.1" ` +
				`identifiers{id="i" device_id="d" n="1e21" b="false" o="{\"x\":1}"} platform_properties{osname="Android"}`}},
		{name: "zero-config CSV, flattened columns", file: "in.csv",
			data: "event_key,identifiers.id,identifiers.device_id,identifiers.user_id,platform_properties.osname,platform_properties.appversion,user_properties.등급\n" +
				"buy,i,d,,iOS,2.0,골드\n",
			want: []string{`event_key="buy" identifiers{id="i" device_id="d"} user_properties{등급="골드"} platform_properties{osname="iOS" appversion="2.0"}`}},
		{name: "zero-config CSV, JSON cell and flattened columns together", file: "in.csv",
			data: "identifiers.device_id,identifiers,event_key\n" +
				"d,\"{\"\"id\"\":\"\"i\"\"}\",buy\n" +
				",\"{\"\"id\"\":\"\"j\"\",\"\"device_id\"\":\"\"e\"\"}\",buy\n" +
				"f,,buy\n",
			want: []string{`event_key="buy" identifiers{id="i" device_id="d"}`, `event_key="buy" identifiers{id="j" device_id="e"}`,
				`event_key="buy" identifiers{device_id="f"}`}},
		{name: "zero-config CSV, missing columns are empty", file: "in.csv",
			data: "other,event_key\nx,buy\n",
			want: []string{`event_key="buy"`}},
		{name: "zero-config CSV, empty and blank JSON cells", file: "in.csv",
			data: "event_key,identifiers,user_properties\nbuy,,\"  \"\n",
			want: []string{`event_key="buy"`}},
		{name: "explicit config, warehouse export", file: "in.csv", config: warehouseYAML,
			data: warehouseHeader +
				`E1,purchase,2023-01-01 09:00:00,12.3456789,U1,D1,,Android,7.0.0,"{""product_id"": ""40000"", ""name"": ""무선 이어폰"", ""n"": 1.50}",VIP` + "\n" +
				`E2,view,2023-01-01 10:00:00,,U2,D2,10001,iOS,7.1.0,,` + "\n",
			want: []string{
				`insert_id="E1" event_key="purchase" ts="2023-01-01 09:00:00" metric_value="12.3456789" identifiers{device_id="D1" id="U1"} ` +
					`user_properties{grade="VIP"} event_properties{product_id="40000" name="무선 이어폰" n="1.50"} platform_properties{appversion="7.0.0" osname="Android" platform="Mobile"}`,
				`insert_id="E2" event_key="view" ts="2023-01-01 10:00:00" identifiers{device_id="D2" id="U2" user_id="10001"} ` +
					`platform_properties{appversion="7.1.0" osname="iOS" platform="Mobile"}`,
			}},
		{name: "explicit config on NDJSON", file: "in.ndjson", config: warehouseYAML,
			data: `{"event_id":"E1","event_name":"buy","event_time_kst":"2023-01-01 09:00:00","revenue":1e21,"app_user_key":"U1","device_uuid":"D1","member_no":null,` +
				`"os":"iOS","app_ver":"1","properties_json":{"a":[1, 2]},"grade":3,"identifiers":{"id":"not used: identifiers has an explicit spec"}}`,
			want: []string{`insert_id="E1" event_key="buy" ts="2023-01-01 09:00:00" metric_value="1e21" identifiers{device_id="D1" id="U1"} ` +
				`user_properties{grade="3"} event_properties{a="[1,2]"} platform_properties{appversion="1" osname="iOS" platform="Mobile"}`}},
		{name: "const scalars and keys", file: "in.csv",
			config: "event_key: {const: app_open}\nmetric_value: {const: \"0\"}\nts: {column: when}\nplatform_properties:\n  keys: {osname: {const: iOS}, empty: {const: \"\"}}\n",
			data:   "when,event_key\n2023-01-01,ignored\n",
			want:   []string{`event_key="app_open" ts="2023-01-01" metric_value="0" platform_properties{osname="iOS"}`}},
		{name: "explicit keys win over JSON and prefix, ignoring case", file: "in.csv",
			config: "identifiers:\n  json: ids\n  keys: {id: member, Device_ID: dev}\n",
			data: "member,dev,ids,identifiers.ID,identifiers.session_id,identifiers.DEVICE_ID\n" +
				`m1,d1,"{""ID"":""from json"",""device_id"":""from json"",""user_id"":""u1""}",from prefix,s1,from prefix` + "\n" +
				`,,"{""id"":""from json""}",from prefix,,` + "\n",
			want: []string{`identifiers{Device_ID="d1" id="m1" user_id="u1" session_id="s1"}`, ``}},
		{name: "prefix option", file: "in.csv",
			config: "user_properties: {prefix: \"up_\"}\nevent_properties: {prefix: \"\"}\n",
			data:   "up_grade,up_age,event_properties.x,up_\nvip,30,not used,no key\n",
			want:   []string{`user_properties{grade="vip" age="30"}`}},
		{name: "prefix option on NDJSON", file: "in.ndjson",
			config: "user_properties: {prefix: \"up_\"}\nevent_properties: {prefix: \"\"}\n",
			data:   `{"up_grade":"vip","up_age":30,"up_x":null,"event_properties.x":"not used"}`,
			want:   []string{`user_properties{grade="vip" age="30"}`}},
		{name: "map column not an object", file: "in.csv",
			data: "event_key,identifiers,user_properties,event_properties,platform_properties\n" +
				`buy,"[1,2]",{broken,"{""a"":1,broken","""just a string"""` + "\n",
			want: []string{`event_key="buy" ! ` +
				`map_invalid identifiers "[1,2]": identifiers: column "identifiers" is not a JSON object: invalid JSON at byte 1: expected a JSON object; ` +
				`map_invalid user_properties "{broken": user_properties: column "user_properties" is not a JSON object: invalid JSON at byte 2: expected a member name; ` +
				`map_invalid event_properties "{\"a\":1,broken": event_properties: column "event_properties" is not a JSON object: invalid JSON at byte 8: expected a member name; ` +
				`map_invalid platform_properties "\"just a string\"": platform_properties: column "platform_properties" is not a JSON object: invalid JSON at byte 1: expected a JSON object`}},
		{name: "map field not an object in NDJSON", file: "in.ndjson",
			config: "event_properties: {json: props}\n",
			data:   `{"identifiers":[1, 2],"user_properties":5,"props":true,"platform_properties":"{\"osname\":\"iOS\"}"}`,
			want: []string{`platform_properties{osname="iOS"} ! ` +
				`map_invalid identifiers "[1,2]": identifiers: column "identifiers" is not a JSON object: found a JSON array; ` +
				`map_invalid user_properties "5": user_properties: column "user_properties" is not a JSON object: found a JSON number; ` +
				`map_invalid event_properties "true": event_properties: column "props" is not a JSON object: found a JSON boolean`}},
		{name: "null drops keys", file: "in.ndjson",
			config: "identifiers:\n  keys: {user_id: member}\n",
			data:   `{"member":null,"identifiers":{"id":"i","device_id":null,"user_id":"from json"},"identifiers.session_id":null}`,
			want:   []string{`identifiers{id="i"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mapAll(t, tt.file, tt.data, parseConfig(t, tt.config))
			if err != nil {
				t.Fatal(err)
			}
			for i := range max(len(got), len(tt.want)) {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(tt.want) {
					w = tt.want[i]
				}
				if g != w {
					t.Errorf("record %d:\n got %s\nwant %s", i+1, g, w)
				}
			}
		})
	}
}
