package source

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// FuzzNDJSON reads data as NDJSON with a small record size limit and
// checks what the reader promises whatever the input: no panic and no
// unbounded recursion; the same records in chunks of any size; every
// physical line in exactly one record or a skipped blank line, and
// Input.Lines equal to their count; a line that is a JSON object within
// the limits read as encoding/json reads it, and any other non-blank line
// a record with Err. It reads data as a JSON array too: no panic, the
// same records in any chunk size.
func FuzzNDJSON(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1}\n{\"a\":2}\n", "\r\n{\"a\":1}\r\n\r\n  \t\n{\"a\":2}", "{bad\n[1]\n\"x\"\n{\"a\":1",
		`{"s":"\ud800x","k\u0000":"\u0000"}`, "\xef\xbb\xbf{\"a\":1}\n", `{"a":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
		strings.Repeat("x", 300) + "\n{}\n", `{"o":{ "a" : [1, 2, {"b": null}] }, "t": true}`, "{\"a\":\"\xff\"}\n\n",
		`[{"a":1},{"a" 2},{"a":3}]`, `[{"a":1},`, `[{"a":1}] x`, "\x00\n\u0085\n\u00a0{}\n",
	} {
		f.Add(s, uint8(3), uint16(200))
	}
	f.Fuzz(func(t *testing.T, data string, chunk uint8, limit uint16) {
		opts := Options{Format: NDJSON, MaxRecordBytes: int(limit)%1024 + 1}
		recs, lines := readLines(t, data, opts)
		opts.ChunkBytes = int(chunk)%16 + 1
		if recs2, lines2 := readLines(t, data, opts); recs2 != recs || lines2 != lines {
			t.Fatalf("in chunks of %d bytes:\n%s(%d lines)\nwant\n%s(%d lines)", opts.ChunkBytes, recs2, lines2, recs, lines)
		}
		opts.Format, opts.ChunkBytes = JSON, 0
		_, arr, err := readChunked(t, "in.json", data, opts)
		opts.ChunkBytes = int(chunk)%16 + 1
		_, arr2, err2 := readChunked(t, "in.json", data, opts)
		if fmt.Sprint(err) != fmt.Sprint(err2) || withRaw(arr) != withRaw(arr2) {
			t.Fatalf("array in chunks of %d bytes:\n got %v, %v\nwant %v, %v", opts.ChunkBytes, arr2, err2, arr, err)
		}
	})
}

// readLines reads data as NDJSON, checks each record against the line it
// spans, and returns the records as text and Input.Lines.
func readLines(t *testing.T, data string, opts Options) (string, int64) {
	in, err := Open("in.ndjson", strings.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	physical := strings.SplitAfter(strings.TrimPrefix(data, "\xef\xbb\xbf"), "\n")
	if physical[len(physical)-1] == "" {
		physical = physical[:len(physical)-1]
	}
	var b strings.Builder
	next := int64(1) // the first line not yet in a record
	for {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("fatal error %v", err)
		}
		if rec.Lines != 1 || rec.Line < next || rec.Line > int64(len(physical)) {
			t.Fatalf("record %d spans lines %d+%d after line %d of %d", rec.Row, rec.Line, rec.Lines, next-1, len(physical))
		}
		for ; next < rec.Line; next++ {
			if strings.TrimSpace(physical[next-1]) != "" {
				t.Fatalf("line %d %q is in no record", next, physical[next-1])
			}
		}
		next++
		line := strings.TrimRight(physical[rec.Line-1], "\r\n")
		checkLine(t, rec, line, opts.MaxRecordBytes)
		fmt.Fprintf(&b, "L%d R%d %v %q\n", rec.Line, rec.Row, rec.Err, rec.RawJSON())
	}
	for ; next <= int64(len(physical)); next++ {
		if strings.TrimSpace(physical[next-1]) != "" {
			t.Fatalf("line %d %q is in no record", next, physical[next-1])
		}
	}
	if in.Lines() != int64(len(physical)) {
		t.Fatalf("Lines() = %d, the input has %d", in.Lines(), len(physical))
	}
	return b.String(), in.Lines()
}

// checkLine compares a record with encoding/json's reading of its line.
func checkLine(t *testing.T, rec *Record, line string, limit int) {
	var re *RecordError
	switch {
	case len(line) > limit:
		if !errors.As(rec.Err, &re) || re.Reason != "record_too_large" {
			t.Fatalf("line of %d bytes over the limit %d: Err %v", len(line), limit, rec.Err)
		}
	case rec.Err == nil:
		if !isObject([]byte(line)) {
			t.Fatalf("%q is no JSON object, but was read without an error", line)
		}
		compareWithDecoder(t, []byte(line), rec.Fields)
	case isObject([]byte(line)) && strings.Count(line, "[")+strings.Count(line, "{") <= maxDepth:
		t.Fatalf("%q is a JSON object, but: %v", line, rec.Err)
	}
}
