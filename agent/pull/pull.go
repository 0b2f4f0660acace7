// Package pull is the Hackle side of the bucket (docs/pull.md): it imports
// committed dt= partitions from a store into a sink, exactly once per
// partition version, re-validating every row with the shared rules and
// dropping duplicate insert_ids within a partition and against the days
// before it.
package pull

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// DefaultDedupDays is the default window of earlier days checked for
// duplicate insert_ids, like the common 7-day rule of analytics importers.
const DefaultDedupDays = 7

// Options configure a pull.
type Options struct {
	Source store.Store
	Sink   sink.Sink
	// SourceName is the source's canonical name (SourceName, or
	// --source-name), under which the sink records what was imported
	// from it; "" uses Source.String().
	SourceName string

	// From and To bound the partition days pulled (inclusive); a zero
	// bound is open.
	From, To validate.Date
	// DedupDays is how many days before a partition are checked for its
	// insert_ids; 0 checks within the partition only.
	DedupDays int
	// Time reads ts stored as text in customers' files.
	Time validate.TimeFormat
	// PartitionTZ is the zone in which a row's ts must fall on its
	// partition's day (the customer's export --partition-timezone); nil = UTC.
	PartitionTZ *time.Location
	// ReportDir gets one report folder per imported or refused partition:
	// <ReportDir>/dt=YYYY-MM-DD/{report.json,rejects.ndjson}.
	ReportDir string
	// TempDir holds downloaded parts while they are read ("" = os.TempDir).
	TempDir string
	// Deadline, when set, is checked at the end of Run, while the sink is
	// still open, for the partition due at Now: Result.Late.
	Deadline *Deadline
	Now      time.Time
	// DeleteAfter removes a partition's objects from the source once it is
	// imported (and recorded).
	DeleteAfter bool

	Version string // agent version, for reports
	Log     *slog.Logger
}

// Status is what happened to one partition.
type Status string

// Statuses of a partition.
const (
	Imported  Status = "imported"  // loaded into the sink and recorded
	Unchanged Status = "unchanged" // this version was imported before
	NotReady  Status = "not_ready" // no _SUCCESS: skipped
	Refused   Status = "refused"   // does not match its manifest or cannot be read
)

// PartitionResult is the outcome for one partition.
type PartitionResult struct {
	Date    string
	Version string
	Status  Status
	Reason  string         // why it was refused
	Report  *report.Report // imported or refused: the partition's report
	Summary *sink.Summary  // imported: what was loaded
	Deleted bool           // its source objects were removed (DeleteAfter)
}

// Result is the outcome of one pull.
type Result struct {
	Partitions []PartitionResult
	// Late is, with Options.Deadline, CheckDeadline's answer: nil, a
	// *LateError, or the error asking the sink.
	Late error
}

// Count returns how many partitions ended with status s.
func (r *Result) Count(s Status) int {
	n := 0
	for _, p := range r.Partitions {
		if p.Status == s {
			n++
		}
	}
	return n
}

// Run pulls every partition of the source in [From, To], in date order.
// A refused partition does not stop the run: it is reported and returned
// in Result with its reason. A runtime failure (store, sink, state) stops
// the run and is returned; partitions done before it stay done.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	parts, err := partition.List(ctx, o.Source, o.From, o.To)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if o.Deadline != nil {
		defer func() { res.Late = o.CheckDeadline(*o.Deadline, o.Now) }()
	}
	for _, p := range parts {
		pr, err := pullPartition(ctx, o, p)
		res.Partitions = append(res.Partitions, pr)
		if err != nil {
			return res, fmt.Errorf("partition dt=%s: %w", p.Date, err)
		}
	}
	return res, nil
}

func pullPartition(ctx context.Context, o Options, p *partition.Partition) (PartitionResult, error) {
	pr := PartitionResult{Date: p.Date.String()}
	if !p.Ready() {
		pr.Status = NotReady
		o.Log.Info("skipping a partition without _SUCCESS", "partition", p.Prefix())
		return pr, nil
	}
	ver, m, err := p.Version(ctx, o.Source)
	pr.Version, err = ver, refusal(pr.Date, err)
	var refused *RefusedError
	if err != nil && !errors.As(err, &refused) {
		return pr, err
	}
	prev, serr := o.Sink.Imported(ctx, o.sourceName(), pr.Date)
	if serr != nil {
		return pr, fmt.Errorf("sink %s: %w", o.Sink, serr)
	}
	if prev == ver {
		pr.Status = Unchanged
		o.Log.Debug("partition already imported", "partition", p.Prefix(), "version", ver)
		return pr, o.deleteAfter(ctx, p, &pr)
	}
	if refused == nil && m != nil {
		err = refusal(pr.Date, p.CheckManifest(m))
	}
	if err == nil {
		err = o.importPartition(ctx, p, m, &pr)
	}
	if errors.As(err, &refused) {
		pr.Status, pr.Reason = Refused, refused.Reason
		o.Log.Error("partition refused", "partition", p.Prefix(), "reason", refused.Reason)
		return pr, o.reportRefused(p, &pr)
	}
	if err != nil {
		return pr, err
	}
	return pr, o.deleteAfter(ctx, p, &pr)
}

// deleteAfter removes an imported partition's objects: _SUCCESS first, so
// that a half-deleted folder is never taken for a committed one. The
// partition is listed again first: if the customer re-committed it since
// the import (another version), nothing is deleted, so that the new
// version is imported by the next run instead of vanishing.
func (o *Options) deleteAfter(ctx context.Context, p *partition.Partition, pr *PartitionResult) error {
	if !o.DeleteAfter {
		return nil
	}
	fresh, err := partition.Get(ctx, o.Source, p.Date)
	if err != nil {
		return fmt.Errorf("delete-after: %w", err)
	}
	if !fresh.Ready() {
		o.Log.Warn("not deleting: the partition changed since it was imported", "partition", p.Prefix())
		return nil
	}
	if ver, _, err := fresh.Version(ctx, o.Source); err != nil || ver != pr.Version {
		o.Log.Warn("not deleting: the partition was committed again since it was imported; the next run imports the new version",
			"partition", p.Prefix(), "imported", pr.Version, "now", ver)
		return nil
	}
	p = fresh
	if err := o.Source.Delete(ctx, p.Prefix()+partition.SuccessName); err != nil {
		return fmt.Errorf("delete-after: %w", err)
	}
	for name := range p.Objects {
		if err := o.Source.Delete(ctx, p.Prefix()+name); err != nil {
			return fmt.Errorf("delete-after: %w", err)
		}
	}
	pr.Deleted = true
	o.Log.Info("deleted the imported partition from the source", "partition", p.Prefix(), "objects", len(p.Objects))
	return nil
}

// sourceName is the name the sink records the source under.
func (o *Options) sourceName() string {
	if o.SourceName != "" {
		return o.SourceName
	}
	return o.Source.String()
}

func (o *Options) reportDir(date string) string {
	dir := o.ReportDir
	if dir == "" {
		dir = "hackle-agent-report/pull"
	}
	return filepath.Join(dir, "dt="+date)
}

func (o *Options) newReport(date string) *report.Report {
	return &report.Report{
		Command: "pull", AgentVersion: o.Version, Dates: []string{date}, Dest: o.Sink.String(),
		StartedAt: time.Now().UTC(), Sources: []report.SourceStats{}, Partitions: []report.PartitionStats{},
	}
}
