package source

import (
	"encoding/json"
	"testing"
)

func TestRawJSON(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []string // RawJSON of each record
	}{
		{name: "CSV row as an ordered object", file: "in.csv", data: "z,a,m\n1,2,3\n",
			want: []string{`{"z":"1","a":"2","m":"3"}`}},
		{name: "CSV extra cells", file: "in.csv", data: "a,b\n1,2,3,4\n",
			want: []string{`{"a":"1","b":"2","_extra_3":"3","_extra_4":"4"}`}},
		{name: "CSV missing cells", file: "in.csv", data: "a,b,c\n1\n",
			want: []string{`{"a":"1"}`}},
		{name: "CSV malformed quote", file: "in.csv", data: "a,b\n1,x\"y\n",
			want: []string{`{"a":"1"}`}},
		{name: "CSV quotes, newlines, Korean, HTML characters", file: "in.csv", data: "a,b\n\"say \"\"<hi>\"\" & go\",\"서울\n부산\"\n",
			want: []string{`{"a":"say \"<hi>\" & go","b":"서울\n부산"}`}},
		{name: "CSV invalid UTF-8", file: "in.csv", data: "a\xff,b\nx\xfe\xfdy,2\n",
			want: []string{`{"a\ufffd":"x\ufffd\ufffdy","b":"2"}`}},
		{name: "NDJSON as is", file: "in.ndjson", data: "{ \"a\" : 1e21, \"h\":\"<b>&</b>\" }\r\n",
			want: []string{`{ "a" : 1e21, "h":"<b>&</b>" }`}},
		{name: "NDJSON invalid UTF-8 replaced", file: "in.ndjson", data: "{\"a\":\"x\xffy\"}\n",
			want: []string{`{"a":"x�y"}`}},
		{name: "NDJSON bad line as a JSON string", file: "in.ndjson", data: "{bad <line> \xff\n",
			want: []string{`"{bad <line> \ufffd"`}},
		{name: "JSON array element as is", file: "in.json", data: `[ {"a": [1, 2]} , 5 ]`,
			want: []string{`{"a": [1, 2]}`, `5`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, recs, err := readAll(t, tt.file, tt.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(tt.want) {
				t.Fatalf("%d records, want %d", len(recs), len(tt.want))
			}
			for i, r := range recs {
				if r.Raw != tt.want[i] {
					t.Errorf("record %d RawJSON\n got %s\nwant %s", i+1, r.Raw, tt.want[i])
				}
				if !json.Valid([]byte(r.Raw)) {
					t.Errorf("record %d RawJSON %q is not valid JSON", i+1, r.Raw)
				}
			}
		})
	}
}
