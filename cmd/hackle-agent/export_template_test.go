package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportDateTemplate: --input 'exports/events-{date}.ndjson' reads the
// partition day's file only, and {date-1} the day before's; an unknown
// token is a usage error that names it.
func TestExportDateTemplate(t *testing.T) {
	work := t.TempDir()
	exports := filepath.Join(work, "exports")
	os.MkdirAll(exports, 0o755)
	row := func(id, ts string) string {
		return `{"insert_id":"` + id + `","event_key":"a","ts":"` + ts + `","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}` + "\n"
	}
	os.WriteFile(filepath.Join(exports, "events-2023-01-01.ndjson"), []byte(row("8fb8e088-9245-4fce-bb87-7e09d9917e01", "2023-01-01T12:00:00Z")), 0o644)
	os.WriteFile(filepath.Join(exports, "events-2023-01-02.ndjson"), []byte(row("8fb8e088-9245-4fce-bb87-7e09d9917e02", "2023-01-02T12:00:00Z")+row("8fb8e088-9245-4fce-bb87-7e09d9917e03", "2023-01-02T13:00:00Z")), 0o644)

	for _, tt := range []struct {
		input, date string
		rows        int64
	}{
		{"exports/events-{date}.ndjson", "2023-01-02", 2},
		{"exports/events-{date-1}.ndjson", "2023-01-02", 0}, // the 2023-01-01 file's row is not of 2023-01-02
		{"exports/events-{yyyy}-{mm}-{dd}.ndjson", "2023-01-01", 1},
	} {
		t.Run(tt.input, func(t *testing.T) {
			dest := filepath.Join(work, "bucket-"+strings.NewReplacer("{", "", "}", "", "/", "_").Replace(tt.input))
			rd := filepath.Join(work, "report-"+filepath.Base(dest))
			res := runAgent(t, work, nil, "export", "--input", tt.input, "--date", tt.date, "--dest", dest, "--report-dir", rd, "--max-error-rate", "1")
			rep, _ := readReport(t, reportFolder(rd, "export", tt.date))
			if tt.rows == 0 {
				// {date-1} read 2023-01-01's file: its row is rejected as of another day.
				if rep.Counts.Read != 1 || rep.Counts.Written != 0 || len(rep.Sources) != 1 || !strings.HasSuffix(rep.Sources[0].File, "events-2023-01-01.ndjson") {
					t.Fatalf("exit %d: counts %+v sources %+v\n%s", res.code, rep.Counts, rep.Sources, res.stderr)
				}
				return
			}
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			if rep.Counts.Written != tt.rows || rep.Counts.Rejected != 0 || len(rep.Sources) != 1 || !strings.HasSuffix(rep.Sources[0].File, "events-"+tt.date+".ndjson") {
				t.Errorf("counts %+v sources %+v", rep.Counts, rep.Sources)
			}
			if _, err := os.Stat(filepath.Join(dest, "dt="+tt.date, "_SUCCESS")); err != nil {
				t.Errorf("not committed: %v", err)
			}
		})
	}

	t.Run("backfill reads each day's file once", func(t *testing.T) {
		dest, rd := filepath.Join(work, "bucket-backfill"), filepath.Join(work, "report-backfill")
		res := runAgent(t, work, nil, "export", "--input", "exports/events-{date}.ndjson", "--input", "exports/events-{date}.ndjson", "--from", "2023-01-01", "--to", "2023-01-02", "--dest", dest, "--report-dir", rd)
		if res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		rep, _ := readReport(t, reportFolder(rd, "export", "2023-01-01..2023-01-02"))
		if rep.Counts.Written != 3 || rep.Counts.Rejected != 0 || len(rep.Sources) != 2 {
			t.Errorf("counts %+v sources %+v", rep.Counts, rep.Sources)
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		res := runAgent(t, work, nil, "export", "--input", "exports/events-{day}.ndjson", "--date", "2023-01-02", "--dest", filepath.Join(work, "b"))
		if res.code != 1 || !strings.Contains(res.stderr, "{day}") {
			t.Errorf("exit %d, want 1 naming {day}\n%s", res.code, res.stderr)
		}
	})
}

// reportFolder is where a command's report for days lands under a report
// folder: <dir>/<command>/dt=<days>.
func reportFolder(dir, command, days string) string {
	return filepath.Join(dir, command, "dt="+days)
}
