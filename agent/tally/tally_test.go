package tally

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

func date(t *testing.T, s string) validate.Date {
	t.Helper()
	d, err := validate.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newTally(t *testing.T, maxRate float64, maxErrors int64) *Tally {
	t.Helper()
	rw, err := report.Create(t.TempDir(), &report.Report{Threshold: report.Threshold{MaxErrorRate: maxRate, MaxErrors: maxErrors}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rw.Close() })
	return New(rw)
}

// rows are n rows of one day ("" for a reject whose ts is not valid),
// rejected of them rejected and dups of them duplicates.
type rows struct {
	day               string
	n, rejected, dups int
}

var badTS = []validate.Issue{{Reason: validate.TSMissing, Field: "ts", Message: "ts is missing."}}

// feed counts rs into t, from source src.
func feed(t *testing.T, tl *Tally, src *report.SourceStats, rs []rows) {
	t.Helper()
	for _, r := range rs {
		var d validate.Date
		if r.day != "" {
			d = date(t, r.day)
		}
		for i := range r.n {
			var err error
			switch rj := (&report.Reject{File: src.File, Row: int64(i)}); {
			case i < r.rejected:
				err = tl.Reject(src, d, rj, badTS)
			case i < r.rejected+r.dups:
				rj.Reason, rj.Message = validate.DuplicateInsertID, "seen"
				err = tl.Duplicate(src, d, rj)
			default:
				tl.Accept(src, d, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestThreshold(t *testing.T) {
	tenDays := func(bad string, rejected int) []rows {
		var rs []rows
		for d := 1; d <= 10; d++ {
			r := rows{day: fmt.Sprintf("2023-01-%02d", d), n: 100}
			if r.day == bad {
				r.rejected = rejected
			}
			rs = append(rs, r)
		}
		return rs
	}
	tests := []struct {
		name      string
		from, to  string
		maxRate   float64
		maxErrors int64
		rows      []rows
		want      string // the reason; "" within the limits
		rate      float64
	}{
		{"within --max-error-rate", "2023-01-01", "2023-01-01", 0.01, -1,
			[]rows{{"2023-01-01", 100, 1, 3}}, "", 0.01},
		{"above --max-error-rate", "2023-01-01", "2023-01-01", 0.01, -1,
			[]rows{{"2023-01-01", 100, 2, 0}},
			"2 of 100 rows rejected (2.00%), above --max-error-rate 0.01 (1.00%)", 0.02},
		{"above --max-errors", "2023-01-01", "2023-01-01", 1, 3,
			[]rows{{"2023-01-01", 100, 4, 0}}, "4 rows rejected, above --max-errors 3", 0.04},
		{"at --max-errors", "2023-01-01", "2023-01-01", 1, 4,
			[]rows{{"2023-01-01", 100, 4, 0}}, "", 0.04},
		{"rate first when both are above", "2023-01-01", "2023-01-01", 0.01, 0,
			[]rows{{"2023-01-01", 10, 5, 0}},
			"5 of 10 rows rejected (50.00%), above --max-error-rate 0.01 (1.00%)", 0.5},
		{"no limits (pull)", "2023-01-01", "2023-01-01", 1, -1,
			[]rows{{"2023-01-01", 10, 10, 0}}, "", 1},
		{"no rows", "2023-01-01", "2023-01-03", 0, 0, nil, "", 0},
		// 5 of 1000 rows (0.5%) are within the run's limit, but all on one day.
		{"one bad day among good ones", "2023-01-01", "2023-01-10", 0.01, -1,
			tenDays("2023-01-05", 5),
			"2023-01-05: 5 of 100 rows rejected (5.00%), above --max-error-rate 0.01 (1.00%) for that day", 0.005},
		{"every day within", "2023-01-01", "2023-01-10", 0.01, -1, tenDays("2023-01-05", 1), "", 0.001},
		{"a bad day outside the range is not a day of the run", "2023-01-01", "2023-01-02", 0.5, -1,
			[]rows{{"2023-01-01", 100, 0, 0}, {"2023-01-02", 100, 0, 0}, {"2023-01-03", 10, 9, 0}}, "", 9.0 / 210},
		{"a single day is the run", "2023-01-05", "2023-01-05", 0.01, -1,
			[]rows{{"2023-01-05", 1000, 5, 0}}, "", 0.005},
		// Rejects without a valid ts count for the run only: no day is above.
		{"rejects without a day", "2023-01-01", "2023-01-02", 0.02, -1,
			[]rows{{"", 3, 3, 0}, {"2023-01-01", 100, 1, 0}, {"2023-01-02", 100, 0, 0}}, "", 4.0 / 203},
		{"duplicates are read, not rejected", "2023-01-01", "2023-01-02", 0.01, -1,
			[]rows{{"2023-01-01", 100, 1, 50}, {"2023-01-02", 100, 0, 0}}, "", 0.005},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := newTally(t, tt.maxRate, tt.maxErrors)
			feed(t, tl, &report.SourceStats{}, tt.rows)
			got := tl.Threshold(date(t, tt.from), date(t, tt.to))
			th := tl.Report().Threshold
			if got != tt.want || th.Exceeded != (tt.want != "") {
				t.Errorf("Threshold = %q (exceeded %v), want %q", got, th.Exceeded, tt.want)
			}
			if diff := th.ErrorRate - tt.rate; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("error rate %g, want %g", th.ErrorRate, tt.rate)
			}
		})
	}
}

// TestCounts checks that every row is counted once, for the run, its
// source and its day, and that the rejected and duplicate rows are in the
// report.
func TestCounts(t *testing.T) {
	tl := newTally(t, 1, -1)
	a, b := &report.SourceStats{File: "a"}, &report.SourceStats{File: "b"}
	feed(t, tl, a, []rows{{"2023-01-01", 10, 2, 3}, {"", 4, 4, 0}})
	feed(t, tl, b, []rows{{"2023-01-01", 5, 0, 1}, {"2023-01-02", 7, 1, 0}})
	tl.Accept(b, date(t, "2023-01-02"), []validate.Issue{{Reason: "some_warning", Field: "x"}})

	rep := tl.Report()
	want := report.Counts{Read: 27, Written: 16, Rejected: 7, Duplicates: 4, Warnings: 1}
	if rep.Counts != want {
		t.Errorf("run counts %+v, want %+v", rep.Counts, want)
	}
	for _, s := range []*report.SourceStats{a, b} {
		if s.Read != s.Written+s.Rejected+s.Duplicates {
			t.Errorf("source %s: %+v do not add up", s.File, *s)
		}
	}
	if a.Read != 14 || a.Rejected != 6 || a.Duplicates != 3 || b.Read != 13 || b.Written != 11 {
		t.Errorf("sources %+v, %+v", *a, *b)
	}
	for d, want := range map[string]Day{
		"2023-01-01": {Read: 15, Written: 9, Rejected: 2, Duplicates: 4},
		"2023-01-02": {Read: 8, Written: 7, Rejected: 1},
		"2023-01-03": {},
	} {
		if got := tl.Day(date(t, d)); got != want {
			t.Errorf("day %s: %+v, want %+v", d, got, want)
		}
	}
	if rep.ByReason[validate.TSMissing] != 7 || rep.WarningsByReason["some_warning"] != 1 {
		t.Errorf("by reason %v, warnings %v", rep.ByReason, rep.WarningsByReason)
	}
	if err := tl.CheckCounts(); err != nil {
		t.Error(err)
	}
	rep.Counts.Read++ // a row counted as read that ended nowhere
	if err := tl.CheckCounts(); err == nil || !strings.Contains(err.Error(), "do not add up") {
		t.Errorf("CheckCounts with a row missing: %v", err)
	}
}
