package pull

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

func TestNotReadySkipped(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1, 2), 0)
	e.export("2023-01-02", events(t, "2023-01-02", 3), 0)
	if err := e.src.Delete(context.Background(), "dt=2023-01-02/_SUCCESS"); err != nil {
		t.Fatal(err)
	}
	res := e.pull(e.options())
	if got := status(res); got["2023-01-01"] != Imported || got["2023-01-02"] != NotReady {
		t.Fatalf("statuses = %v", got)
	}
	e.checkSink("2023-01-01", 1, 2)
	if _, err := os.Stat(e.sink.PartitionDir("2023-01-02")); !os.IsNotExist(err) {
		t.Errorf("the sink has dt=2023-01-02 without _SUCCESS in the source: %v", err)
	}
	if imp := e.imported("2023-01-02"); imp != "" {
		t.Errorf("state records a partition that was not ready: %+v", imp)
	}
}

// TestManifestMismatchRefused tampers with a committed partition in each
// way the manifest catches.
func TestManifestMismatchRefused(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(e *env)
		reason string
	}{
		{"part with other content, same size", func(e *env) {
			p := filepath.Join(e.srcDir, "dt=2023-01-01", "000000000000.parquet")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0xff
			os.WriteFile(p, b, 0o644)
		}, "sha256"},
		{"part with another size", func(e *env) {
			p := filepath.Join(e.srcDir, "dt=2023-01-01", "000000000001.parquet")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, append(b, 0), 0o644)
		}, "bytes, the manifest says"},
		{"part missing", func(e *env) {
			os.Remove(filepath.Join(e.srcDir, "dt=2023-01-01", "000000000001.parquet"))
		}, "missing: 000000000001.parquet"},
		{"part not in the manifest", func(e *env) {
			e.put("dt=2023-01-01/000000000009.parquet", []byte("PAR1"))
		}, "not in _manifest.json: 000000000009.parquet"},
		{"row count differs", func(e *env) {
			m, _, _ := partition.ReadManifest(context.Background(), e.src, "2023-01-01")
			m.Files[0].Rows++
			e.put("dt=2023-01-01/_manifest.json", m.Encode())
		}, "rows, _manifest.json says"},
		{"manifest of another day", func(e *env) {
			m, _, _ := partition.ReadManifest(context.Background(), e.src, "2023-01-01")
			m.Date = "2023-01-02"
			e.put("dt=2023-01-01/_manifest.json", m.Encode())
		}, "is for 2023-01-02"},
		{"manifest not JSON", func(e *env) { e.put("dt=2023-01-01/_manifest.json", []byte("{")) }, "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.export("2023-01-01", events(t, "2023-01-01", rangeIDs(0, 10)...), 5)
			tt.tamper(e)
			res := e.pull(e.options())
			p := res.Partitions[0]
			if p.Status != Refused || !strings.Contains(p.Reason, tt.reason) {
				t.Fatalf("status %s, reason %q; want refused mentioning %q", p.Status, p.Reason, tt.reason)
			}
			if _, err := os.Stat(e.sink.PartitionDir("2023-01-01")); !os.IsNotExist(err) {
				t.Errorf("a refused partition reached the sink")
			}
			if imp := e.imported("2023-01-01"); imp != "" {
				t.Errorf("a refused partition was recorded")
			}
			rep, err := report.Read(filepath.Join(e.report, "dt=2023-01-01"))
			if err != nil || rep.Outcome != report.OutcomeRejected || !strings.Contains(rep.OutcomeReason, tt.reason) {
				t.Errorf("report: %+v, %v", rep, err)
			}
		})
	}
}

func TestSecondPullImportsNothing(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1, 2, 3), 2)
	e.export("2023-01-02", events(t, "2023-01-02", 4), 0)
	if res := e.pull(e.options()); res.Count(Imported) != 2 {
		t.Fatalf("first pull: %v", status(res))
	}
	before, _ := os.ReadFile(filepath.Join(e.sink.PartitionDir("2023-01-01"), "summary.json"))
	res := e.pull(e.options())
	if res.Count(Unchanged) != 2 || res.Count(Imported) != 0 {
		t.Fatalf("second pull: %v", status(res))
	}
	after, _ := os.ReadFile(filepath.Join(e.sink.PartitionDir("2023-01-01"), "summary.json"))
	if string(before) != string(after) {
		t.Errorf("second pull rewrote the sink")
	}
	e.checkSink("2023-01-01", 1, 2, 3)
}

func TestReexportedPartitionReplaced(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", rangeIDs(0, 10)...), 4)
	e.pull(e.options())
	e.checkSink("2023-01-01", rangeIDs(0, 10)...)
	e.export("2023-01-01", events(t, "2023-01-01", rangeIDs(5, 15)...), 3) // overlapping rows
	res := e.pull(e.options())
	if res.Partitions[0].Status != Imported {
		t.Fatalf("re-exported partition: %v", status(res))
	}
	e.checkSink("2023-01-01", rangeIDs(5, 15)...)
	sum, err := e.sink.ReadSummary("2023-01-01")
	if err != nil || sum.Version != res.Partitions[0].Version || sum.Written != 10 {
		t.Errorf("summary = %+v, %v", sum, err)
	}
	if imp := e.imported("2023-01-01"); imp != res.Partitions[0].Version {
		t.Errorf("state version %s, want %s", imp, res.Partitions[0].Version)
	}
}

func TestDuplicatesAcrossDays(t *testing.T) {
	tests := []struct {
		name      string
		dedupDays int
		later     string // day of the second partition
		written   int64
		earlier   int64
	}{
		{"next day, window 7", 7, "2023-01-02", 5, 5},
		{"7 days later, window 7", 7, "2023-01-08", 5, 5},
		{"8 days later, window 7", 7, "2023-01-09", 10, 0},
		{"next day, window 0", 0, "2023-01-02", 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.export("2023-01-01", events(t, "2023-01-01", rangeIDs(0, 10)...), 0)
			e.export(tt.later, events(t, tt.later, rangeIDs(5, 15)...), 0)
			o := e.options()
			o.DedupDays = tt.dedupDays
			res := e.pull(o)
			s := res.Partitions[1].Summary
			if s == nil || s.Written != tt.written || s.DuplicatesEarlier != tt.earlier {
				t.Fatalf("summary = %+v, want written %d, earlier duplicates %d", s, tt.written, tt.earlier)
			}
			rep := res.Partitions[1].Report
			if rep.Counts.Duplicates != tt.earlier || rep.Counts.Read != rep.Counts.Written+rep.Counts.Rejected+rep.Counts.Duplicates {
				t.Errorf("report counts %+v", rep.Counts)
			}
			if tt.earlier > 0 {
				checkRejects(t, filepath.Join(e.report, "dt="+tt.later), validate.DuplicateInsertID, "2023-01-01, already imported")
			}
		})
	}
}

func TestDuplicatesAndRejectsInPartition(t *testing.T) {
	e := newEnv(t)
	evs := events(t, "2023-01-01", 1, 2, 2, 3)
	evs[3].TS -= 86_400_000 // the day before: out of the partition's day
	e.export("2023-01-01", evs, 0)
	res := e.pull(e.options())
	rep := res.Partitions[0].Report
	want := report.Counts{Read: 4, Written: 2, Rejected: 1, Duplicates: 1}
	if rep.Counts != want {
		t.Fatalf("counts %+v, want %+v", rep.Counts, want)
	}
	if rep.ByReason[validate.TSOutOfRange] != 1 {
		t.Errorf("by reason %v", rep.ByReason)
	}
	e.checkSink("2023-01-01", 1, 2)
	checkRejects(t, filepath.Join(e.report, "dt=2023-01-01"), validate.TSOutOfRange, "outside the accepted days")
}

// checkRejects asserts rejects.ndjson has a line with reason whose message
// holds msg, and whose raw record is a JSON object.
func checkRejects(t *testing.T, dir string, reason validate.Reason, msg string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, report.RejectsName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rj report.Reject
		if err := json.Unmarshal(sc.Bytes(), &rj); err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if rj.Reason == reason && strings.Contains(rj.Message, msg) && json.Unmarshal(rj.Raw, &raw) == nil && raw["insert_id"] != nil {
			return
		}
	}
	t.Errorf("%s has no %s reject mentioning %q", dir, reason, msg)
}

func TestSparkPartitionWithoutManifest(t *testing.T) {
	e := newEnv(t)
	e.put("dt=2023-01-01/part-00000-abc.snappy.parquet", sparkFile(t, "2023-01-01", 1, 2))
	e.put("dt=2023-01-01/part-00001-abc.snappy.parquet", sparkFile(t, "2023-01-01", 3))
	e.put("dt=2023-01-01/_SUCCESS", nil)
	res := e.pull(e.options())
	p := res.Partitions[0]
	if p.Status != Imported || !strings.HasPrefix(p.Version, "l-") || p.Summary.Written != 3 {
		t.Fatalf("result %+v / %+v", p, p.Summary)
	}
	rows := e.sinkRows("2023-01-01")
	e.checkSink("2023-01-01", 1, 2, 3)
	r := rows[0]
	if r.MetricValue.String() != "1.500000" || r.PlatformProps[1].Value != "iOS" || len(r.Identifiers) != 2 {
		t.Errorf("row %+v", r)
	}
	// A later _SUCCESS (a re-commit) is a new version.
	if res := e.pull(e.options()); res.Partitions[0].Status != Unchanged {
		t.Errorf("second pull: %v", status(res))
	}
	os.Chtimes(filepath.Join(e.srcDir, "dt=2023-01-01", "_SUCCESS"), p.Summary.ImportedAt.AddDate(0, 0, 1), p.Summary.ImportedAt.AddDate(0, 0, 1))
	if res := e.pull(e.options()); res.Partitions[0].Status != Imported {
		t.Errorf("pull after a new _SUCCESS: %v", status(res))
	}
	e.checkSink("2023-01-01", 1, 2, 3)
}

func TestDeleteAfter(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1, 2), 0)
	e.export("2023-01-02", events(t, "2023-01-02", 3), 0)
	e.src.Delete(context.Background(), "dt=2023-01-02/_SUCCESS")
	o := e.options()
	o.DeleteAfter = true
	res := e.pull(o)
	if !res.Partitions[0].Deleted || res.Partitions[1].Deleted {
		t.Fatalf("deleted: %+v", res.Partitions)
	}
	if _, err := os.Stat(filepath.Join(e.srcDir, "dt=2023-01-01")); !os.IsNotExist(err) {
		t.Errorf("dt=2023-01-01 is still in the source: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.srcDir, "dt=2023-01-02", "000000000000.parquet")); err != nil {
		t.Errorf("the partition that was not ready was deleted: %v", err)
	}
	e.checkSink("2023-01-01", 1, 2)
}

func TestDateRange(t *testing.T) {
	e := newEnv(t)
	for _, d := range []string{"2023-01-01", "2023-01-02", "2023-01-03"} {
		e.export(d, events(t, d, 1), 0)
	}
	o := e.options()
	o.From, _ = validate.ParseDate("2023-01-02")
	o.To = o.From
	res := e.pull(o)
	if len(res.Partitions) != 1 || res.Partitions[0].Date != "2023-01-02" {
		t.Fatalf("pulled %v", status(res))
	}
}

// failingSink fails the first n commits, like a crash before the sink
// commit finished.
type failingSink struct {
	sink.Sink
	n int
}

type failingLoad struct {
	sink.Load
	s *failingSink
}

func (f *failingSink) Begin(ctx context.Context, p sink.Partition) (sink.Load, error) {
	l, err := f.Sink.Begin(ctx, p)
	return &failingLoad{l, f}, err
}

func (l *failingLoad) Commit(ctx context.Context, s *sink.Summary) error {
	if l.s.n > 0 {
		l.s.n--
		return errors.New("connection lost")
	}
	return l.Load.Commit(ctx, s)
}

func TestFailedCommitRedoneNextRun(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1, 2), 0)
	e.export("2023-01-02", events(t, "2023-01-02", 3), 0)
	o := e.options()
	o.Sink = &failingSink{Sink: e.sink, n: 1}
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Fatalf("Run: %v, want the sink's error", err)
	}
	if imp := e.imported("2023-01-01"); imp != "" {
		t.Fatalf("state recorded a partition whose sink commit failed")
	}
	if _, err := os.Stat(e.sink.PartitionDir("2023-01-01")); !os.IsNotExist(err) {
		t.Errorf("the sink shows a failed load")
	}
	res := e.pull(e.options())
	if res.Count(Imported) != 2 {
		t.Fatalf("next run: %v", status(res))
	}
	e.checkSink("2023-01-01", 1, 2)
	e.checkSink("2023-01-02", 3)
}

// TestCrashAfterSinkCommit: the sink committed but the state record was
// never written (a crash between the two). The next run loads the same
// version again, and the sink ends with the same rows, once each.
func TestCrashAfterSinkCommit(t *testing.T) {
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1, 2, 3), 0)
	e.pull(e.options())
	if err := os.Remove(filepath.Join(e.sink.StateDir(), "partitions", "dt=2023-01-01.json")); err != nil {
		t.Fatal(err)
	}
	res := e.pull(e.options())
	if res.Partitions[0].Status != Imported || res.Partitions[0].Summary.DuplicatesEarlier != 0 {
		t.Fatalf("redo: %+v", res.Partitions[0])
	}
	e.checkSink("2023-01-01", 1, 2, 3)
}

// TestPartitionTimezone: a day partitioned in Asia/Seoul holds rows from
// 15:00 UTC the day before; pull accepts them only in that zone.
func TestPartitionTimezone(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	for _, tt := range []struct {
		tz       *time.Location
		rejected int64
	}{{seoul, 0}, {nil, 1}} {
		e := newEnv(t)
		evs := events(t, "2023-01-02", 1, 2)
		evs[0].TS -= 9 * 3_600_000 // 2023-01-01T15:00Z = 2023-01-02 00:00 KST
		e.export("2023-01-02", evs, 0)
		o := e.options()
		o.PartitionTZ = tt.tz
		if rep := e.pull(o).Partitions[0].Report; rep.Counts.Rejected != tt.rejected {
			t.Errorf("zone %v: %d rejected, want %d", tt.tz, rep.Counts.Rejected, tt.rejected)
		}
	}
}
