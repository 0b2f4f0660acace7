package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/converters/mapping"
	"github.com/hackle/hackle-agent/validate"
)

// warehouseExpected is testdata/warehouse/expected.json (make_warehouse.py).
type warehouseExpected struct {
	GoodRows int64              `json:"good_rows"`
	TSms     map[string][]int64 `json:"ts_ms"`
}

// TestInitWarehouseShapes: for each warehouse shape, init's proposal,
// unedited, exports the sample with every good row committed at the
// right instant, and only the one bad row (an empty event name) rejected.
func TestInitWarehouseShapes(t *testing.T) {
	b, err := os.ReadFile(repoFile(t, "testdata/warehouse/expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want warehouseExpected
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file   string
		flags  []string // reader flags given to init, which the proposal repeats
		expect []string // lines the proposal must hold
	}{
		{file: "ga4_flat.csv", expect: []string{"insert_id: {derive: [user_pseudo_id, event_name, event_timestamp, event_bundle_sequence_id]}", "prefix: event_params_", "osname: device_operating_system"}},
		{file: "redshift_unload.txt", flags: []string{"--format", "csv", "--delimiter", "|"}, expect: []string{"insert_id: event_id", "# source-timezone: UTC     # TODO: event_ts holds times without an offset",
			"osname: {column: os, word: 1}", "osversion: {column: os, word: 2}"}},
		{file: "snowflake_copy.csv", expect: []string{"ts: EVENT_TIME", "prefix: PROPS_", "json: EVENT_PROPERTIES", "osname: PLATFORM"}},
		{file: "issue_shape.csv", expect: []string{"insert_id: id", "prefix: props_", "appversion: ver", "user_id: user", "metric_value: amount"}},
		{file: "event_time_kst.csv", expect: []string{"\nsource-timezone: Asia/Seoul", "osversion: os_ver", "grade: grade"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			work := t.TempDir()
			sample := repoFile(t, "testdata/warehouse/"+tt.file)
			res := runAgent(t, work, nil, append([]string{"init", "--sample", sample}, tt.flags...)...)
			if res.code != 0 {
				t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
			}
			for _, line := range tt.expect {
				if !strings.Contains(res.stdout, line) {
					t.Errorf("proposal lacks %q:\n%s", line, res.stdout)
				}
			}
			if strings.Contains(res.stdout, "# TODO (required") {
				t.Errorf("proposal misses a required field:\n%s", res.stdout)
			}
			cfg := filepath.Join(work, "export.yaml")
			if err := os.WriteFile(cfg, []byte(res.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			dest, rdir := filepath.Join(work, "b"), filepath.Join(work, "r")
			res = runAgent(t, work, nil, "export", "--config", cfg, "--input", sample, "--date", "2023-01-01",
				"--dest", dest, "--report-dir", rdir, "--max-error-rate", "0.05")
			if res.code != 0 {
				t.Fatalf("export with the proposal: exit %d\n%s\nproposal:\n%s", res.code, res.stderr, mustRead(t, cfg))
			}
			rep, _ := readReport(t, rdir)
			if rep.Counts.Written != want.GoodRows || rep.Counts.Rejected != 1 || rep.ByReason[validate.EventKeyEmpty] != 1 ||
				rep.ByReason[validate.TSOutOfRange] != 0 || rep.TimezoneHint != nil {
				t.Errorf("counts %+v, reasons %v, hint %+v; want %d written, 1 rejected as event_key_empty", rep.Counts, rep.ByReason, rep.TimezoneHint, want.GoodRows)
			}
			var got []int64
			for _, ev := range readDuckDB(t, filepath.Join(dest, "dt=2023-01-01")) {
				got = append(got, ev.ts)
				if _, ok := validate.ParseUUID(ev.insertID); !ok {
					t.Errorf("insert_id %q", ev.insertID)
				}
				if v, ok := ev.maps[3]["osversion"]; ok && (v == "" || strings.ContainsAny(v, " adi")) {
					t.Errorf("osversion %q: not split from the OS name", v)
				}
			}
			slices.Sort(got)
			if exp := want.TSms[tt.file]; !slices.Equal(got, exp) {
				t.Errorf("committed ts\n%v\nwant\n%v", got, exp)
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTimezoneHint: the Korean-time sample read without its zone is
// refused with ts_timezone_suspected naming +09:00 in the summary and the
// report; the same sample read right gives no hint (TestInitWarehouseShapes).
func TestTimezoneHint(t *testing.T) {
	work := t.TempDir()
	sample := repoFile(t, "testdata/warehouse/event_time_kst.csv")
	cfg := filepath.Join(work, "export.yaml")
	if err := os.WriteFile(cfg, []byte("mapping:\n  ts: event_time_kst\n  identifiers: {keys: {id: device_id}}\n  platform_properties: {keys: {osname: os, appversion: app_ver}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rdir := filepath.Join(work, "r")
	res := runAgent(t, work, nil, "export", "--config", cfg, "--input", sample, "--date", "2023-01-01", "--dest", filepath.Join(work, "b"), "--report-dir", rdir)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3 (18 of 49 rows outside the day)\n%s", res.code, res.stderr)
	}
	line := "timezone    100% of rows fall on the expected day if read in UTC+09:00: set --source-timezone Asia/Seoul (or the zone of your data) (ts_timezone_suspected)"
	if !strings.Contains(res.stderr+res.stdout, line) {
		t.Errorf("summary lacks %q:\n%s", line, res.stderr)
	}
	rep, _ := readReport(t, rdir)
	if h := rep.TimezoneHint; h == nil || h.Reason != validate.TSTimezoneSuspected || h.Offset != "+09:00" || h.Zone != "Asia/Seoul" || h.Share != 1 {
		t.Errorf("timezone_hint %+v", h)
	}
	if rep.ByReason[validate.TSOutOfRange] != 18 {
		t.Errorf("reasons %v", rep.ByReason)
	}
}

// TestDerivedInsertIDOverlappingBackfills: two backfills of the same data,
// days 1-2 and days 2-3 from differently cut files, commit day 2 with the
// same derived insert_ids, each a UUIDv5.
func TestDerivedInsertIDOverlappingBackfills(t *testing.T) {
	work := t.TempDir()
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	row := func(i int) string {
		ts := day.Add(time.Duration(i) * 37 * time.Minute)
		return fmt.Sprintf("u%d,%s,%s,%d,iOS,1.0.%d\n", i%7, []string{"open", "buy", "view"}[i%3], ts.Format("2006-01-02 15:04:05.000"), i%2, i%4)
	}
	const header = "user,event,time,seq,os,ver\n"
	var first, second strings.Builder
	first.WriteString(header)
	second.WriteString(header)
	n := 3 * 24 * 60 / 37
	for i := range n {
		if day.Add(time.Duration(i) * 37 * time.Minute).Before(day.AddDate(0, 0, 2)) {
			first.WriteString(row(i))
		}
	}
	for i := n - 1; i >= 0; i-- { // the other cut, in the other order
		if !day.Add(time.Duration(i) * 37 * time.Minute).Before(day.AddDate(0, 0, 1)) {
			second.WriteString(row(i))
		}
	}
	files := []string{filepath.Join(work, "days12.csv"), filepath.Join(work, "days23.csv")}
	for i, s := range []string{first.String(), second.String()} {
		if err := os.WriteFile(files[i], []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(work, "export.yaml")
	if err := os.WriteFile(cfg, []byte("mapping:\n  insert_id: {derive: [user, event, time, seq]}\n  event_key: event\n  ts: time\n"+
		"  identifiers: {keys: {id: user, device_id: user}}\n  platform_properties: {keys: {osname: os, appversion: ver}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := make([][]string, 2)
	for i, r := range [][2]string{{"2023-01-01", "2023-01-02"}, {"2023-01-02", "2023-01-03"}} {
		dest := filepath.Join(work, fmt.Sprint("b", i))
		res := runAgent(t, work, nil, "export", "--config", cfg, "--input", files[i], "--from", r[0], "--to", r[1], "--dest", dest, "--report-dir", filepath.Join(work, fmt.Sprint("r", i)))
		if res.code != 0 {
			t.Fatalf("backfill %v: exit %d\n%s", r, res.code, res.stderr)
		}
		rows := duckdbtest.Query(t, "SELECT insert_id FROM read_parquet("+duckdbtest.Literal(filepath.Join(dest, "dt=2023-01-02", "*.parquet"))+") ORDER BY insert_id")
		for _, row := range rows {
			id := fmt.Sprint(row["insert_id"])
			if _, ok := validate.ParseUUID(id); !ok || id[14] != '5' || !strings.ContainsRune("89ab", rune(id[19])) {
				t.Fatalf("insert_id %q is not a UUIDv5", id)
			}
			ids[i] = append(ids[i], id)
		}
	}
	if len(ids[0]) < 30 || !slices.Equal(ids[0], ids[1]) {
		t.Errorf("day 2 ids differ between the backfills (%d and %d ids)", len(ids[0]), len(ids[1]))
	}
	// Row 39 is the first of day 2 (39 × 37 min = 24 h 3 min).
	if want := mapping.DeriveID("u4", "open", "2023-01-02 00:03:00.000", "1"); !slices.Contains(ids[0], want) {
		t.Errorf("day 2 lacks the id %s derived from its first row", want)
	}
}
