package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidatePartition: a partition whose parts another tool wrote (here
// our own, with the markers removed) is checked, then sealed with
// --commit; a second --commit changes nothing; a folder holding a file
// that lacks a layout column is refused with exit 3.
func TestValidatePartition(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	in := repoFile(t, "testdata/samples/events.ndjson")
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r0"), in)...); res.code != 0 {
		t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
	}
	part := filepath.Join(dest, "dt=2023-01-01")
	os.Remove(filepath.Join(part, "_SUCCESS"))
	os.Remove(filepath.Join(part, "_manifest.json"))

	res := runAgent(t, work, nil, "validate", "--partition", part, "--report-dir", filepath.Join(work, "r1"))
	if res.code != 0 {
		t.Fatalf("validate --partition: exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r1"))
	if rep.Counts.Read != 40 || rep.Counts.Written != 40 || rep.Outcome != "valid" || len(rep.Sources) != 4 {
		t.Errorf("report %+v outcome %q, want 40 valid rows from 4 files", rep.Counts, rep.Outcome)
	}
	if _, err := os.Stat(filepath.Join(part, "_SUCCESS")); err == nil {
		t.Error("_SUCCESS written without --commit")
	}

	res = runAgent(t, work, nil, "validate", "--partition", "file://"+part+"/", "--commit", "--report-dir", filepath.Join(work, "r2"))
	if res.code != 0 {
		t.Fatalf("--commit: exit %d\n%s", res.code, res.stderr)
	}
	if checkCommitted(t, dest) != "committed" {
		t.Fatal("--commit did not seal the partition")
	}
	before := snapshot(t, dest)
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--report-dir", filepath.Join(work, "r3"))
	if res.code != 0 {
		t.Fatalf("second --commit: exit %d\n%s", res.code, res.stderr)
	}
	for name, f := range snapshot(t, dest) {
		if before[name] != f {
			t.Errorf("the second --commit changed %s", name)
		}
	}
	// Pull accepts what --commit sealed.
	if res := runAgent(t, work, nil, "pull", "--source", dest, "--sink", filepath.Join(work, "sink"), "--date", "2023-01-01"); res.code != 0 {
		t.Errorf("pull of the sealed partition: exit %d\n%s", res.code, res.stderr)
	}

	bad := filepath.Join(work, "bad", "dt=2023-01-01")
	os.MkdirAll(bad, 0o755)
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(bad, "000000000000.parquet"))
	os.WriteFile(filepath.Join(bad, "_SUCCESS"), nil, 0o644) // Spark's own marker
	res = runAgent(t, work, nil, "validate", "--partition", bad, "--commit", "--report-dir", filepath.Join(work, "r4"))
	if res.code != 3 || !strings.Contains(res.stderr, "000000000000.parquet") {
		t.Errorf("an unreadable part: exit %d, want 3 naming the file\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "carries a _SUCCESS that another tool wrote") {
		t.Errorf("no warning about the foreign _SUCCESS over an invalid partition:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(bad, "_manifest.json")); err == nil {
		t.Error("an invalid partition was sealed")
	}
	if res := runAgent(t, work, nil, "validate", "--partition", filepath.Join(work, "nodate")); res.code != 1 {
		t.Errorf("a folder without dt=: exit %d, want 1", res.code)
	}
}
