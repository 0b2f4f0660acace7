package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A .tsv export is read with tabs unless --delimiter says otherwise: the
// flag's default no longer hides the extension's.
func TestExportTSV(t *testing.T) {
	work := t.TempDir()
	f, err := os.Open(repoFile(t, "testdata/samples/warehouse.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // the sample has a bad row on purpose
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = '\t'
	w.WriteAll(rows[:6]) // the header and 5 valid rows
	tsv := filepath.Join(work, "events.tsv")
	os.WriteFile(tsv, []byte(b.String()), 0o644)

	res := runAgent(t, work, nil, "export", "--config", repoFile(t, "testdata/samples/warehouse.yaml"),
		"--input", tsv, "--dest", "bucket", "--report-dir", "report", "-q")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "report"))
	if c := rep.Counts; c.Read != 5 || c.Written != 5 {
		t.Errorf("counts %+v, want 5 rows read and written", c)
	}
	// --delimiter still wins over the extension: with ',' the header is one
	// column, and the mapping's columns are missing.
	res = runAgent(t, work, nil, "export", "--config", repoFile(t, "testdata/samples/warehouse.yaml"),
		"--input", tsv, "--dest", "bucket2", "--report-dir", "report2", "-q", "--delimiter", ",")
	if res.code != exitUsage {
		t.Errorf("--delimiter ',': exit %d, want %d\n%s", res.code, exitUsage, res.stderr)
	}
}
