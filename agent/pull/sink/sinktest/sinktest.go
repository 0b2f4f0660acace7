// Package sinktest is the conformance suite of pull's sinks: every backend
// runs it (like agent/store/storetest for the stores), so that the
// exactly-once contract of sink.Sink holds the same way for all of them.
package sinktest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/validate"
)

// Harness adapts one backend to the suite.
type Harness struct {
	// Open opens the sink at a fresh, empty location (a new folder, a new
	// table); the suite closes it.
	Open func(t *testing.T) sink.Sink
	// Reopen opens the location of s again, as another process would (s
	// may have been closed).
	Reopen func(t *testing.T, s sink.Sink) sink.Sink
	// Rows returns the insert_ids that readers of the sink see for
	// source's day date, in any order. It must work while a load is open.
	Rows func(t *testing.T, s sink.Sink, source, date string) []string
	// Crash loads evs as p and then stops as a crash at the worst moment
	// of Commit would: for a sink that records the version after the rows
	// are in place, between the two. It leaves s closed (the process is
	// gone).
	Crash func(t *testing.T, s sink.Sink, p sink.Partition, evs []validate.Event)
}

// Source names used by the suite.
const (
	SourceA = "s3://customer-a/hackle"
	SourceB = "/data/customer-b/bucket"
)

// ID is the insert_id of test row n.
func ID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// Event is test row n of day date.
func Event(date string, n int) validate.Event {
	d, err := validate.ParseDate(date)
	if err != nil {
		panic(err)
	}
	m, _, _ := validate.ParseDecimal(fmt.Sprintf("%d.25", n))
	return validate.Event{
		TS: d.Start(nil).UnixMilli() + int64(n), EventKey: "purchase", InsertID: ID(n), MetricValue: m,
		Identifiers:   []validate.KV{{Key: "device_id", Value: "d1"}, {Key: "id", Value: `u"1`}},
		UserProps:     []validate.KV{{Key: "plan", Value: "pro"}},
		PlatformProps: []validate.KV{{Key: "appversion", Value: "1.0"}, {Key: "osname", Value: "iOS"}},
	}
}

// Events are the test rows ids of day date.
func Events(date string, ids ...int) []validate.Event {
	evs := make([]validate.Event, len(ids))
	for i, n := range ids {
		evs[i] = Event(date, n)
	}
	return evs
}

// Run runs every test of the suite on fresh sinks from h.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"Visibility", testVisibility},
		{"Abort", testAbort},
		{"Recommit", testRecommit},
		{"ImportedAfterReopen", testImportedAfterReopen},
		{"Crash", testCrash},
		{"Window", testWindow},
		{"WindowAfterRecommit", testWindowAfterRecommit},
		{"Sources", testSources},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

func open(t *testing.T, h Harness) sink.Sink {
	t.Helper()
	s := h.Open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

func reopen(t *testing.T, h Harness, s sink.Sink) sink.Sink {
	t.Helper()
	s2 := h.Reopen(t, s)
	t.Cleanup(func() { s2.Close() })
	return s2
}

// Load begins p on s, writes evs and commits it (or aborts it).
func Load(t *testing.T, s sink.Sink, p sink.Partition, evs []validate.Event, commit bool) {
	t.Helper()
	ctx := context.Background()
	l, err := s.Begin(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if err := l.Write(ctx, &evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !commit {
		if err := l.Abort(); err != nil {
			t.Fatal(err)
		}
		return
	}
	sum := &sink.Summary{Date: p.Date, Version: p.Version, Source: p.Source, Written: int64(len(evs)), SourceFiles: []string{}}
	if err := l.Commit(ctx, sum); err != nil {
		t.Fatal(err)
	}
}

func commit(t *testing.T, s sink.Sink, source, date, version string, ids ...int) {
	t.Helper()
	Load(t, s, sink.Partition{Source: source, Date: date, Version: version}, Events(date, ids...), true)
}

func checkRows(t *testing.T, h Harness, s sink.Sink, source, date string, ids ...int) {
	t.Helper()
	got := h.Rows(t, s, source, date)
	slices.Sort(got)
	want := make([]string, len(ids))
	for i, n := range ids {
		want[i] = ID(n)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("rows of %s dt=%s: %v, want %v", source, date, got, want)
	}
}

func checkImported(t *testing.T, s sink.Sink, source, date, want string) {
	t.Helper()
	got, err := s.Imported(context.Background(), source, date)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Imported(%s, %s) = %q, want %q", source, date, got, want)
	}
}

// testVisibility: nothing of a load is visible before Commit; after it,
// its rows and its version are.
func testVisibility(t *testing.T, h Harness) {
	s := open(t, h)
	ctx := context.Background()
	l, err := s.Begin(ctx, sink.Partition{Source: SourceA, Date: "2023-01-01", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Abort()
	evs := Events("2023-01-01", 1, 2, 3)
	for i := range evs {
		if err := l.Write(ctx, &evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	checkRows(t, h, s, SourceA, "2023-01-01")
	if err := l.Commit(ctx, &sink.Summary{Date: "2023-01-01", Version: "v1", Source: SourceA, Written: 3}); err != nil {
		t.Fatal(err)
	}
	if err := l.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	checkRows(t, h, s, SourceA, "2023-01-01", 1, 2, 3)
	checkImported(t, s, SourceA, "2023-01-01", "v1")
	checkImported(t, s, SourceA, "2023-01-02", "")
}

// testAbort: an aborted load leaves neither rows nor a record, on a new
// day and over a committed one.
func testAbort(t *testing.T, h Harness) {
	s := open(t, h)
	Load(t, s, sink.Partition{Source: SourceA, Date: "2023-01-01", Version: "v1"}, Events("2023-01-01", 1), false)
	checkRows(t, h, s, SourceA, "2023-01-01")
	checkImported(t, s, SourceA, "2023-01-01", "")
	commit(t, s, SourceA, "2023-01-01", "v1", 1, 2)
	Load(t, s, sink.Partition{Source: SourceA, Date: "2023-01-01", Version: "v2"}, Events("2023-01-01", 3), false)
	checkRows(t, h, s, SourceA, "2023-01-01", 1, 2)
	checkImported(t, s, SourceA, "2023-01-01", "v1")
	// the aborted keys are not in a window either
	w, err := s.Window(context.Background(), SourceA, "2023-01-02", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if day, err := w.Seen(validate.UUIDKey(ID(3))); day != "" || err != nil {
		t.Errorf("Seen(an aborted row) = %q, %v", day, err)
	}
}

// testRecommit: a new version of a day replaces its rows; the same version
// committed twice leaves the same rows; other days are untouched.
func testRecommit(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-01", "v1", 1, 2, 3)
	commit(t, s, SourceA, "2023-01-02", "v1", 9)
	commit(t, s, SourceA, "2023-01-01", "v2", 3, 4)
	checkRows(t, h, s, SourceA, "2023-01-01", 3, 4)
	checkImported(t, s, SourceA, "2023-01-01", "v2")
	commit(t, s, SourceA, "2023-01-01", "v2", 3, 4)
	checkRows(t, h, s, SourceA, "2023-01-01", 3, 4)
	checkRows(t, h, s, SourceA, "2023-01-02", 9)
	commit(t, s, SourceA, "2023-01-01", "v3") // an empty version
	checkRows(t, h, s, SourceA, "2023-01-01")
	checkImported(t, s, SourceA, "2023-01-01", "v3")
}

// testImportedAfterReopen: the record outlives the connection or process.
func testImportedAfterReopen(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-01", "v1", 1)
	s.Close()
	s2 := reopen(t, h, s)
	checkImported(t, s2, SourceA, "2023-01-01", "v1")
	checkRows(t, h, s2, SourceA, "2023-01-01", 1)
}

// testCrash: a crash in the middle of a Commit never leaves the record
// ahead of the rows: if the new version is recorded, its rows are the
// day's; the next run's commit of that version then ends with its rows.
func testCrash(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-01", "v1", 1, 2)
	h.Crash(t, s, sink.Partition{Source: SourceA, Date: "2023-01-01", Version: "v2"}, Events("2023-01-01", 2, 3, 4))
	s2 := reopen(t, h, s)
	got, err := s2.Imported(context.Background(), SourceA, "2023-01-01")
	if err != nil {
		t.Fatal(err)
	}
	rows := h.Rows(t, s2, SourceA, "2023-01-01")
	slices.Sort(rows)
	v1, v2 := []string{ID(1), ID(2)}, []string{ID(2), ID(3), ID(4)}
	switch {
	case got == "v2" && !slices.Equal(rows, v2):
		t.Errorf("after the crash the record says v2 but the rows are %v: the record is ahead of the data", rows)
	case got != "v2" && got != "v1" && got != "":
		t.Errorf("after the crash Imported = %q", got)
	case !slices.Equal(rows, v1) && !slices.Equal(rows, v2):
		t.Errorf("after the crash the rows are %v: neither v1 nor v2", rows)
	}
	commit(t, s2, SourceA, "2023-01-01", "v2", 2, 3, 4)
	checkRows(t, h, s2, SourceA, "2023-01-01", 2, 3, 4)
	checkImported(t, s2, SourceA, "2023-01-01", "v2")
}

func seen(t *testing.T, s sink.Sink, source, date string, days int, want map[int]string) {
	t.Helper()
	w, err := s.Window(context.Background(), source, date, days)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for n, day := range want {
		got, err := w.Seen(validate.UUIDKey(ID(n)))
		if err != nil || got != day {
			t.Errorf("Window(%s, %s, %d).Seen(row %d) = %q, %v; want %q", source, date, days, n, got, err, day)
		}
	}
}

// testWindow: a window holds the keys of the days before its day, within
// its length, of its own source only.
func testWindow(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-01", "v1", 1, 2)
	commit(t, s, SourceA, "2023-01-03", "v1", 3)
	commit(t, s, SourceA, "2023-01-08", "v1", 8)
	commit(t, s, SourceB, "2023-01-05", "v1", 5)
	seen(t, s, SourceA, "2023-01-08", 7, map[int]string{1: "2023-01-01", 2: "2023-01-01", 3: "2023-01-03", 8: "", 5: "", 99: ""})
	seen(t, s, SourceA, "2023-01-08", 6, map[int]string{1: "", 3: "2023-01-03"})
	seen(t, s, SourceA, "2023-01-08", 0, map[int]string{1: "", 3: ""})
	seen(t, s, SourceA, "2023-01-09", 7, map[int]string{1: "", 3: "2023-01-03", 8: "2023-01-08"})
	seen(t, s, SourceB, "2023-01-08", 7, map[int]string{5: "2023-01-05", 1: "", 3: ""})
	s.Close()
	s2 := reopen(t, h, s)
	seen(t, s2, SourceA, "2023-01-08", 7, map[int]string{1: "2023-01-01", 5: ""})
}

// testWindowAfterRecommit: a re-committed day's window keys are its new rows.
func testWindowAfterRecommit(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-03", "v1", 3)
	commit(t, s, SourceA, "2023-01-03", "v2", 4)
	seen(t, s, SourceA, "2023-01-04", 7, map[int]string{3: "", 4: "2023-01-03"})
}

// testSources: what one source imported is not another's.
func testSources(t *testing.T, h Harness) {
	s := open(t, h)
	commit(t, s, SourceA, "2023-01-01", "v1", 1, 2)
	commit(t, s, SourceB, "2023-01-02", "v9", 3)
	checkImported(t, s, SourceB, "2023-01-01", "")
	checkImported(t, s, SourceA, "2023-01-02", "")
	checkImported(t, s, SourceA, "2023-01-01", "v1")
	checkImported(t, s, SourceB, "2023-01-02", "v9")
	checkRows(t, h, s, SourceA, "2023-01-01", 1, 2)
	checkRows(t, h, s, SourceB, "2023-01-02", 3)
}
