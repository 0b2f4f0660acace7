// Package verify checks a dt= partition that another tool wrote (Spark,
// BigQuery EXPORT DATA, Snowflake COPY INTO) against the import rules, and
// can seal it with _manifest.json and _SUCCESS (docs/commit.md, "Sharded export").
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/tally"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// Options configure one check.
type Options struct {
	Store store.Store // the bucket root holding dt=YYYY-MM-DD/
	Date  validate.Date
	Rules validate.Rules // From and To are set to Date

	ReportDir    string
	MaxErrorRate float64
	MaxErrors    int64 // <0: no limit
	// Commit seals the partition, but only when its files are what Hackle
	// imports as they are: every file in the exact schema, no row rejected,
	// deduplicated or changed by the rules. Otherwise it refuses, unless
	// Rewrite is set.
	Commit bool
	// Rewrite (with Commit) replaces the partition's files with canonical
	// parts holding its valid, deduplicated rows, when they are not sealable
	// as they are and the partition is below the thresholds.
	Rewrite      bool
	StrictSchema bool // refuse a file that is readable but not Hackle's exact schema
	TempDir      string
	Version      string
	Log          *slog.Logger
}

// InvalidError refuses the partition: a file cannot be read as the import
// layout, too many rows are rejected, or (with Commit and no Rewrite) the
// files are not what Hackle would import as they are. Nothing is sealed.
type InvalidError struct{ Reason string }

func (e *InvalidError) Error() string { return e.Reason }

// Partition reads every data file of the partition tolerantly, validates
// each row with the export rules, writes the report, and with Commit seals
// the partition (seal.go).
func Partition(ctx context.Context, o Options) (*report.Report, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.Rules.From, o.Rules.To = o.Date, o.Date
	prefix := partition.Prefix(o.Date.String())
	rep := &report.Report{Command: "validate", AgentVersion: o.Version, Dates: []string{o.Date.String()},
		Dest: o.Store.String(), StartedAt: time.Now().UTC().Truncate(time.Millisecond),
		Threshold: report.Threshold{MaxErrorRate: o.MaxErrorRate, MaxErrors: o.MaxErrors}}
	rw, err := report.Create(o.ReportDir, rep)
	if err != nil {
		return nil, err
	}
	c := &check{o: o, rw: rw, t: tally.New(rw)}
	err = c.run(ctx, prefix)
	var inv *InvalidError
	if errors.As(err, &inv) {
		c.warnForeignSuccess(ctx, prefix)
	}
	rep.FinishedAt = time.Now().UTC().Truncate(time.Millisecond)
	if err != nil && rep.Outcome == "" {
		rep.Outcome, rep.OutcomeReason = report.OutcomeFailed, err.Error()
	}
	if cerr := rw.Close(); err == nil {
		err = cerr
	}
	return rep, err
}

// dedupKeys is how many insert_ids a check keeps in memory before they
// spill to disk (dedup.NewBudget). Tests make it small.
var dedupKeys = dedup.DefaultKeys

type check struct {
	o     Options
	rw    *report.Writer
	t     *tally.Tally
	rows  *tally.Partition // checks, deduplicates and counts each row
	files []partition.Part
	stats report.SourceStats // of the part being read

	// foreign names each file not in Hackle's exact schema, with how.
	foreign []string
	// altered counts the valid rows the rules keep otherwise than the file
	// holds them (keys lowercased or dropped, text trimmed, insert_id
	// canonicalised): a sealed file would not say what the report says.
	altered int64
	rewrite *rewrite // with Rewrite: the canonical parts being written
}

func (c *check) run(ctx context.Context, prefix string) error {
	p, err := partition.Get(ctx, c.o.Store, c.o.Date)
	if err != nil {
		return err
	}
	r := &partition.Reader{Store: c.o.Store, Partition: p, TempDir: c.o.TempDir,
		Options: tolerant.Options{Time: c.o.Rules.Time}, Log: c.o.Log, OnOpen: c.open, OnDone: c.done}
	if len(r.Files()) == 0 {
		return &InvalidError{Reason: fmt.Sprintf("%s/%s holds no data files", c.o.Store, prefix)}
	}
	if c.o.Commit && c.o.Rewrite {
		if c.rewrite, err = startRewrite(c.o.TempDir); err != nil {
			return err
		}
		defer c.rewrite.remove()
	}
	c.rows, err = tally.NewPartition(c.t, tally.PartitionOptions{Rules: c.o.Rules, Day: c.o.Date,
		Message: func(id, _ string) string {
			return fmt.Sprintf("insert_id %s appears earlier in the partition; Hackle keeps the first", id)
		},
		TempDir: c.o.TempDir, BudgetKeys: dedupKeys})
	if err != nil {
		return err
	}
	defer c.rows.Close()
	rep := c.rw.Report
	err = r.Each(ctx, func(_ *partition.File, row *tolerant.Row) error { return c.row(&c.stats, row) })
	var fe *partition.FileError
	if errors.As(err, &fe) {
		err = &InvalidError{Reason: fe.Reason}
	}
	if err != nil {
		var inv *InvalidError
		if errors.As(err, &inv) {
			rep.Outcome, rep.OutcomeReason = report.OutcomeRejected, inv.Reason
		}
		return err
	}
	if err := c.t.CheckCounts(); err != nil {
		return err
	}
	if reason := c.t.Threshold(c.o.Date, c.o.Date); reason != "" {
		rep.Outcome, rep.OutcomeReason = report.OutcomeRejected, reason+"; not sealed"
		return &InvalidError{Reason: rep.OutcomeReason}
	}
	cnt := rep.Counts
	rep.Partitions = []report.PartitionStats{{Date: c.o.Date.String(), Rows: cnt.Written, Files: len(c.files)}}
	for _, f := range c.files {
		rep.Partitions[0].Bytes += f.Size
	}
	rep.Outcome = report.OutcomeValid
	rep.OutcomeReason = fmt.Sprintf("%d of %s valid", cnt.Written, report.Count(cnt.Read, "row"))
	return c.seal(ctx, prefix)
}

// warnForeignSuccess says loudly when an invalid partition carries a
// _SUCCESS, that another tool wrote (Spark does) or that an earlier seal
// wrote: Hackle would import it.
func (c *check) warnForeignSuccess(ctx context.Context, prefix string) {
	if _, err := c.o.Store.Stat(ctx, prefix+partition.SuccessName); err != nil {
		return
	}
	if _, err := c.o.Store.Stat(ctx, prefix+partition.ManifestName); err == nil {
		c.o.Log.Error("this partition is not sealable as it is but is sealed already (_manifest.json and _SUCCESS, by an earlier run): Hackle will import it as it is; fix it (--rewrite) or delete that _SUCCESS",
			"partition", prefix)
		return
	}
	c.o.Log.Error("this partition is invalid but carries a _SUCCESS that another tool wrote: Hackle will import it as it is; delete that _SUCCESS until the partition is fixed",
		"partition", prefix)
}

// open checks a part the Reader opened before its rows are read.
func (c *check) open(f *partition.File) error {
	if err := c.checkCanonical(f.Data, f.Size, f.Name); err != nil {
		return err
	}
	c.stats = report.SourceStats{File: f.Key, Format: "parquet", Bytes: f.Size, SHA256: f.SHA256}
	return nil
}

// done records a part whose rows were all read.
func (c *check) done(f *partition.File) error {
	c.rw.Report.Sources = append(c.rw.Report.Sources, c.stats)
	c.files = append(c.files, f.Part)
	return nil
}

// checkCanonical says when a file is readable but not exactly Hackle's
// schema (a nullable column, micros, INT96…): Commit then does not seal it
// as it is, and StrictSchema refuses it outright.
func (c *check) checkCanonical(r io.ReaderAt, size int64, name string) error {
	var diffs []string
	if pf, err := parquet.OpenFile(r, size); err != nil {
		diffs = []string{err.Error()} // tolerant.Open read it: not expected
	} else {
		diffs = parquetfile.SchemaDifferences(pf)
	}
	switch {
	case len(diffs) == 0:
		return nil
	case c.o.StrictSchema:
		return &InvalidError{Reason: fmt.Sprintf("%s is not in Hackle's exact schema (--strict-schema): %s", name, strings.Join(diffs, "; "))}
	}
	c.foreign = append(c.foreign, fmt.Sprintf("%s [%s]", name, listSome(diffs, " | ")))
	c.o.Log.Warn("the file is readable but not in Hackle's exact schema: --commit does not seal it as it is (--rewrite replaces it with canonical parts); export it with the types of docs/schema.md",
		"file", name, "differences", strings.Join(diffs, "; "))
	return nil
}

// row checks one row; a valid one is written to the rewrite, if any.
func (c *check) row(stats *report.SourceStats, r *tolerant.Row) error {
	ev, v, err := c.rows.Row(stats, r)
	if err != nil || v != tally.Accepted {
		return err
	}
	if !keptAsStored(&r.Raw, ev) {
		c.altered++
	}
	if c.rewrite != nil {
		return c.rewrite.write(ev)
	}
	return nil
}
