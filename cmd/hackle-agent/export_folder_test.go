package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFolderSkipsOtherFiles: a folder of exports with a .txt and a
// .yaml beside the .ndjson files exports the .ndjson rows, with one
// warning that lists the files skipped; --exclude drops a data file too.
func TestExportFolderSkipsOtherFiles(t *testing.T) {
	work := t.TempDir()
	exports := filepath.Join(work, "exports")
	os.MkdirAll(exports, 0o755)
	row := func(id, ts string) string {
		return `{"insert_id":"` + id + `","event_key":"a","ts":"` + ts + `","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}` + "\n"
	}
	os.WriteFile(filepath.Join(exports, "part-0.ndjson"), []byte(row("8fb8e088-9245-4fce-bb87-7e09d9917e01", "2023-01-01T12:00:00Z")), 0o644)
	os.WriteFile(filepath.Join(exports, "part-1.ndjson"), []byte(row("8fb8e088-9245-4fce-bb87-7e09d9917e02", "2023-01-01T13:00:00Z")), 0o644)
	os.WriteFile(filepath.Join(exports, "manifest.txt"), []byte("part-0.ndjson\npart-1.ndjson\n"), 0o644)
	os.WriteFile(filepath.Join(exports, "export.yaml"), []byte("job: nightly\n"), 0o644)
	os.WriteFile(filepath.Join(exports, "_SUCCESS"), nil, 0o644)

	res := runAgent(t, work, nil, "export", "--input", "exports", "--date", "2023-01-01", "--dest", "bucket", "--report-dir", "r1", "--log-format", "text")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if n := strings.Count(res.stderr, "skipped files that are not data"); n != 1 || !strings.Contains(res.stderr, "manifest.txt") || !strings.Contains(res.stderr, "export.yaml") || !strings.Contains(res.stderr, "_SUCCESS") {
		t.Errorf("want one warning listing manifest.txt, export.yaml and _SUCCESS, got %d:\n%s", n, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r1"))
	if rep.Counts.Written != 2 || rep.Counts.Rejected != 0 || len(rep.Sources) != 2 {
		t.Errorf("counts %+v sources %+v", rep.Counts, rep.Sources)
	}

	res = runAgent(t, work, nil, "export", "--input", "exports", "--exclude", "part-1*", "--date", "2023-01-01", "--dest", "bucket2", "--report-dir", "r2")
	if res.code != 0 {
		t.Fatalf("--exclude: exit %d\n%s", res.code, res.stderr)
	}
	if rep, _ := readReport(t, filepath.Join(work, "r2")); rep.Counts.Written != 1 || len(rep.Sources) != 1 {
		t.Errorf("--exclude: counts %+v sources %+v", rep.Counts, rep.Sources)
	}
	res = runAgent(t, work, nil, "export", "--input", "exports", "--include", "*.csv", "--date", "2023-01-01", "--dest", "bucket3")
	if res.code != 1 || !strings.Contains(res.stderr, "no data file") {
		t.Errorf("--include matching nothing: exit %d, want 1\n%s", res.code, res.stderr)
	}
}
