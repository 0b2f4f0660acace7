package source

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// got is a copy of one record, safe to keep after the next call to Next.
type got struct {
	Line, Row int64
	Fields    []Field
	Err       string
	Raw       string
}

// String is "L<line> R<row> name=text …", or "L<line> R<row> !<error>".
func (g got) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "L%d R%d", g.Line, g.Row)
	if g.Err != "" {
		return b.String() + " !" + g.Err
	}
	for _, f := range g.Fields {
		fmt.Fprintf(&b, " %s=%q", f.Name, f.Text)
		if f.Kind != String {
			fmt.Fprintf(&b, "/%s", kindNames[f.Kind])
		}
	}
	return b.String()
}

var kindNames = map[Kind]string{String: "str", Number: "num", Bool: "bool", Null: "null", Object: "obj", Array: "arr"}

// readAll opens data as the input called name and reads every record. err
// is the error of Open or the fatal error of Next. Unless opts sets a chunk
// size, it reads data again cut into tiny chunks, and fails the test if
// anything differs: records, line and row numbers, errors.
func readAll(t testing.TB, name, data string, opts Options) (*Input, []got, error) {
	t.Helper()
	in, recs, err := readChunked(t, name, data, opts)
	if opts.ChunkBytes == 0 {
		for _, size := range []int{1, 2, 3, 7, 64} {
			opts.ChunkBytes = size
			_, recs2, err2 := readChunked(t, name, data, opts)
			if fmt.Sprint(err) != fmt.Sprint(err2) || withRaw(recs) != withRaw(recs2) {
				t.Errorf("%s in chunks of %d bytes:\n got %v, %v\nwant %v, %v", name, size, recs2, err2, recs, err)
			}
		}
	}
	return in, recs, err
}

func readChunked(t testing.TB, name, data string, opts Options) (*Input, []got, error) {
	t.Helper()
	in, err := Open(name, strings.NewReader(data), opts)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	var out []got
	for {
		rec, err := in.Next()
		if err == io.EOF {
			return in, out, nil
		}
		if err != nil {
			return in, out, err
		}
		g := got{Line: rec.Line, Row: rec.Row, Fields: slices.Clone(rec.Fields), Raw: string(rec.RawJSON())}
		if rec.Err != nil {
			g.Err = rec.Err.Error()
		}
		out = append(out, g)
		if len(out) > 100000 {
			t.Fatal("reader does not end")
		}
	}
}

// eachRecord calls fn with every record of in, and fails the test on a
// fatal error; re is the record's *RecordError, or nil.
func eachRecord(t testing.TB, in *Input, fn func(rec *Record, re *RecordError)) {
	t.Helper()
	for {
		rec, err := in.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var re *RecordError
		errors.As(rec.Err, &re)
		fn(rec, re)
	}
}

// checkRecords compares records with their wanted String forms. A wanted
// record with an error, "L2 R1 !text", matches when the error contains text.
func checkRecords(t *testing.T, recs []got, want []string) {
	t.Helper()
	for i := 0; i < max(len(recs), len(want)); i++ {
		var g, w string
		if i < len(recs) {
			g = recs[i].String()
		}
		if i < len(want) {
			w = want[i]
		}
		if head, msg, ok := strings.Cut(w, " !"); ok && i < len(recs) && recs[i].Err != "" {
			gh, gm, _ := strings.Cut(g, " !")
			if gh == head && strings.Contains(gm, msg) {
				continue
			}
		}
		if g != w {
			t.Errorf("record %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
}

// checkErr checks a fatal error against a wanted substring ("" for none).
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// withRaw renders records with their raw JSON.
func withRaw(recs []got) string {
	var b strings.Builder
	for _, g := range recs {
		fmt.Fprintf(&b, "%s raw=%s\n", g, g.Raw)
	}
	return b.String()
}
