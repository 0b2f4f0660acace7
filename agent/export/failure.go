package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/hackle/hackle-agent/agent/report"
)

// failed fills the report of a run that stopped on err (exit 2) with what
// it actually did: outcome failed, the rows handled so far with
// read = written + rejected + duplicates (written: into staged parts; the
// tally counts a row once it is handled, so they add up), and
// the partitions committed before the failure, if any (a backfill commits
// one day after the other); the reason says what was committed.
func (r *run) failed(ctx context.Context, err error) {
	rep, c := r.rep, &r.rep.Counts
	if c.Read > 0 {
		rep.Threshold.ErrorRate = float64(c.Rejected) / float64(c.Read)
	}
	reason := err.Error()
	if ctx.Err() != nil {
		reason = "interrupted (" + context.Cause(ctx).Error() + ")"
	}
	if len(rep.Partitions) == 0 {
		reason += "; nothing committed"
	} else {
		var dates []string
		for _, p := range rep.Partitions {
			dates = append(dates, "dt="+p.Date)
		}
		reason += fmt.Sprintf("; committed before the failure: %s; nothing else", strings.Join(dates, ", "))
	}
	rep.Outcome, rep.OutcomeReason = report.OutcomeFailed, reason
}
