package source

import (
	"errors"
	"io"
	"strings"
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
		// A broken element whose end can be found is one rejected record
		// and reading goes on; an array that cannot be resynchronised ends
		// with a rejected record saying where. Neither is fatal.
		{name: "truncated inside an element", data: `[{"a":1},{"a":`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !array element 2 at byte 10 is cut off by the end of the input at byte 14`}},
		{name: "truncated after a comma", data: "[{\"a\":1},\n",
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !the input ends at byte 10 inside the JSON array, without its closing ']'`}},
		{name: "syntax error inside an element", data: `[{"a":1},{"a":2},{"a" 3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 a="2"/num`, `L0 R3 !array element 3: invalid JSON at byte 23: expected ':'`}},
		{name: "syntax error, reading goes on", data: `[{"a":1},{"a":{]},{"a":3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !array element 2: invalid JSON at byte 16: expected a member name`, `L0 R3 a="3"/num`}},
		{name: "string not closed", data: `[{"a":1},{"a":"x},{"a":3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !array element 2 at byte 10 is cut off by the end of the input at byte 26`}},
		{name: "nested too deeply", data: `[{"a":1},{"d":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `},{"a":3}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !array element 2: invalid JSON at byte 526: objects and arrays nested deeper than 512 levels`, `L0 R3 a="3"/num`}},
		{name: "missing comma", data: `[{"a":1} {"a":2}]`,
			want: []string{`L0 R1 !array element 1: invalid JSON at byte 10: unexpected text after the object`}},
		{name: "trailing comma", data: `[{"a":1},]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !array element 2 at byte 10 is empty`}},
		{name: "two commas", data: `[,{"a":1},,{"a":2}]`,
			want: []string{`L0 R1 !array element 1 at byte 2 is empty`, `L0 R2 a="1"/num`, `L0 R3 !array element 3 at byte 11 is empty`, `L0 R4 a="2"/num`}},
		{name: "truncated after an element", data: `[{"a":1}`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !the JSON array is not closed: the input ends at byte 8, after element 1`}},
		{name: "only an opening bracket", data: `[`,
			want: []string{`L0 R1 !the input ends at byte 1 inside the JSON array`}},
		{name: "data after the array", data: `[{"a":1}] [{"a":2}]`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !unexpected data after the JSON array at byte 11`}},
		{name: "garbage after the array", data: `[{"a":1}]x`,
			want: []string{`L0 R1 a="1"/num`, `L0 R2 !unexpected data after the JSON array at byte 10`}},
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

// The records an array framer rejects carry a *RecordError with their
// reason: record_invalid, or record_too_large for an element over
// MaxRecordBytes, which is skipped with memory bounded by the limit.
func TestJSONArrayRejectReasons(t *testing.T) {
	big := `{"s":"` + strings.Repeat("x", 5000) + `"}`
	data := `[{"a":1},` + big + `,{"a" 2},{"a":3}`
	in, err := Open("in.json", strings.NewReader(data), Options{MaxRecordBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	eachRecord(t, in, func(rec *Record, re *RecordError) {
		switch {
		case rec.Err == nil:
			got = append(got, "ok")
		case re != nil:
			got = append(got, re.Reason)
			if rec.Lines != 0 || rec.Line != 0 || len(rec.Text()) > headBytes {
				t.Errorf("%s: Line %d, Lines %d, text of %d bytes", re.Msg, rec.Line, rec.Lines, len(rec.Text()))
			}
		default:
			got = append(got, "plain error: "+rec.Err.Error())
		}
	})
	want := "ok record_too_large record_invalid ok record_invalid"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s\nwant %s", strings.Join(got, " "), want)
	}
}
