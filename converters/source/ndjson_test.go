package source

import (
	"errors"
	"fmt"
	"io"
	"runtime"
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

// A line over MaxRecordBytes is one record_too_large record of one line,
// and the lines after it are read as usual, in chunks of any size.
func TestNDJSONLineTooLong(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name, data string
		want       []string
		lines      int64
	}{
		{name: "in the middle", data: "{\"a\":1}\n{\"s\":\"" + long + "\"}\n{\"a\":3}\n", lines: 3,
			want: []string{`L1 R1 a="1"/num`, `L2 R2 !line 2 is 48 bytes long, more than the limit of 16 bytes`, `L3 R3 a="3"/num`}},
		{name: "first, with CRLF", data: long + "\r\n\r\n{\"a\":3}\r\n", lines: 3,
			want: []string{`L1 R1 !line 1 is 40 bytes long`, `L3 R2 a="3"/num`}},
		{name: "last, without a line end", data: "{\"a\":1}\n" + long, lines: 2,
			want: []string{`L1 R1 a="1"/num`, `L2 R2 !line 2 is 40 bytes long`}},
		{name: "two in a row", data: long + "\n" + long + long + "\n", lines: 2,
			want: []string{`L1 R1 !line 1 is 40 bytes long`, `L2 R2 !line 2 is 80 bytes long`}},
		{name: "exactly the limit", data: "{\"s\":\"01234567\"}\r\n{\"s\":\"012345678\"}", lines: 2,
			want: []string{`L1 R1 s="01234567"`, `L2 R2 !line 2 is 17 bytes long`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, recs, err := readAll(t, "in.ndjson", tt.data, Options{MaxRecordBytes: 16})
			checkErr(t, err, "")
			checkRecords(t, recs, tt.want)
			if got := in.Lines(); got != tt.lines {
				t.Errorf("Lines() = %d, want %d", got, tt.lines)
			}
		})
	}
}

// The record of a line too long says so with a *RecordError, spans one
// line and keeps only the head of the line as its raw record.
func TestNDJSONLineTooLongRecord(t *testing.T) {
	data := strings.Repeat("y", 5000) + "\n"
	in, err := Open("in.ndjson", strings.NewReader(data), Options{MaxRecordBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := in.Next()
	if err != nil {
		t.Fatal(err)
	}
	var re *RecordError
	if !errors.As(rec.Err, &re) || re.Reason != "record_too_large" {
		t.Fatalf("Err = %#v, want a record_too_large RecordError", rec.Err)
	}
	if rec.Line != 1 || rec.Lines != 1 || len(rec.Text()) != headBytes {
		t.Errorf("Line %d, Lines %d, text of %d bytes; want 1, 1, %d", rec.Line, rec.Lines, len(rec.Text()), headBytes)
	}
	if _, err := in.Next(); err != io.EOF {
		t.Errorf("then %v, want io.EOF", err)
	}
}

// endlessA reads 'a' for ever.
type endlessA struct{}

func (endlessA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// A line of 200 MB is skipped with memory bounded by the limit, not the line.
func TestNDJSONLineTooLongMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200 MB")
	}
	const size = 200 << 20
	r := io.MultiReader(io.LimitReader(endlessA{}, size), strings.NewReader("\n{\"a\":1}\n"))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	in, err := Open("in.ndjson", r, Options{MaxRecordBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	eachRecord(t, in, func(rec *Record, re *RecordError) {
		if re != nil {
			reasons = append(reasons, re.Reason)
			if !strings.Contains(re.Msg, fmt.Sprintf("line 1 is %d bytes long", size)) {
				t.Errorf("message %q", re.Msg)
			}
		} else {
			reasons = append(reasons, fmt.Sprint(rec.Err))
		}
	})
	runtime.ReadMemStats(&after)
	if got := strings.Join(reasons, " "); got != "record_too_large <nil>" {
		t.Errorf("records: %s; want record_too_large <nil>", got)
	}
	if in.Lines() != 2 {
		t.Errorf("Lines() = %d, want 2", in.Lines())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("allocated %d MB reading a 200 MB line with a 1 MB limit", alloc>>20)
	}
}
