package source

import (
	"strings"
	"testing"
)

func TestNDJSON(t *testing.T) {
	long := strings.Repeat("가나다abc", 40<<10) // 360 KiB: more than the 256 KiB buffer
	tests := []struct {
		name, data string
		want       []string
		wantErr    string
	}{
		{name: "two lines", data: "{\"a\":\"x\"}\n{\"a\":\"y\",\"b\":2}\n",
			want: []string{`L1 R1 a="x"`, `L2 R2 a="y" b="2"/num`}},
		{name: "blank lines and CRLF", data: "\r\n{\"a\":1}\r\n\r\n  \t\n{\"a\":2}\r\n\n",
			want: []string{`L2 R1 a="1"/num`, `L5 R2 a="2"/num`}},
		{name: "bad line, reading goes on", data: "{\"a\":1}\n{bad\n{\"a\":3}\n",
			want: []string{`L1 R1 a="1"/num`, `L2 R2 !invalid JSON at byte 2: expected a member name`, `L3 R3 a="3"/num`}},
		{name: "not an object", data: "[1]\n\"x\"\n{\"a\":1}\n",
			want: []string{`L1 R1 !expected a JSON object`, `L2 R2 !expected a JSON object`, `L3 R3 a="1"/num`}},
		{name: "truncated object", data: "{\"a\":1\n{\"a\":2}",
			want: []string{`L1 R1 !expected ',' or '}'`, `L2 R2 a="2"/num`}},
		{name: "last line without newline", data: "{\"a\":1}\n{\"a\":2}",
			want: []string{`L1 R1 a="1"/num`, `L2 R2 a="2"/num`}},
		{name: "last line without newline after CR", data: "{\"a\":1}\r",
			want: []string{`L1 R1 a="1"/num`}},
		{name: "very long line", data: "{\"a\":1}\n{\"long\":\"" + long + "\"}\n{\"a\":3}\n",
			want: []string{`L1 R1 a="1"/num`, `L2 R2 long="` + long + `"`, `L3 R3 a="3"/num`}},
		{name: "very long last line without newline", data: "\n{\"long\":\"" + long + "\"}",
			want: []string{`L2 R1 long="` + long + `"`}},
		{name: "BOM on the first line", data: "\xef\xbb\xbf{\"a\":1}\n",
			want: []string{`L1 R1 a="1"/num`}},
		{name: "values keep their text", data: `{"n":1e21,"f":0.1,"big":12345678901234567890,"t":true,"z":null,"o":{ "k" : [1, 2] },"s":"caf\u00e9 서울"}`,
			want: []string{`L1 R1 n="1e21"/num f="0.1"/num big="12345678901234567890"/num t="true"/bool z=""/null o="{\"k\":[1,2]}"/obj s="café 서울"`}},
		{name: "empty input", data: ""},
		{name: "only blank lines", data: "\n\r\n  \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, recs, err := readAll(t, "in.ndjson", tt.data, Options{})
			checkErr(t, err, tt.wantErr)
			checkRecords(t, recs, tt.want)
		})
	}
}

func TestRecordGetAndColumns(t *testing.T) {
	for _, name := range []string{"in.ndjson", "in.json"} {
		data := `{"a":1,"b":"x","a":2}`
		if name == "in.json" {
			data = "[" + data + "]"
		}
		in, err := Open(name, strings.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if in.Columns() != nil {
			t.Errorf("%s: Columns() = %q, want nil", name, in.Columns())
		}
		rec, err := in.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := rec.Get("a"); !ok || f.Text != "1" || f.Kind != Number {
			t.Errorf("%s: Get(a) = %v, %v; want the first a", name, f, ok)
		}
		if f, ok := rec.Get("c"); ok {
			t.Errorf("%s: Get(c) = %v, want none", name, f)
		}
	}
}
