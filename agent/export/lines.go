package export

import (
	"fmt"

	"github.com/hackle/hackle-agent/agent/report"
)

// lineTally checks the line accounting of one input (README "The
// report"): every physical line of a CSV or NDJSON input is in exactly
// one record, written or rejected, or skipped (the CSV header, a blank
// line). The records come in input order, so it is enough that each
// starts after the one before ends and that they hold no more lines than
// the input. A JSON array element has no lines (Lines 0) and is not
// counted.
type lineTally struct {
	records int64 // lines of the records so far
	next    int64 // the first line after the last record
}

// add counts the records of a batch, in input order.
func (t *lineTally) add(b *batch) error {
	for i := range b.rows[:b.n] {
		rw := &b.rows[i]
		if rw.lines == 0 {
			continue
		}
		if rw.line < t.next || rw.lines < 0 {
			return fmt.Errorf("internal error: line accounting: the record at line %d (%d line(s)) overlaps the one before, which ends at line %d",
				rw.line, rw.lines, t.next-1)
		}
		t.records += rw.lines
		t.next = rw.line + rw.lines
	}
	return nil
}

// finish sets the line counts of the input, which has lines lines, and of
// the run, and fails when the records hold more lines than the input.
func (t *lineTally) finish(stats *report.SourceStats, counts *report.Counts, lines int64) error {
	stats.Lines, stats.SkippedLines = lines, lines-t.records
	counts.Lines += stats.Lines
	counts.SkippedLines += stats.SkippedLines
	if stats.SkippedLines < 0 || t.next-1 > lines {
		return fmt.Errorf("internal error: line accounting: the records span %d line(s), up to line %d, but the input has %d",
			t.records, t.next-1, lines)
	}
	return nil
}
