package export

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// TestSameBytesWhateverTheThreads exports the same inputs with 1, 2 and 4
// threads (and GOMAXPROCS), in one chunk or in tiny ones (recycled, and
// poisoned when recycled), small row groups and several parts, and
// requires byte-identical partitions and reject reports: the pipeline must
// write, deduplicate and report rows in input order, and nothing may read
// a chunk after it is recycled.
func TestSameBytesWhateverTheThreads(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.csv")}
	os.WriteFile(inputs[0], []byte(testNDJSON(3000)), 0o644)
	os.WriteFile(inputs[1], []byte(testCSV(2000)), 0o644)
	var first map[string][]byte
	for _, run := range []struct{ threads, chunk int }{{1, 1 << 24}, {1, 2048}, {2, 2048}, {4, 2048}, {2, 300}} {
		threads := run.threads
		out := exportWith(t, inputs, threads, run.chunk)
		if first == nil {
			first = out
			if len(out) < 5 {
				t.Fatalf("only %d files: %v", len(out), keys(out))
			}
			continue
		}
		if !equalFiles(t, first, out) {
			t.Fatalf("%d threads, chunks of %d bytes: output differs from 1 thread and 1 chunk", threads, run.chunk)
		}
	}
}

// TestExportSpillsInsertIDs exports with so small a budget of insert_ids
// in memory that they spill every few rows, and requires the same output
// as with the export's budget, with no spill file left behind.
func TestExportSpillsInsertIDs(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.csv")}
	os.WriteFile(inputs[0], []byte(testNDJSON(3000)), 0o644)
	os.WriteFile(inputs[1], []byte(testCSV(2000)), 0o644)
	want := exportWith(t, inputs, 2, 1<<20)
	defer func(keys int) { idMemoryKeys = keys }(idMemoryKeys)
	idMemoryKeys = 20
	if got := exportWith(t, inputs, 2, 1<<20); !equalFiles(t, want, got) {
		t.Errorf("output differs when the insert_ids spill: %v", keys(got))
	}
}

func exportWith(t *testing.T, inputs []string, threads, chunk int) map[string][]byte {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	work := t.TempDir()
	dest, err := file.New(filepath.Join(work, "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	ins, err := ExpandInputs(context.Background(), inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	day, _ := validate.ParseDate("2023-01-01")
	rep, err := Run(context.Background(), Options{
		Inputs: ins, Source: source.Options{ChunkBytes: chunk}, Rules: validate.Rules{From: day, To: day},
		Dest: dest, ReportDir: filepath.Join(work, "report"), MaxErrorRate: 1, MaxErrors: -1,
		Parquet: parquetfile.Options{RowGroupRows: 700, PartRows: 1800}, Threads: threads, Command: "export",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Counts
	if c.Read != 5000 || c.Rejected == 0 || c.Duplicates == 0 || c.Read != c.Written+c.Rejected+c.Duplicates {
		t.Fatalf("counts %+v", c)
	}
	t.Logf("%d threads: %+v %v", threads, c, rep.ByReason)
	out := map[string][]byte{"report: by event key": fmt.Appendf(nil, "%v", rep.ByEventKey)}
	for _, root := range []string{filepath.Join(work, "bucket"), filepath.Join(work, "report", "rejects.ndjson")} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(path)
				out[strings.TrimPrefix(path, work)] = b
			}
			return err
		})
	}
	return out
}

func equalFiles(t *testing.T, want, got map[string][]byte) bool {
	ok := len(want) == len(got)
	for name, b := range want {
		if !bytes.Equal(b, got[name]) {
			t.Errorf("%s differs (%d vs %d bytes)", name, len(b), len(got[name]))
			ok = false
		}
	}
	return ok
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// testNDJSON is n lines of events: some bad, some duplicates, blank lines,
// CRLF line ends, escapes and white space inside nested objects.
func testNDJSON(n int) string {
	var b strings.Builder
	for i := range n {
		id := fmt.Sprintf("6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x", i%65536, i%65536)
		if i%101 == 100 {
			id = fmt.Sprintf("6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x", i-50, i-50) // a duplicate
		}
		switch {
		case i%37 == 5:
			b.WriteString("{\"insert_id\": broken\n")
			continue
		case i%53 == 7:
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, `{"insert_id":%q,"event_key":"ev_%d","ts":"2023-01-01T%02d:%02d:00Z","metric_value":%d.5,`+
			`"identifiers":{ "id" : "u\"%d", "device_id":"d%d"},"user_properties":{"Grade":"g%d","Grade ":"dup"},`+
			`"event_properties":{"tags":[1, 2],"price":1e%d},"platform_properties":{"osname":"%s","appversion":"1.%d"}}`,
			id, i%7, i%24, i%60, i, i, i%97, i%5, i%3, [...]string{"ios", "Android", "web"}[i%3], i%9)
		b.WriteString([...]string{"\n", "\r\n"}[i%2])
	}
	return b.String()
}

// testCSV is n rows of the CSV shape, with JSON cells (one spanning lines),
// bad rows and duplicates.
func testCSV(n int) string {
	var b strings.Builder
	b.WriteString("insert_id,event_key,ts,metric_value,identifiers,user_properties,event_properties,platform_properties\n")
	for i := range n {
		id := fmt.Sprintf("7a1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x", i, i)
		if i%89 == 88 {
			id = fmt.Sprintf("7a1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x", i-3, i-3)
		}
		switch {
		case i%41 == 3:
			b.WriteString("a,\"b\"c,d\n") // a bare quote
			continue
		case i%43 == 4:
			b.WriteString("too,few\n")
			continue
		}
		fmt.Fprintf(&b, "%s,purchase,2023-01-01 %02d:00:00,%d,\"{\"\"id\"\":\"\"u%d\"\",\"\"device_id\"\":\"\"d%d\"\"}\",{},\"{\"\"note\"\":\"\"one, two\"\",\n \"\"n\"\": 1}\",\"{\"\"osname\"\":\"\"iOS\"\",\"\"appversion\"\":\"\"2\"\"}\"\n",
			id, i%24, i, i, i)
	}
	return b.String()
}
