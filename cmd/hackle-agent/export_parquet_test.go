package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
)

// sparkExport is a Spark-like Parquet export: its own column names,
// nullable columns, a microsecond timestamp.
type sparkExport struct {
	EventID   string    `parquet:"event_id"`
	EventName string    `parquet:"event_name"`
	EventTime time.Time `parquet:"event_time,timestamp(microsecond)"`
	UserKey   *string   `parquet:"user_key,optional"`
	Device    string    `parquet:"device"`
	OS        string    `parquet:"os"`
	AppVer    *string   `parquet:"app_ver,optional"`
}

// TestExportParquetInput: a Parquet input converts with a mapping, every
// row accounted for (in = written + rejected + dups), and DuckDB reads the
// result.
func TestExportParquetInput(t *testing.T) {
	work := t.TempDir()
	s := func(v string) *string { return &v }
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []sparkExport{
		{"8fb8e088-9245-4fce-bb87-7e09d9917e01", "view", time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC), s("u1"), "d1", "iOS", s("1.0")},
		{"8fb8e088-9245-4fce-bb87-7e09d9917e02", "buy", time.Date(2023, 1, 1, 13, 0, 0, 0, time.UTC), s("u2"), "d2", "Android", s("2.0")},
		{"8fb8e088-9245-4fce-bb87-7e09d9917e02", "buy", time.Date(2023, 1, 1, 13, 0, 0, 0, time.UTC), s("u2"), "d2", "Android", s("2.0")}, // duplicate
		{"8fb8e088-9245-4fce-bb87-7e09d9917e03", "buy", time.Date(2023, 1, 1, 14, 0, 0, 0, time.UTC), nil, "d3", "Android", nil},          // no app version
	}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(work, "export"), 0o755)
	os.WriteFile(filepath.Join(work, "export", "part-00000-1.c000.snappy.parquet"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(work, "export", "_SUCCESS"), nil, 0o644)
	os.WriteFile(filepath.Join(work, "config.yaml"), []byte(`mapping:
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
	res := runAgent(t, work, nil, "export", "--config", "config.yaml", "--input", "export", "--date", "2023-01-01",
		"--dest", "bucket", "--report-dir", "r", "--max-error-rate", "0.5")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, rejects := readReport(t, filepath.Join(work, "r"))
	c := rep.Counts
	if c.Read != 4 || c.Written != 2 || c.Rejected != 1 || c.Duplicates != 1 || c.Read != c.Written+c.Rejected+c.Duplicates {
		t.Errorf("counts %+v, want 4 read = 2 written + 1 rejected + 1 duplicate", c)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Format != "parquet" || len(rejects) != 2 {
		t.Errorf("sources %+v, %d rejects", rep.Sources, len(rejects))
	}
	glob := duckdbtest.Literal(filepath.Join(work, "bucket", "dt=2023-01-01", "*.parquet"))
	got := duckdbtest.Query(t, "SELECT string_agg(event_key || '/' || identifiers['id'] || '/' || platform_properties['appversion'] || '/' || strftime(ts AT TIME ZONE 'UTC', '%H:%M'), ',' ORDER BY ts) AS v FROM read_parquet("+glob+", hive_partitioning=false)")
	if len(got) != 1 || got[0]["v"] != "view/u1/1.0/12:00,buy/u2/2.0/13:00" {
		t.Errorf("DuckDB reads %v", got)
	}
}
