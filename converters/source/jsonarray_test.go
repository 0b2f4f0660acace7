package source

import (
	"errors"
	"io"
	"testing"
)

func TestJSONArray(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
		wantErr    string
	}{
		{name: "elements", data: `[{"a":1},{"a":"x","b":[1, {"c" : null}]}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 a="x" b="[1,{\"c\":null}]"/arr`}},
		{name: "pretty printed", data: "[\n  {\n    \"a\": 1\n  },\n  {\n    \"a\": 2\n  }\n]\n",
			want: []string{`L0 R1 a="1"/num`, `L0 R2 a="2"/num`}},
		{name: "empty array", data: " [ ] \n"},
		{name: "non-object elements, reading goes on", data: `[{"a":1}, 2, "x", null, [], {"a":3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !expected a JSON object`, `L0 R3 !expected a JSON object`,
				`L0 R4 !expected a JSON object`, `L0 R5 !expected a JSON object`, `L0 R6 a="3"/num`}},
		{name: "numbers as written", data: `[{"n":1e21,"m":-0,"k":1E+2}]`,
			want: []string{`L0 R1 n="1e21"/num m="-0"/num k="1E+2"/num`}},
		{name: "BOM", data: "\xef\xbb\xbf[{\"a\":1}]",
			want: []string{`L0 R1 a="1"/num`}},
		{name: "truncated inside an element", data: `[{"a":1},{"a":`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "invalid JSON in array element 2"},
		{name: "truncated after a comma", data: "[{\"a\":1},\n",
			want: []string{`L0 R1 a="1"/num`}, wantErr: "invalid JSON in array element 2"},
		{name: "syntax error inside an element", data: `[{"a":1},{"a":2},{"a" 3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 a="2"/num`}, wantErr: "element 3"},
		{name: "missing comma", data: `[{"a":1} {"a":2}]`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "element 2"},
		{name: "trailing comma", data: `[{"a":1},]`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "element 2"},
		{name: "truncated after an element", data: `[{"a":1}`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "invalid JSON array after element 1: unexpected EOF"},
		{name: "only an opening bracket", data: `[`, wantErr: "after element 0"},
		{name: "data after the array", data: `[{"a":1}] [{"a":2}]`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "unexpected data after the JSON array"},
		{name: "garbage after the array", data: `[{"a":1}]x`,
			want: []string{`L0 R1 a="1"/num`}, wantErr: "unexpected data after the JSON array"},
		{name: "object at top level", data: `{"a":1}`, wantErr: "use --format ndjson"},
		{name: "number at top level", data: `42`, wantErr: "expected a JSON array"},
		{name: "empty input", data: "  \n", wantErr: "empty input: expected a JSON array"},
		{name: "not JSON", data: `hello`, wantErr: "invalid JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, recs, err := readAll(t, "in.json", tt.data, Options{Format: JSON})
			checkErr(t, err, tt.wantErr)
			if errors.Is(err, io.EOF) {
				t.Errorf("fatal error %v must not look like a clean end", err)
			}
			checkRecords(t, recs, tt.want)
		})
	}
}

// Next keeps returning io.EOF after the end.
func TestJSONArrayEOFRepeats(t *testing.T) {
	in, _, err := readAll(t, "in.json", `[{"a":1}]`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := in.Next(); err != io.EOF {
			t.Fatalf("got %v, want io.EOF", err)
		}
	}
}
