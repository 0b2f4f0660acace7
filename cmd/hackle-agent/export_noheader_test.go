package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
)

// TestExportNoHeader: a Redshift-UNLOAD-like file (pipe-delimited, no
// header, no extension) exports with --no-header --columns and a mapping,
// every line accounted for; without --no-header the run stops with the
// hint (exit 1), naming neither the data as columns nor committing.
func TestExportNoHeader(t *testing.T) {
	work := t.TempDir()
	unload := strings.Join([]string{
		"8fb8e088-9245-4fce-bb87-7e09d9917e01|view|2023-01-01 12:00:00|u1|d1|iOS|1.0",
		"8fb8e088-9245-4fce-bb87-7e09d9917e02|buy|2023-01-01 13:00:00|u2|d2|Android|2.0",
		"8fb8e088-9245-4fce-bb87-7e09d9917e03|buy|2023-01-01 14:00:00||d3|Android|", // no user key, no app version
	}, "\n") + "\n"
	os.WriteFile(filepath.Join(work, "0000_part_00"), []byte(unload), 0o644)
	os.WriteFile(filepath.Join(work, "config.yaml"), []byte(`format: csv
delimiter: "|"
ts-format: "2006-01-02 15:04:05"
no-header: true
columns: [event_id, event_name, event_time, user_key, device, os, app_ver]
mapping:
  insert_id: event_id
  event_key: event_name
  ts: event_time
  identifiers:
    keys:
      id: user_key
      device_id: device
  platform_properties:
    keys:
      osname: os
      appversion: app_ver
`), 0o644)
	res := runAgent(t, work, nil, "export", "--config", "config.yaml", "--input", "0000_part_00", "--date", "2023-01-01",
		"--dest", "bucket", "--report-dir", "r", "--max-error-rate", "0.5")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, rejects := readReport(t, filepath.Join(work, "r"))
	c := rep.Counts
	if c.Read != 3 || c.Written != 2 || c.Rejected != 1 || c.Lines != 3 || c.SkippedLines != 0 {
		t.Errorf("counts %+v, want 3 lines, none skipped: 3 read, 2 written, 1 rejected", c)
	}
	if len(rejects) != 1 || rejects[0].Line != 3 {
		t.Errorf("rejects %+v, want line 3", rejects)
	}
	glob := duckdbtest.Literal(filepath.Join(work, "bucket", "dt=2023-01-01", "*.parquet"))
	got := duckdbtest.Query(t, "SELECT string_agg(event_key || '/' || identifiers['id'] || '/' || platform_properties['appversion'], ',' ORDER BY ts) AS v FROM read_parquet("+glob+", hive_partitioning=false)")
	if len(got) != 1 || got[0]["v"] != "view/u1/1.0,buy/u2/2.0" {
		t.Errorf("DuckDB reads %v", got)
	}

	// The same file without --no-header: the first row is not a header.
	res = runAgent(t, work, nil, "export", "--format", "csv", "--delimiter", "|", "--input", "0000_part_00", "--date", "2023-01-01",
		"--dest", "bucket2", "--report-dir", "r2")
	if res.code != 1 || !strings.Contains(res.stderr, "no header? the first line looks like data: use --no-header --columns") {
		t.Errorf("exit %d, want 1 with the hint\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(work, "bucket2", "dt=2023-01-01", "_SUCCESS")); err == nil {
		t.Error("committed without a header")
	}
	// --no-header without --columns is a usage error.
	res = runAgent(t, work, nil, "export", "--no-header", "--input", "0000_part_00", "--date", "2023-01-01", "--dest", "bucket3")
	if res.code != 1 || !strings.Contains(res.stderr, "--columns") {
		t.Errorf("exit %d, want 1 naming --columns\n%s", res.code, res.stderr)
	}
}
