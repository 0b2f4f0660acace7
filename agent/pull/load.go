package pull

import (
	"context"
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/tally"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// importer loads one partition version.
type importer struct {
	o    *Options
	p    *partition.Partition
	m    *partition.Manifest // nil: the partition has none
	rw   *report.Writer
	ctx  context.Context
	load sink.Load
	win  sink.Window
	rows *tally.Partition // checks, deduplicates and counts each row
	sum  sink.Summary
}

// dedupKeys is how many insert_ids an import keeps in memory before they
// spill to disk (dedup.NewBudget). Tests make it small.
var dedupKeys = dedup.DefaultKeys

// importPartition reads, checks and loads every part of p and commits the
// load, which records the version in the sink with the rows.
func (o *Options) importPartition(ctx context.Context, p *partition.Partition, m *partition.Manifest, pr *PartitionResult) error {
	date := p.Date.String()
	rep := o.newReport(date)
	rep.Threshold = report.Threshold{MaxErrorRate: 1, MaxErrors: -1}
	rw, err := report.Create(o.reportDir(date), rep)
	if err != nil {
		return err
	}
	pr.Report = rep
	err = o.importInto(ctx, p, m, pr, rw)
	finishReport(rep, err)
	if cerr := rw.Close(); err == nil && cerr != nil {
		return cerr
	}
	return err
}

func (o *Options) importInto(ctx context.Context, p *partition.Partition, m *partition.Manifest, pr *PartitionResult, rw *report.Writer) error {
	date := p.Date.String()
	// The window first: a sink may read it through the connection that
	// the load then holds.
	win, err := o.Sink.Window(ctx, o.sourceName(), date, o.DedupDays)
	if err != nil {
		return fmt.Errorf("sink %s: %w", o.Sink, err)
	}
	defer win.Close()
	load, err := o.Sink.Begin(ctx, sink.Partition{Source: o.sourceName(), Date: date, Version: pr.Version})
	if err != nil {
		return err
	}
	defer load.Abort()
	imp := &importer{o: o, p: p, m: m, rw: rw, ctx: ctx, load: load, win: win}
	imp.rows, err = tally.NewPartition(tally.New(rw), tally.PartitionOptions{
		Rules:   validate.Rules{Time: validate.TimeFormat{Layout: validate.LayoutUnixMs}, PartitionTZ: o.PartitionTZ, From: p.Date, To: p.Date},
		Day:     p.Date,
		Earlier: win,
		Message: func(id, earlier string) string {
			where := "in this partition"
			if earlier != "" {
				where = "in the partition of " + earlier + ", already imported"
			}
			return fmt.Sprintf("insert_id %s was already seen %s; the first row is kept", id, where)
		},
		TempDir: o.TempDir, BudgetKeys: dedupKeys})
	if err != nil {
		return err
	}
	defer imp.rows.Close()
	imp.sum = sink.Summary{Date: date, Version: pr.Version, Source: o.sourceName(), SourceFiles: []string{}, AgentVersion: o.Version}
	if err := imp.read(ctx); err != nil {
		return err
	}
	return imp.commit(ctx, pr)
}

func (imp *importer) commit(ctx context.Context, pr *PartitionResult) error {
	rep := imp.rw.Report
	imp.sum.Read, imp.sum.Written = rep.Counts.Read, rep.Counts.Written
	imp.sum.Rejected, imp.sum.Duplicates = rep.Counts.Rejected, rep.Counts.Duplicates-imp.sum.DuplicatesEarlier
	imp.sum.Warnings, imp.sum.ImportedAt = rep.Counts.Warnings, time.Now().UTC()
	if err := imp.load.Commit(ctx, &imp.sum); err != nil {
		return fmt.Errorf("sink %s: %w", imp.o.Sink, err)
	}
	pr.Status, pr.Summary = Imported, &imp.sum
	rep.Partitions = append(rep.Partitions, report.PartitionStats{Date: imp.sum.Date, Rows: imp.sum.Written,
		Files: len(imp.sum.SourceFiles), Changed: true})
	imp.o.Log.Info("partition imported", "partition", imp.p.Prefix(), "version", pr.Version,
		"rows", imp.sum.Written, "rejected", imp.sum.Rejected, "duplicates", imp.sum.Duplicates,
		"duplicates_earlier", imp.sum.DuplicatesEarlier)
	return nil
}

// read reads and loads every part of the partition through the
// partition's Reader, which checks each against the manifest.
func (imp *importer) read(ctx context.Context) error {
	var stats report.SourceStats
	r := &partition.Reader{Store: imp.o.Source, Partition: imp.p, Manifest: imp.m, TempDir: imp.o.TempDir,
		Options: tolerant.Options{Time: imp.o.Time}, Log: imp.o.Log,
		OnOpen: func(f *partition.File) error {
			stats = report.SourceStats{File: imp.o.Source.String() + "/" + f.Key, Format: "parquet", Bytes: f.Size, SHA256: f.SHA256}
			return nil
		},
		OnDone: func(f *partition.File) error {
			imp.rw.Report.Sources = append(imp.rw.Report.Sources, stats)
			imp.sum.SourceFiles = append(imp.sum.SourceFiles, f.Name)
			return nil
		}}
	err := r.Each(ctx, func(_ *partition.File, row *tolerant.Row) error {
		return imp.row(stats.File, row, &stats) // its errors (sink, state) are not the file's fault
	})
	return refusal(imp.p.Date.String(), err)
}

// row re-validates one row and loads it unless it is rejected or a
// duplicate (in the partition, or imported on an earlier day of the window).
func (imp *importer) row(file string, r *tolerant.Row, stats *report.SourceStats) error {
	ev, v, err := imp.rows.Row(stats, r)
	if v == tally.DuplicateEarlier && err == nil {
		imp.sum.DuplicatesEarlier++
	}
	if err != nil || v != tally.Accepted {
		return err
	}
	if err := imp.load.Write(imp.ctx, ev); err != nil {
		return fmt.Errorf("sink %s: %w", imp.o.Sink, err)
	}
	return nil
}

// finishReport sets the outcome of a partition's report.
func finishReport(rep *report.Report, err error) {
	rep.FinishedAt = time.Now().UTC()
	tally.RunThreshold(rep) // the error rate: pull has no limits
	switch e := err.(type) {
	case nil:
		rep.Outcome = report.OutcomeCommitted
		rep.OutcomeReason = fmt.Sprintf("imported %s into the sink", report.Count(rep.Counts.Written, "row"))
	case *RefusedError:
		rep.Outcome, rep.OutcomeReason = report.OutcomeRejected, "partition refused: "+e.Reason
	default:
		rep.Outcome, rep.OutcomeReason = report.OutcomeFailed, err.Error()
	}
}

// reportRefused writes the report of a partition refused before any row
// was read (its listing does not match the manifest).
func (o *Options) reportRefused(p *partition.Partition, pr *PartitionResult) error {
	if pr.Report != nil {
		return nil
	}
	rep := o.newReport(p.Date.String())
	rep.Threshold = report.Threshold{MaxErrorRate: 1, MaxErrors: -1}
	rw, err := report.Create(o.reportDir(p.Date.String()), rep)
	if err != nil {
		return err
	}
	finishReport(rep, &RefusedError{Date: pr.Date, Reason: pr.Reason})
	pr.Report = rep
	return rw.Close()
}
