package profile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// Guard settings that are not flags.
const (
	// RecentDays is how many earlier committed days the volume and drift
	// guards compare a day with.
	RecentDays = 7
	// MinDays is how many earlier committed days the volume guard needs
	// before it judges: with fewer, a median says little.
	MinDays = 3
	// Lookback bounds how far back, in calendar days, earlier committed
	// days are looked for, so that a run lists a bounded part of the bucket.
	Lookback = 60
	// maxExamples bounds the insert_ids a report lists per earlier day.
	maxExamples = 20
)

// Options configure the guards of one export.
type Options struct {
	// MinVolumeRatio refuses a day whose rows are below this share of the
	// median of the RecentDays earlier committed days; 0 turns it off.
	MinVolumeRatio float64
	FailOnDrift    bool // refuse a day with drift
	DedupDays      int  // check insert_ids against this many earlier committed days; 0: off
	// AllowEmpty (export --allow-empty) commits a day without rows
	// knowingly: the volume guard leaves such a day alone.
	AllowEmpty bool
}

// Checker holds the earlier committed days of a run's range.
type Checker struct {
	st   store.Store
	o    Options
	log  *slog.Logger
	past []*partition.Partition // committed, in date order
	rows map[validate.Date]int64
	prof map[validate.Date]*Profile
}

// NewChecker lists the committed days of st from Lookback days before
// from up to the day before to.
func NewChecker(ctx context.Context, st store.Store, from, to validate.Date, o Options, log *slog.Logger) (*Checker, error) {
	ps, err := partition.List(ctx, st, from.AddDays(-Lookback), to.AddDays(-1))
	if err != nil {
		return nil, err
	}
	c := &Checker{st: st, o: o, log: log, rows: map[validate.Date]int64{}, prof: map[validate.Date]*Profile{}}
	for _, p := range ps {
		if p.Ready() {
			c.past = append(c.past, p)
		}
	}
	return c, nil
}

// before returns up to n committed days before d, oldest first.
func (c *Checker) before(d validate.Date, n int) []*partition.Partition {
	i := len(c.past)
	for i > 0 && !c.past[i-1].Date.Before(d) {
		i--
	}
	return c.past[max(0, i-n):i]
}

// Check judges day d (rows committed rows, its profile p, its sorted
// insert_ids at idsPath) against the earlier committed days, adds what it
// finds to g, and returns why the day must be refused ("" if not).
func (c *Checker) Check(ctx context.Context, d validate.Date, rows int64, p *Profile, idsPath string, g *report.Guards) (string, error) {
	var refuse []string
	recent := c.before(d, RecentDays)
	if why, err := c.volume(ctx, d, rows, recent, g); err != nil {
		return "", err
	} else if why != "" {
		refuse = append(refuse, why)
	}
	if p != nil {
		n, err := c.drift(ctx, d, p, recent, g)
		if err != nil {
			return "", err
		}
		if n > 0 && c.o.FailOnDrift {
			refuse = append(refuse, fmt.Sprintf("%s: %d drift finding(s) against the %d recent committed days; --fail-on-drift: nothing committed", d, n, len(recent)))
		}
	}
	if c.o.DedupDays > 0 && idsPath != "" {
		if err := c.overlap(ctx, d, idsPath, c.before(d, c.o.DedupDays), g); err != nil {
			return "", err
		}
	}
	return strings.Join(refuse, "; "), nil
}

func (c *Checker) volume(ctx context.Context, d validate.Date, rows int64, recent []*partition.Partition, g *report.Guards) (string, error) {
	if c.o.MinVolumeRatio <= 0 || (rows == 0 && c.o.AllowEmpty) {
		return "", nil
	}
	vc := report.VolumeCheck{Date: d.String(), Rows: rows, MinRatio: c.o.MinVolumeRatio, Days: []string{}}
	var counts []int64
	for _, p := range recent {
		n, ok, err := c.rowsOf(ctx, p)
		if err != nil {
			return "", err
		}
		if ok {
			counts = append(counts, n)
			vc.Days = append(vc.Days, p.Date.String())
		}
	}
	if len(counts) < MinDays {
		c.log.Info("volume guard not applied: too few earlier committed days", "date", d.String(),
			"committed_days", len(counts), "needs", MinDays, "within_days", Lookback)
		g.Volume = append(g.Volume, vc)
		return "", nil
	}
	slices.Sort(counts)
	m := len(counts) / 2
	median := counts[m]
	if len(counts)%2 == 0 {
		median = (counts[m-1] + counts[m]) / 2
	}
	vc.Median, vc.Applied = median, true
	if median > 0 {
		vc.Ratio = float64(rows) / float64(median)
	}
	if median == 0 || vc.Ratio >= c.o.MinVolumeRatio {
		g.Volume = append(g.Volume, vc)
		return "", nil
	}
	vc.Refused = true
	g.Volume = append(g.Volume, vc)
	days := vc.Days[0]
	if len(vc.Days) > 1 {
		days += ".." + vc.Days[len(vc.Days)-1]
	}
	why := fmt.Sprintf("%s: %s %s is %.0f%% of the median %s of the %d committed days %s; below --min-volume-ratio %g: nothing committed; --min-volume-ratio 0 to commit anyway",
		d, report.Num(rows), report.Noun(rows, "row"), 100*vc.Ratio, report.Num(median), len(counts), days, c.o.MinVolumeRatio)
	return why, nil
}

// rowsOf reads an earlier day's row count from its manifest; ok is false
// for a day without a readable one (committed by another tool).
func (c *Checker) rowsOf(ctx context.Context, p *partition.Partition) (int64, bool, error) {
	if n, ok := c.rows[p.Date]; ok {
		return n, n >= 0, nil
	}
	m, raw, err := partition.ReadManifest(ctx, c.st, p.Date.String())
	switch {
	case err == nil:
		c.rows[p.Date] = m.TotalRows
		return m.TotalRows, true, nil
	case errors.Is(err, store.ErrNotExist) || raw != nil:
		c.rows[p.Date] = -1
		return 0, false, nil
	}
	return 0, false, err
}

// profileOf reads an earlier day's profile; nil when it has none (an
// older agent, another tool) or it is not valid (a warning).
func (c *Checker) profileOf(ctx context.Context, p *partition.Partition) (*Profile, error) {
	if pr, ok := c.prof[p.Date]; ok {
		return pr, nil
	}
	var pr *Profile
	if _, ok := p.Objects[ProfileName]; ok {
		var err error
		pr, err = ReadProfile(ctx, c.st, p.Date.String())
		switch {
		case errors.Is(err, store.ErrNotExist):
		case errors.Is(err, ErrInvalid):
			c.log.Warn("ignoring an unreadable profile", "date", p.Date.String(), "err", err)
			pr = nil
		case err != nil:
			return nil, err
		}
	}
	c.prof[p.Date] = pr
	return pr, nil
}

// drift compares p with the profiles of the recent days: keys that none
// of them had, keys that each of them had and p lacks, and types that none
// of them had. It returns the number of findings.
func (c *Checker) drift(ctx context.Context, d validate.Date, p *Profile, recent []*partition.Partition, g *report.Guards) (int, error) {
	var profs []*Profile
	for _, rp := range recent {
		pr, err := c.profileOf(ctx, rp)
		if err != nil {
			return 0, err
		}
		if pr != nil {
			profs = append(profs, pr)
		}
	}
	if len(profs) == 0 {
		return 0, nil
	}
	n := 0
	add := func(dr report.Drift, line string) {
		dr.Date = d.String()
		g.Drift = append(g.Drift, dr)
		g.Lines = append(g.Lines, fmt.Sprintf("%-12s%s: %s", "drift", d, line))
		n++
	}
	span := fmt.Sprintf("the %d recent committed day(s)", len(profs))
	if !truncated(p, "event_key", profs) {
		seen, every := keySets(profs, func(q *Profile) []string { return slices.Collect(maps.Keys(q.EventKeys)) })
		for _, k := range slices.Sorted(maps.Keys(p.EventKeys)) {
			if !seen[k] {
				add(report.Drift{Kind: report.DriftEventKeyNew, Key: k, Rows: p.EventKeys[k]},
					fmt.Sprintf("new event_key %q (%s %s), in none of %s", k, report.Num(p.EventKeys[k]), report.Noun(p.EventKeys[k], "row"), span))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(every)) {
			if _, ok := p.EventKeys[k]; !ok {
				add(report.Drift{Kind: report.DriftEventKeyGone, Key: k}, fmt.Sprintf("event_key %q is gone; it was in each of %s", k, span))
			}
		}
	}
	cols := map[string]bool{}
	for _, q := range append(profs, p) {
		for col := range q.Properties {
			cols[col] = true
		}
	}
	for _, col := range slices.Sorted(maps.Keys(cols)) {
		if truncated(p, col, profs) {
			continue
		}
		seen, every := keySets(profs, func(q *Profile) []string { return slices.Collect(maps.Keys(q.Properties[col])) })
		today := p.Properties[col]
		for _, k := range slices.Sorted(maps.Keys(today)) {
			if !seen[k] {
				add(report.Drift{Kind: report.DriftPropertyNew, Column: col, Key: k}, fmt.Sprintf("new property key %s.%s, in none of %s", col, k, span))
				continue
			}
			was := map[string]bool{}
			for _, q := range profs {
				if t, ok := q.Properties[col][k]; ok {
					for _, ty := range Types(t) {
						was[ty] = true
					}
				}
			}
			for _, ty := range Types(today[k]) {
				if !was[ty] {
					wasText := strings.Join(slices.Sorted(maps.Keys(was)), ",")
					add(report.Drift{Kind: report.DriftPropertyType, Column: col, Key: k, Was: wasText, Now: today[k]},
						fmt.Sprintf("property %s.%s was %s, now %s", col, k, wasText, today[k]))
					break
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(every)) {
			if _, ok := today[k]; !ok {
				add(report.Drift{Kind: report.DriftPropertyGone, Column: col, Key: k}, fmt.Sprintf("property key %s.%s is gone; it was in each of %s", col, k, span))
			}
		}
	}
	return n, nil
}

// truncated reports whether any profile lists col's keys only in part.
func truncated(p *Profile, col string, profs []*Profile) bool {
	for _, q := range append(profs, p) {
		if slices.Contains(q.Truncated, col) {
			return true
		}
	}
	return false
}

// keySets returns the keys any profile has and those every profile has.
func keySets(profs []*Profile, keys func(*Profile) []string) (seen, every map[string]bool) {
	seen, count := map[string]bool{}, map[string]int{}
	for _, q := range profs {
		for _, k := range keys(q) {
			seen[k] = true
			count[k]++
		}
	}
	every = map[string]bool{}
	for k, n := range count {
		if n == len(profs) {
			every[k] = true
		}
	}
	return seen, every
}

// overlap counts the insert_ids of idsPath that earlier days' sidecars
// hold, streaming both sorted files.
func (c *Checker) overlap(ctx context.Context, d validate.Date, idsPath string, earlier []*partition.Partition, g *report.Guards) error {
	for i := len(earlier) - 1; i >= 0; i-- {
		ep := earlier[i]
		if _, ok := ep.Objects[IDsName]; !ok {
			c.log.Info("no insert_id sidecar on an earlier day; not checked for overlap", "date", ep.Date.String())
			continue
		}
		err := func() error {
			f, err := os.Open(idsPath)
			if err != nil {
				return err
			}
			defer f.Close()
			rc, err := c.st.Get(ctx, ep.Prefix()+IDsName)
			if err != nil {
				return err
			}
			defer rc.Close()
			dup := report.CrossDayDuplicates{Date: d.String(), EarlierDate: ep.Date.String(), InsertIDs: []string{}}
			dup.Count, err = Overlap(f, rc, func(k [16]byte) {
				if len(dup.InsertIDs) < maxExamples {
					dup.InsertIDs = append(dup.InsertIDs, FormatKey(k))
				}
			})
			if err != nil {
				return fmt.Errorf("%s%s: %w", ep.Prefix(), IDsName, err)
			}
			if dup.Count > 0 {
				g.CrossDayDuplicates = append(g.CrossDayDuplicates, dup)
				g.Lines = append(g.Lines, fmt.Sprintf("%-12s%s: %s insert_id(s) already committed on %s, e.g. %s: a backfill that overlaps? Hackle drops the repeats",
					"overlap", d, report.Num(dup.Count), ep.Date, dup.InsertIDs[0]))
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}
