package pull

import (
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// A partition written by another tool may hold text that PostgreSQL
// cannot: pull re-validates with export's rules, so a NUL in a map key or
// value is a text_nul reject of its row, not a failed load; a lone
// surrogate's 3-byte form becomes U+FFFD with a warning.
func TestPartitionWithNULRejectsTheRow(t *testing.T) {
	e := newEnv(t)
	evs := events(t, "2023-01-01", 1, 2, 3, 4)
	evs[1].EventProps = []validate.KV{{Key: "p", Value: "a\x00b"}}
	evs[2].UserProps = []validate.KV{{Key: "k\x00", Value: "v"}}
	evs[3].UserProps = []validate.KV{{Key: "s", Value: "\xed\xa0\x80x"}}
	e.export("2023-01-01", evs, 0)
	res := e.pull(e.options())
	rep := res.Partitions[0].Report
	if want := (report.Counts{Read: 4, Written: 2, Rejected: 2, Warnings: 1}); rep.Counts != want {
		t.Fatalf("counts %+v, want %+v", rep.Counts, want)
	}
	if rep.ByReason[validate.TextNUL] != 2 || rep.WarningsByReason[validate.LoneSurrogate] != 1 {
		t.Errorf("by reason %v, warnings %v", rep.ByReason, rep.WarningsByReason)
	}
	e.checkSink("2023-01-01", 1, 4)
	checkRejects(t, filepath.Join(e.report, "dt=2023-01-01"), validate.TextNUL, "NUL character")
	for _, ev := range e.sinkRows("2023-01-01") {
		if ev.InsertID == id(4) && (len(ev.UserProps) != 1 || ev.UserProps[0].Value != "\ufffdx") {
			t.Errorf("user_properties %q, want s=\"\\ufffdx\"", ev.UserProps)
		}
	}
}
