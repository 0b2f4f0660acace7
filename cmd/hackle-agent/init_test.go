package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitProposesAWorkingConfig: the config init proposes for the
// warehouse sample exports it as well as the hand-written one does.
func TestInitProposesAWorkingConfig(t *testing.T) {
	work := t.TempDir()
	csv := repoFile(t, "testdata/samples/warehouse.csv")
	res := runAgent(t, work, nil, "init", "--sample", csv)
	if res.code != 0 || !strings.Contains(res.stdout, "ts: event_time_kst") {
		t.Fatalf("init: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	cfg := filepath.Join(work, "export.yaml")
	extra := "max-error-rate: 0.5\n" // the proposal sets source-timezone itself
	if err := os.WriteFile(cfg, []byte(extra+res.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	res = runAgent(t, work, nil, "export", "--config", cfg, "--input", csv, "--date", "2023-01-01", "--dest", filepath.Join(work, "b"), "--report-dir", filepath.Join(work, "r"))
	if res.code != 0 {
		t.Fatalf("export with the proposed config: exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r"))
	if rep.Counts.Written != 30 {
		t.Errorf("wrote %d rows, want 30 as with the hand-written config", rep.Counts.Written)
	}
	if res := runAgent(t, work, nil, "init"); res.code != 1 {
		t.Errorf("init without --sample: exit %d, want 1", res.code)
	}
}
