package export

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSkipOwnOutputs(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	ours := `{"command":"export","agent_version":"dev","rejects_file":"rejects.ndjson"}`
	write("in/events.ndjson", "{}\n")
	write("in/report.json", ours) // --report-dir in
	write("in/rejects.ndjson", "{}\n")
	write("in/old/report.json", ours) // an earlier run's report folder
	write("in/old/rejects.ndjson", "{}\n")
	write("in/theirs/report.json", `{"rows":[]}`) // not ours: data
	write("in/bucket/dt=2023-01-01/000000000000.parquet", "x")
	write("in/_hackle_agent_tmp/run-1/x.ndjson", "{}\n")
	ins, err := ExpandInputs(context.Background(), []string{
		filepath.Join(dir, "in"), filepath.Join(dir, "in", "*", "*"), filepath.Join(dir, "in", "*", "*", "*"),
		filepath.Join(dir, "in", "old", "rejects.ndjson"), // named: read
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := SkipOwnOutputs(ins, Outputs{ReportDir: filepath.Join(dir, "in"), Dest: filepath.Join(dir, "in", "bucket")})
	var got []string
	for _, in := range kept {
		rel, _ := filepath.Rel(dir, in.Name)
		got = append(got, filepath.ToSlash(rel))
	}
	want := []string{"in/events.ndjson", "in/old/rejects.ndjson", "in/theirs/report.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}
