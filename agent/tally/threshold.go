package tally

import (
	"fmt"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// Threshold applies the limits of the report's Threshold (MaxErrorRate,
// MaxErrors; MaxErrors < 0: no limit) to the run, and, when from..to has
// several days, --max-error-rate to each day of it, so that one bad day is
// not hidden by many good ones. It sets the Threshold's ErrorRate and
// Exceeded, and returns why the rows are refused, or "" when they are
// within the limits. The reason says nothing of the consequence: the
// caller adds it ("; nothing committed").
func (t *Tally) Threshold(from, to validate.Date) string {
	if reason := RunThreshold(t.rw.Report); reason != "" || from == to {
		return reason
	}
	th := &t.rw.Report.Threshold
	for d := from; !to.Before(d); d = d.AddDays(1) {
		c := t.Day(d)
		if c.Read == 0 || float64(c.Rejected)/float64(c.Read) <= th.MaxErrorRate {
			continue
		}
		th.Exceeded = true
		rate := float64(c.Rejected) / float64(c.Read)
		return fmt.Sprintf("%s: %d of %s rejected (%.2f%%), above --max-error-rate %g (%.2f%%) for that day",
			d, c.Rejected, report.Count(c.Read, "row"), 100*rate, th.MaxErrorRate, 100*th.MaxErrorRate)
	}
	return ""
}

// RunThreshold is Threshold for the run's counts only: rep.Threshold's
// ErrorRate is set from rep.Counts; a non-empty reason (and Exceeded) when
// they are above its limits. With MaxErrorRate 1 and MaxErrors -1 (pull)
// nothing is ever refused.
func RunThreshold(rep *report.Report) string {
	c, th := rep.Counts, &rep.Threshold
	if c.Read > 0 {
		th.ErrorRate = float64(c.Rejected) / float64(c.Read)
	}
	switch {
	case th.ErrorRate > th.MaxErrorRate:
		th.Exceeded = true
		return fmt.Sprintf("%d of %s rejected (%.2f%%), above --max-error-rate %g (%.2f%%)",
			c.Rejected, report.Count(c.Read, "row"), 100*th.ErrorRate, th.MaxErrorRate, 100*th.MaxErrorRate)
	case th.MaxErrors >= 0 && c.Rejected > th.MaxErrors:
		th.Exceeded = true
		return fmt.Sprintf("%s rejected, above --max-errors %d", report.Count(c.Rejected, "row"), th.MaxErrors)
	}
	return ""
}
