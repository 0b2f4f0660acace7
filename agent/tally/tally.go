// Package tally counts the rows of a run the one way export, `validate
// --partition` and pull share: every row read ends written, rejected or a
// duplicate, counted for the run, its source and its day, and the rejected
// and duplicate rows are written through the report's Writer. It also
// applies the threshold (--max-error-rate, --max-errors) to the run and,
// in a backfill, to each day, and (rows.go) checks and deduplicates the
// rows read from a partition.
package tally

import (
	"fmt"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// Tally counts the rows of one run into the report of its Writer
// (Counts, and the SourceStats the caller passes for each row) and per
// partition day. It is not safe for concurrent use.
//
// Every row read is counted once, by exactly one of Reject, Duplicate and
// Accept, so that Read = Written + Rejected + Duplicates holds for the run,
// for each source and for each day at all times.
type Tally struct {
	rw   *report.Writer
	days map[validate.Date]*Day
}

// Day counts the rows of one partition day: the rows whose ts is valid
// and falls on it. A row rejected before its day is known (no valid ts)
// counts for the run and its source only.
type Day struct {
	Read, Written, Rejected, Duplicates int64
}

// New returns a tally of the report rw writes.
func New(rw *report.Writer) *Tally {
	return &Tally{rw: rw, days: map[validate.Date]*Day{}}
}

// Report is the report being counted.
func (t *Tally) Report() *report.Report { return t.rw.Report }

// Day returns the counts of day d (zero when it had no row).
func (t *Tally) Day(d validate.Date) Day {
	if c := t.days[d]; c != nil {
		return *c
	}
	return Day{}
}

// day counts a row read for day d, when it is known.
func (t *Tally) day(src *report.SourceStats, d validate.Date) *Day {
	t.rw.Report.Counts.Read++
	src.Read++
	if d.IsZero() {
		return &Day{} // counted nowhere
	}
	c := t.days[d]
	if c == nil {
		c = &Day{}
		t.days[d] = c
	}
	c.Read++
	return c
}

// Reject counts a row of src rejected for issues (at least one) and writes
// it to rejects.ndjson. day is the row's partition day, zero when its ts
// is not valid.
func (t *Tally) Reject(src *report.SourceStats, day validate.Date, rj *report.Reject, issues []validate.Issue) error {
	t.day(src, day).Rejected++
	src.Rejected++
	return t.rw.Reject(rj, issues) // counts the run's Rejected
}

// Duplicate counts a valid row of src dropped because its insert_id was
// kept before, and writes it to rejects.ndjson: rj carries the reason and
// the message, which say where the first one is.
func (t *Tally) Duplicate(src *report.SourceStats, day validate.Date, rj *report.Reject) error {
	t.day(src, day).Duplicates++
	src.Duplicates++
	return t.rw.Duplicate(rj) // counts the run's Duplicates
}

// Accept counts a row of src that is kept (to be written by the caller),
// with its warnings.
func (t *Tally) Accept(src *report.SourceStats, day validate.Date, warns []validate.Issue) {
	t.day(src, day).Written++
	src.Written++
	t.rw.Report.Counts.Written++
	t.rw.Warn(warns)
}

// CheckCounts fails when the run's counts do not add up, which is a bug.
func (t *Tally) CheckCounts() error {
	c := t.rw.Report.Counts
	if c.Read != c.Written+c.Rejected+c.Duplicates {
		return fmt.Errorf("internal error: counts do not add up: read %d ≠ written %d + rejected %d + duplicates %d",
			c.Read, c.Written, c.Rejected, c.Duplicates)
	}
	return nil
}
