package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/validate"
)

// wantReject is one bad row a sample holds on purpose.
type wantReject struct {
	row    int64
	line   int64
	reason validate.Reason
	field  string
}

var sampleTests = []struct {
	name    string
	args    []string
	read    int64
	written int64
	rejects []wantReject
	dups    int64
	lines   int64           // physical lines of the input
	skipped int64           // lines in no record: the CSV header, blank lines
	spans   map[int64]int64 // line → lines of a reject spanning more than one
}{
	{
		name:    "ndjson zero-config",
		args:    []string{"--input", "testdata/samples/events.ndjson", "--date", "2023-01-01", "--max-error-rate", "0.5"},
		read:    55,
		written: 40,
		dups:    1,
		lines:   55,
		rejects: []wantReject{
			{41, 41, validate.DuplicateInsertID, "insert_id"},
			{42, 42, validate.InsertIDMissing, "insert_id"},
			{43, 43, validate.InsertIDInvalid, "insert_id"},
			{44, 44, validate.EventKeyEmpty, "event_key"},
			{45, 45, validate.TSMissing, "ts"},
			{46, 46, validate.TSInvalid, "ts"},
			{47, 47, validate.TSOutOfRange, "ts"},
			{48, 48, validate.MetricInvalid, "metric_value"},
			{49, 49, validate.MetricTooLarge, "metric_value"},
			{50, 50, validate.IdentifierMissing, "identifiers.id"},
			{51, 51, validate.IdentifierMissing, "identifiers.device_id"},
			{52, 52, validate.OSNameInvalid, "platform_properties.osname"},
			{53, 53, validate.AppVersionMissing, "platform_properties.appversion"},
			{54, 54, validate.RecordInvalid, ""},
			{55, 55, validate.InvalidUTF8, "event_key"},
		},
	},
	{
		name:    "warehouse csv with a mapping config",
		args:    []string{"--config", "testdata/samples/warehouse.yaml", "--input", "testdata/samples/warehouse.csv"},
		read:    43,
		written: 30,
		dups:    1,
		lines:   46,
		skipped: 1,
		spans:   map[int64]int64{34: 2},
		rejects: []wantReject{ // row 32 spans lines 34-35: a quoted cell holds a newline
			{31, 33, validate.InsertIDMissing, "insert_id"},
			{32, 34, validate.InsertIDInvalid, "insert_id"},
			{33, 36, validate.EventKeyEmpty, "event_key"},
			{34, 37, validate.TSMissing, "ts"},
			{35, 38, validate.TSInvalid, "ts"},
			{36, 39, validate.TSOutOfRange, "ts"},
			{37, 40, validate.MetricInvalid, "metric_value"},
			{38, 41, validate.IdentifierMissing, "identifiers.device_id"},
			{39, 42, validate.OSNameInvalid, "platform_properties.osname"},
			{40, 43, validate.AppVersionMissing, "platform_properties.appversion"},
			{41, 44, validate.MapInvalid, "event_properties"},
			{42, 45, validate.DuplicateInsertID, "insert_id"},
			{43, 46, validate.RecordInvalid, ""},
		},
	},
}

// TestExportSamples exports each shipped sample and checks every count,
// every reject and, through DuckDB, the Parquet that was written.
func TestExportSamples(t *testing.T) {
	for _, tc := range sampleTests {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			dest, reports := filepath.Join(work, "bucket"), filepath.Join(work, "report")
			args := append([]string{"export", "--dest", dest, "--report-dir", reports}, tc.args...)
			res := runAgent(t, repoFile(t, "."), nil, args...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			rep, rejects := readReport(t, reports)
			c := rep.Counts
			if c.Read != tc.read || c.Written != tc.written || c.Duplicates != tc.dups || c.Rejected != int64(len(tc.rejects))-tc.dups {
				t.Errorf("counts = %+v, want read %d written %d rejected %d duplicates %d", c, tc.read, tc.written, int64(len(tc.rejects))-tc.dups, tc.dups)
			}
			if c.Read != c.Written+c.Rejected+c.Duplicates {
				t.Errorf("counts do not add up: %+v", c)
			}
			if len(rejects) != len(tc.rejects) {
				t.Fatalf("rejects.ndjson has %d rows, want %d", len(rejects), len(tc.rejects))
			}
			for i, w := range tc.rejects {
				r := rejects[i]
				if r.Row != w.row || r.Line != w.line || r.Reason != w.reason || r.Field != w.field {
					t.Errorf("reject %d = row %d line %d %s %q, want row %d line %d %s %q", i, r.Row, r.Line, r.Reason, r.Field, w.row, w.line, w.reason, w.field)
				}
				if want := max(1, tc.spans[r.Line]); r.Lines != want {
					t.Errorf("reject %d (line %d) spans %d line(s), want %d", i, r.Line, r.Lines, want)
				}
				if !strings.HasPrefix(r.File, "testdata/samples/") || r.Message == "" || len(r.Raw) == 0 {
					t.Errorf("reject %d lacks file, message or raw record: %+v", i, r)
				}
			}
			if len(rep.Sources) != 1 || rep.Sources[0].Lines != tc.lines || rep.Sources[0].SkippedLines != tc.skipped ||
				c.Lines != tc.lines || c.SkippedLines != tc.skipped {
				t.Errorf("lines: sources %+v, counts %+v; want %d lines, %d skipped", rep.Sources, c, tc.lines, tc.skipped)
			}
			if rep.Outcome != report.OutcomeCommitted {
				t.Errorf("outcome %q: %s", rep.Outcome, rep.OutcomeReason)
			}
			part := filepath.Join(dest, "dt=2023-01-01")
			if fi, err := os.Stat(filepath.Join(part, "_SUCCESS")); err != nil || fi.Size() != 0 {
				t.Errorf("_SUCCESS: %v (want a 0-byte file)", err)
			}
			checkParquet(t, part, tc.written)
		})
	}
}

// checkParquet has DuckDB, a reader other than ours, read a partition.
func checkParquet(t *testing.T, part string, rows int64) {
	glob := duckdbtest.Literal(filepath.Join(part, "*.parquet"))
	types := duckdbtest.Query(t, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("+glob+", hive_partitioning=false))")
	want := []string{
		"ts TIMESTAMP WITH TIME ZONE", "event_key VARCHAR", "identifiers MAP(VARCHAR, VARCHAR)", "insert_id VARCHAR",
		"metric_value DECIMAL(24,6)", "user_properties MAP(VARCHAR, VARCHAR)", "event_properties MAP(VARCHAR, VARCHAR)",
		"platform_properties MAP(VARCHAR, VARCHAR)",
	}
	var got []string
	for _, r := range types {
		got = append(got, fmt.Sprint(r["column_name"], " ", r["column_type"]))
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("DuckDB sees columns\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	count := duckdbtest.Query(t, "SELECT count(*)::VARCHAR AS n, count(DISTINCT insert_id)::VARCHAR AS ids FROM read_parquet("+glob+")")
	if fmt.Sprint(count[0]["n"]) != fmt.Sprint(rows) || fmt.Sprint(count[0]["ids"]) != fmt.Sprint(rows) {
		t.Errorf("DuckDB counts %v rows and distinct ids, want %d", count[0], rows)
	}
	// Values every sample holds: a sub-millisecond ts truncated, a metric
	// rounded half-even to 6 decimals, and mixed-case keys lowercased.
	where := func(cond string) string {
		return "SELECT count(*)::VARCHAR AS n FROM read_parquet(" + glob + ") WHERE " + cond
	}
	checks := []struct{ name, sql, want string }{
		{"metric 12.3456789 rounded half-even", where("metric_value::VARCHAR = '12.345679'"), "1"},
		// 09:30:00.123999999Z (NDJSON) and 10:00:00.9999 KST (CSV): truncated, not rounded.
		{"sub-millisecond ts truncated", where("epoch_ms(ts) IN (1672565400123, 1672534800999)"), "1"},
		{"mixed-case keys lowercased", where("event_properties['product_id'] = '33539' OR event_properties['coupon_code'] = 'NEWYEAR'"), "1"},
		{"no upper-case key anywhere", where("list_filter(map_keys(identifiers) || map_keys(user_properties) || map_keys(event_properties) || map_keys(platform_properties), k -> k <> lower(k)) <> []"), "0"},
		{"osname normalised", where("platform_properties['osname'] NOT IN ('Android', 'iOS')"), "0"},
		{"values keep their source text", where("event_properties['product_name'] LIKE '%\"%' OR user_properties['grade'] LIKE '%\n%'"), "1+"},
	}
	for _, c := range checks {
		got := fmt.Sprint(duckdbtest.Query(t, c.sql)[0]["n"])
		if got != c.want && !(c.want == "1+" && got != "0") {
			t.Errorf("%s: DuckDB counts %s rows, want %s", c.name, got, c.want)
		}
	}
}
