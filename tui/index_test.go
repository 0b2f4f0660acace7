package tui

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/tui/internal/rejectgen"
)

func TestOpenIndexGroupsFixture(t *testing.T) {
	ix, err := OpenIndex(filepath.Join("testdata", "report", "rejects.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Len() != 14 || ix.Skipped != 0 {
		t.Fatalf("Len = %d, Skipped = %d; want 14, 0", ix.Len(), ix.Skipped)
	}
	gs := ix.groups(nil)
	want := []struct {
		reason, field string
		n             int
	}{
		{"ts_out_of_range", "ts", 5},
		{"insert_id_invalid", "insert_id", 3},
		{"identifier_missing", "identifiers.device_id", 2},
		{"osname_invalid", "platform_properties.osname", 2},
		{"plan_violation", "event_properties.price", 1},
		{"record_invalid", "", 1},
	}
	if len(gs) != len(want) {
		t.Fatalf("got %d groups, want %d", len(gs), len(want))
	}
	for i, w := range want {
		if g := gs[i]; g.reason != w.reason || g.field != w.field || len(g.rows) != w.n {
			t.Errorf("group %d = %s/%s ×%d, want %s/%s ×%d", i, g.reason, g.field, len(g.rows), w.reason, w.field, w.n)
		}
	}
	korean := ix.groups(ix.matchFieldOrEvent("구매완료"))
	if len(korean) != 1 || len(korean[0].rows) != 2 {
		t.Errorf("filter 구매완료: %d groups", len(korean))
	}
	if e := ix.entries[12]; ix.str(e.file) != "exports/2023-01-01/app_events.csv" || e.line != 41 {
		t.Errorf("entry 12 = %s:%d, want app_events.csv:41", ix.str(e.file), e.line)
	}
	r, err := ix.Reject(int(gs[5].rows[0]))
	if err != nil || r.Line != 599 || r.Raw[0] != '"' {
		t.Errorf("Reject(record_invalid) = line %d raw %.10s, %v", r.Line, r.Raw, err)
	}
}

func TestOpenIndexToleratesJunkAndLongLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rejects.ndjson")
	long := make([]byte, 3<<20) // longer than the reader's buffer
	for i := range long {
		long[i] = 'x'
	}
	content := "\n" + `not json` + "\n" +
		`{"file":"a.csv","reason":"ts_invalid","field":"ts","value":"x","raw":"` + string(long) + `"}` + "\n" +
		`{"reason":"event_key_empty","field":"event_key","file":"b \"q\".csv","raw":{"a":[1,{"b":"}"}]}}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err := OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Len() != 2 || ix.Skipped != 2 {
		t.Fatalf("Len = %d, Skipped = %d; want 2, 2", ix.Len(), ix.Skipped)
	}
	if f := ix.str(ix.entries[1].file); f != `b "q".csv` {
		t.Errorf("escaped file = %q", f)
	}
	r, err := ix.Reject(0)
	if err != nil || len(r.Raw) != len(long)+2 {
		t.Errorf("long line read back: %d bytes, %v", len(r.Raw), err)
	}
}

// BenchmarkOpenIndex1M indexes a generated 1,000,000-line rejects file; the
// issue asks for well under 2 s.
func BenchmarkOpenIndex1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rejects.ndjson")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := rejectgen.Write(f, 1_000_000); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	cpu0 := cpuTime()
	b.ResetTimer()
	defer func() {
		// CPU time is the steadier number on a shared machine, where
		// wall time also counts waiting for other processes.
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}()
	for i := 0; i < b.N; i++ {
		ix, err := OpenIndex(path)
		if err != nil {
			b.Fatal(err)
		}
		if ix.Len() != 1_000_000 {
			b.Fatalf("Len = %d", ix.Len())
		}
		ix.groups(nil) // the first screen needs the groups too
		ix.Close()
	}
}

func TestScanKeys(t *testing.T) {
	for _, tc := range []struct {
		line                          string
		reason, field, eventKey, file string
		line32                        uint32
	}{
		{`{"file":"a.csv","line":7,"row":6,"reason":"ts_invalid","field":"ts","event_key":"e"}`, "ts_invalid", "ts", "e", "a.csv", 7},
		{`{"raw":{"s":"x\\","t":["]","\"}"]},"event_key":"구매","reason":"r","field":"f","file":"b","row":3}`, "r", "f", "구매", "b", 3},
		{` { "reason" : "r\u0041" , "raw" : "a\"b" , "field" : "f" } `, "rA", "f", "", "", 0},
	} {
		ix := emptyIndex()
		var e entry
		if !scanKeys([]byte(tc.line), ix, &e) {
			t.Errorf("scanKeys(%s) = false", tc.line)
			continue
		}
		got := [4]string{ix.str(e.reason), ix.str(e.field), ix.str(e.eventKey), ix.str(e.file)}
		if want := [4]string{tc.reason, tc.field, tc.eventKey, tc.file}; got != want || e.line != tc.line32 {
			t.Errorf("scanKeys(%s) = %q line %d, want %q line %d", tc.line, got, e.line, want, tc.line32)
		}
	}
}

// cpuTime is the user plus system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
