package export

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hackle/hackle-agent/agent/profile"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// profiled reports whether the run writes profiles: it commits (or says
// what it would commit) whole days.
func (r *run) profiled() bool { return r.o.Dest != nil && r.o.Shards <= 1 }

// startProfile starts day d's profile.
func (r *run) startProfile(d *day) error {
	if !r.profiled() {
		return nil
	}
	var err error
	d.prof, err = profile.NewBuilder(r.staging, d.date.String(), r.o.Rules.PartitionTZ)
	return err
}

// finishProfile writes day d's sidecars into its staging folder.
func (r *run) finishProfile(d *day) error {
	if d.prof == nil {
		return nil
	}
	p, err := d.prof.Finish(d.dir)
	d.prof = nil
	if err != nil {
		return err
	}
	d.profile, d.sidecars = p, []string{profile.ProfileName, profile.IDsName}
	return nil
}

// guard runs the checks against earlier committed days (package profile)
// on each day to commit, records them in the report, and refuses the run
// (a *ThresholdError: exit 3, nothing committed) when one says so.
func (r *run) guard(ctx context.Context, dates []validate.Date) error {
	if !r.profiled() {
		return nil
	}
	o := r.o.Guards
	o.AllowEmpty = r.o.AllowEmpty
	c, err := profile.NewChecker(ctx, r.o.Dest, r.o.Rules.From, r.o.Rules.To, o, r.o.Log)
	if err != nil {
		return fmt.Errorf("guards: %w", err)
	}
	g := &report.Guards{}
	var refuse []string
	for _, date := range dates {
		d := r.days[date]
		var p *profile.Profile
		ids := ""
		if d != nil && d.profile != nil {
			p, ids = d.profile, filepath.Join(d.dir, profile.IDsName)
		}
		why, err := c.Check(ctx, date, r.t.Day(date).Written, p, ids, g)
		if err != nil {
			return fmt.Errorf("guards: %w", err)
		}
		if why != "" {
			refuse = append(refuse, why)
		}
	}
	if len(g.Volume)+len(g.Drift)+len(g.CrossDayDuplicates) > 0 {
		r.rep.Guards = g
	}
	if len(refuse) == 0 {
		return nil
	}
	r.rep.Outcome, r.rep.OutcomeReason = report.OutcomeRejected, strings.Join(refuse, "; ")
	return &ThresholdError{Report: r.rep}
}
