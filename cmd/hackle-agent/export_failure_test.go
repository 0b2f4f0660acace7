package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFailedReportAddsUp: a run that fails (exit 2) on its second
// input after reading the first writes a report whose counts add up and
// say what was done, outcome failed and nothing committed, and prints the
// same counts.
func TestExportFailedReportAddsUp(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(dir, "a.ndjson"))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(pullReadFile(t, filepath.Join(dir, "a.ndjson")))
	w.Close()
	os.WriteFile(filepath.Join(dir, "b.ndjson"), gz.Bytes()[:60], 0o644) // a truncated gzip stream
	r := runAgent(t, dir, nil, "export", "--input", "a.ndjson", "--input", "b.ndjson", "--date", "2023-01-01",
		"--dest", "bucket", "--max-error-rate", "0.5", "--report-dir", "report")
	if r.code != exitRuntime {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitRuntime, r.stderr)
	}
	rep, rejects := readReport(t, filepath.Join(dir, "report"))
	c := rep.Counts
	if c.Read != c.Written+c.Rejected+c.Duplicates || c.Read != 55 || c.Written != 40 {
		t.Errorf("counts %+v: want read 55 = written 40 + rejected + duplicates", c)
	}
	if int64(len(rejects)) != c.Rejected+c.Duplicates {
		t.Errorf("%d lines in rejects.ndjson, want %d", len(rejects), c.Rejected+c.Duplicates)
	}
	for _, s := range rep.Sources {
		if s.Read != s.Written+s.Rejected+s.Duplicates {
			t.Errorf("source %s: %+v does not add up", s.File, s)
		}
	}
	if rep.Outcome != "failed" || !strings.Contains(rep.OutcomeReason, "nothing committed") || len(rep.Partitions) != 0 {
		t.Errorf("outcome %q (%q), partitions %v: want failed, nothing committed", rep.Outcome, rep.OutcomeReason, rep.Partitions)
	}
	if _, err := os.Stat(filepath.Join(dir, "bucket", "dt=2023-01-01", "_SUCCESS")); !os.IsNotExist(err) {
		t.Errorf("a partition was committed: %v", err)
	}
	for _, want := range []string{"read                  55 rows", "written               40 rows", "FAILED", "nothing committed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the summary does not say %q:\n%s", want, r.stderr)
		}
	}
}

// TestExportDoesNotReadItsOwnReport: with the report root inside the
// input folder (--input . --report-dir .), a second run reads the same
// rows as the first, not the first one's report.json and rejects.ndjson,
// even when it is also given the report folder itself as an input.
func TestExportDoesNotReadItsOwnReport(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(dir, "events.ndjson"))
	var reads []int64
	for run := range 2 {
		args := []string{"export", "--input", ".", "--report-dir", ".", "--dest", "bucket", "--date", "2023-01-01",
			"--max-error-rate", "0.5", "--log-format", "json"}
		if run == 1 {
			args = append(args, "--input", filepath.Join("export", "dt=2023-01-01"))
		}
		r := runAgent(t, dir, nil, args...)
		if r.code != 0 {
			t.Fatalf("run %d: exit %d\n%s", run+1, r.code, r.stderr)
		}
		rep, _ := readReport(t, dir)
		reads = append(reads, rep.Counts.Read)
		if len(rep.Sources) != 1 {
			t.Errorf("run %d read %d inputs, want 1: %+v", run+1, len(rep.Sources), rep.Sources)
		}
		if run == 1 && !strings.Contains(r.stderr, "own outputs") {
			t.Errorf("run 2 does not say what it skipped:\n%s", r.stderr)
		}
	}
	if reads[0] != 55 || reads[1] != reads[0] {
		t.Errorf("rows read by the two runs: %v, want 55 both times", reads)
	}
}
