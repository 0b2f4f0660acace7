// Package export is the export pipeline: read inputs, map and validate each
// record, write the valid rows into per-day Parquet parts, and publish each
// partition with the commit protocol, writing a report as it goes.
package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/profile"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/tally"
	"github.com/hackle/hackle-agent/converters/mapping"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// Options configure one export (or, with Dest nil, one validation) run.
type Options struct {
	Inputs  []Input        // see ExpandInputs
	Source  source.Options // format and delimiter; zero values detect
	Mapping *mapping.Config
	Rules   validate.Rules // partition days, time format, tracking plan

	Dest      store.Store // nil: validate only, write no partition
	ReportDir string

	MaxErrorRate float64 // rejected/read above this: nothing is committed
	MaxErrors    int64   // rejected above this: nothing is committed; <0: no limit
	AllowEmpty   bool    // commit a day that has no valid rows

	Guards profile.Options // checks against earlier committed days (guards.go)

	// Shard and Shards (Shards > 1) make this run shard Shard of a sharded
	// export (docs/commit.md, "Sharded export"): it places its parts and a shard manifest, and
	// the commit command writes _SUCCESS once every shard is done. The
	// caller gives each shard its share of the inputs (ShardInputs).
	Shard, Shards int
	DryRun        bool // validate and report; write nothing to Dest

	Parquet parquetfile.Options
	Threads int    // parallelism of parse, validate and encode; <1 means 1
	Command string // "export" or "validate", for the report
	Version string
	Log     *slog.Logger

	// Progress, when set, is called now and then from the goroutine of Run
	// with the input bytes consumed so far (all inputs) and the rows read.
	Progress func(bytes, rows int64)
}

// ThresholdError reports that too many rows were rejected: nothing was committed.
type ThresholdError struct{ Report *report.Report }

func (e *ThresholdError) Error() string { return e.Report.OutcomeReason }

// EmptyError reports that a day had no valid rows to commit.
type EmptyError struct{ Reason string }

func (e *EmptyError) Error() string { return e.Reason }

// Run executes the export. It always returns the report when it got far
// enough to write one, also together with an error.
func Run(ctx context.Context, o Options) (*report.Report, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Parquet.Threads == 0 {
		o.Parquet.Threads = o.Threads
	}
	rep := &report.Report{
		Command:      o.Command,
		AgentVersion: o.Version,
		DryRun:       o.DryRun,
		StartedAt:    time.Now().UTC().Truncate(time.Millisecond),
		Threshold:    report.Threshold{MaxErrorRate: o.MaxErrorRate, MaxErrors: o.MaxErrors},
	}
	for d := o.Rules.From; !o.Rules.To.Before(d); d = d.AddDays(1) {
		rep.Dates = append(rep.Dates, d.String())
	}
	if o.Dest != nil {
		rep.Dest = o.Dest.String()
	}
	rw, err := report.Create(o.ReportDir, rep)
	if err != nil {
		return nil, err
	}
	r := &run{o: o, rep: rep, rw: rw, t: tally.New(rw), days: map[validate.Date]*day{}, ids: dedup.NewBudget(idMemoryKeys)}
	r.tz = tally.NewTZHistogram(o.Rules.From, o.Rules.To, o.Rules.PartitionTZ)
	err = r.execute(ctx)
	rep.FinishedAt = time.Now().UTC().Truncate(time.Millisecond)
	if err != nil && rep.Outcome == "" {
		r.failed(ctx, err) // failure.go
	}
	if cerr := rw.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return rep, err
}

// run is the state of one Run.
type run struct {
	o           Options
	rep         *report.Report
	rw          *report.Writer
	t           *tally.Tally       // the counts, per source and per day
	tz          *tally.TZHistogram // valid ts around the accepted days, for ts_timezone_suspected
	days        map[validate.Date]*day
	staging     string
	stagingLock *os.File // flock held while the run lives (staging.go)
	sources     []partition.Source
	bytesDone   int64         // input bytes of the inputs already read
	ids         *dedup.Budget // the insert_ids the days keep in memory
}

// idMemoryKeys is the budget of insert_ids an export keeps in memory
// (dedup.NewBudget). Tests make it small.
var idMemoryKeys = dedup.DefaultKeys

// day is one partition being written.
type day struct {
	date  validate.Date
	dir   string
	parts *parquetfile.Parts
	seen  *dedup.Set // insert_ids written; closed with the parts
	files []parquetfile.PartInfo

	prof     *profile.Builder // nil when the run writes no profile
	profile  *profile.Profile // once finished
	sidecars []string         // the day's sidecar files in dir
}

func (r *run) execute(ctx context.Context) (err error) {
	if err := r.prepareStaging(); err != nil {
		return err
	}
	defer r.removeStaging()
	defer func() {
		for _, d := range r.days {
			d.seen.Close()
			d.prof.Close()
		}
	}()
	for _, in := range r.o.Inputs {
		if err := r.readInput(ctx, in); err != nil {
			return err
		}
	}
	if err := r.closeParts(); err != nil {
		return err
	}
	counts := &r.rep.Counts
	r.rep.TimezoneHint = r.tz.Hint(r.o.Rules.Time.Location)
	if err := r.t.CheckCounts(); err != nil {
		return err
	}
	if err := r.checkThreshold(); err != nil {
		return err
	}
	dates, err := r.datesToCommit()
	if err != nil {
		return err
	}
	if err := r.guard(ctx, dates); err != nil {
		return err
	}
	if r.o.Dest == nil || r.o.DryRun {
		r.rep.Outcome = report.OutcomeDryRun
		if r.o.Dest == nil {
			r.rep.Outcome = report.OutcomeValid
		}
		r.rep.OutcomeReason = fmt.Sprintf("%d of %s valid; nothing written", counts.Written, report.Count(counts.Read, "row"))
		for _, d := range dates {
			r.rep.Partitions = append(r.rep.Partitions, r.partitionStats(d, false))
		}
		return nil
	}
	return r.publish(ctx, dates)
}

// readInput streams one input through the pipeline (pipeline.go) and
// writes its batches, in input order.
func (r *run) readInput(ctx context.Context, input Input) error {
	name := input.Name
	rc, err := input.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := &hashingReader{r: rc, h: sha256.New()}
	in, err := source.Open(name, h, r.o.Source)
	if err != nil {
		return fmt.Errorf("input %q: %w", name, err)
	}
	defer in.Close()
	mapper, err := mapping.Compile(r.o.Mapping, in.Columns())
	if err != nil {
		return &InputError{fmt.Errorf("input %q: %w", name, err)}
	}
	r.rep.Sources = append(r.rep.Sources, report.SourceStats{File: name, Format: string(in.Format)})
	stats := &r.rep.Sources[len(r.rep.Sources)-1]
	r.o.Log.Info("reading input", "file", name, "format", in.Format, "compression", in.Compression)

	pctx, cancel := context.WithCancel(ctx)
	order, wait := startPipeline(pctx, in, mapper, &r.o.Rules, r.o.Threads)
	defer wait()
	defer cancel()
	var rows int64 // records of the chunks before
	var lines lineTally
	for out := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.o.Progress != nil {
			r.o.Progress(r.bytesDone+h.n.Load(), r.rep.Counts.Read)
		}
		var b *batch
		select {
		case b = <-out:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		if b.err != nil {
			return fmt.Errorf("input %q: after row %d: %w", name, stats.Read, b.err)
		}
		if err := lines.add(b); err != nil {
			return fmt.Errorf("input %q: %w", name, err)
		}
		if err := r.write(name, b, rows, stats); err != nil {
			return err
		}
		rows += int64(b.n)
		b.release()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	wait()
	// Drain what the format reader did not consume, so the checksum covers the file.
	if _, err := io.Copy(io.Discard, h); err != nil {
		return fmt.Errorf("input %q: %w", name, err)
	}
	stats.Bytes, stats.SHA256 = h.n.Load(), hex.EncodeToString(h.h.Sum(nil))
	if err := lines.finish(stats, &r.rep.Counts, in.Lines()); err != nil {
		return fmt.Errorf("input %q: %w", name, err)
	}
	r.bytesDone += stats.Bytes
	// The manifest names a source by its base name: the same file given by
	// another path is the same input, and must not make a re-run commit again.
	r.sources = append(r.sources, partition.Source{Path: path.Base(filepath.ToSlash(name)), Size: stats.Bytes, SHA256: stats.SHA256})
	return nil
}

// write handles the rows of one batch; rows is the number of records of
// the input before it. Nothing may keep a string of the batch once it
// returns (its chunk is recycled): the report keeps copies (EventKey, the
// key of a count), the Parquet writer copies what it writes.
func (r *run) write(name string, b *batch, rows int64, stats *report.SourceStats) error {
	for i := range b.rows[:b.n] {
		rw := &b.rows[i]
		if len(rw.errs) == 0 || !rw.day.IsZero() || slices.ContainsFunc(rw.errs, outOfRange) { // ts valid
			r.tz.Observe(rw.ev.TS)
		}
		if len(rw.errs) > 0 {
			rj := &report.Reject{File: name, Line: rw.line, Lines: rw.lines, Row: rows + rw.num, EventKey: strings.Clone(rw.eventKey), Raw: rw.raw}
			if err := r.t.Reject(stats, rw.day, rj, rw.errs); err != nil {
				return err
			}
			continue
		}
		if err := r.event(name, b, rw, rows, stats); err != nil {
			return err
		}
	}
	return nil
}

func outOfRange(is validate.Issue) bool { return is.Reason == validate.TSOutOfRange }

// event writes a valid row unless its insert_id was seen before on its day.
func (r *run) event(name string, b *batch, rw *row, rows int64, stats *report.SourceStats) error {
	ev := &rw.ev
	d, err := r.day(r.o.Rules.DayOf(ev.TS))
	if err != nil {
		return err
	}
	key := validate.UUIDKey(ev.InsertID)
	isNew, err := d.seen.Add(key)
	if err != nil {
		return fmt.Errorf("partition %s: %w", d.date, err)
	}
	if !isNew {
		rj := &report.Reject{File: name, Line: rw.line, Lines: rw.lines, Row: rows + rw.num, EventKey: strings.Clone(rw.eventKey), Raw: b.chunk.RawJSON(rw.text)}
		rj.Reason, rj.Field, rj.Value = validate.DuplicateInsertID, "insert_id", ev.InsertID
		rj.Message = fmt.Sprintf("insert_id %s was already seen on %s; the first row is kept", ev.InsertID, d.date)
		return r.t.Duplicate(stats, d.date, rj)
	}
	if err := d.parts.Write(ev); err != nil {
		return fmt.Errorf("write partition %s: %w", d.date, err)
	}
	if d.prof != nil {
		d.prof.Add(ev)
	}
	r.t.Accept(stats, d.date, rw.warns)
	return nil
}

// day returns the partition being written for date, starting it if needed.
func (r *run) day(date validate.Date) (*day, error) {
	if d, ok := r.days[date]; ok {
		return d, nil
	}
	dir := filepath.Join(r.staging, "dt="+date.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("staging folder: %w", err)
	}
	d := &day{date: date, dir: dir, parts: parquetfile.NewParts(dir, r.o.Parquet)}
	d.seen = dedup.NewSet(filepath.Join(r.staging, "insert-ids"), "dt="+date.String(), r.ids)
	r.days[date] = d
	if err := r.startProfile(d); err != nil {
		return nil, err
	}
	return d, nil
}

func (r *run) closeParts() error {
	for _, d := range r.days {
		if err := d.seen.Close(); err != nil {
			return fmt.Errorf("partition %s: %w", d.date, err)
		}
		files, err := d.parts.Close()
		if err != nil {
			return fmt.Errorf("write partition %s: %w", d.date, err)
		}
		d.files = files
		if err := r.finishProfile(d); err != nil {
			return err
		}
	}
	return nil
}

// checkThreshold refuses the run when too many rows were rejected, in
// all or, in a backfill, on one day.
func (r *run) checkThreshold() error {
	reason := r.t.Threshold(r.o.Rules.From, r.o.Rules.To)
	if reason == "" {
		return nil
	}
	if r.o.Dest != nil { // validate: there was nothing to commit
		reason += "; nothing committed"
	}
	r.rep.Outcome, r.rep.OutcomeReason = report.OutcomeRejected, reason
	return &ThresholdError{Report: r.rep}
}

// datesToCommit lists the days to publish: those with rows, and with
// AllowEmpty every day of the range.
func (r *run) datesToCommit() ([]validate.Date, error) {
	var dates, empty []validate.Date
	for d := r.o.Rules.From; !r.o.Rules.To.Before(d); d = d.AddDays(1) {
		// A shard with no rows for a day still places its (empty) share,
		// so that the commit can tell it is done.
		if r.t.Day(d).Written > 0 || r.o.AllowEmpty || r.o.Shards > 1 {
			dates = append(dates, d)
		} else {
			empty = append(empty, d)
		}
	}
	if len(dates) == 0 {
		r.rep.Outcome = report.OutcomeRejected
		r.rep.OutcomeReason = fmt.Sprintf("no valid rows for %s (read %d, rejected %d); nothing committed (--allow-empty commits an empty partition)",
			dateList(empty), r.rep.Counts.Read, r.rep.Counts.Rejected)
		return nil, &EmptyError{Reason: r.rep.OutcomeReason}
	}
	for _, d := range empty {
		r.o.Log.Warn("no valid rows for a day of the range; it is not committed", "date", d.String())
	}
	return dates, nil
}

func dateList(ds []validate.Date) string {
	if len(ds) == 1 {
		return ds[0].String()
	}
	return fmt.Sprintf("%s..%s", ds[0], ds[len(ds)-1])
}

// publish commits each day.
func (r *run) publish(ctx context.Context, dates []validate.Date) error {
	changed := 0
	for _, date := range dates {
		d := r.days[date]
		if d == nil {
			d = &day{date: date, dir: r.staging}
		}
		m := r.manifest(d)
		p := &commit.Partition{Date: date.String(), Dir: d.dir, Manifest: m, Sidecars: d.sidecars}
		var res commit.Result
		var err error
		if r.o.Shards > 1 {
			res, err = commit.PublishShard(ctx, r.o.Dest, p, r.o.Shard, r.o.Shards, r.o.Log)
		} else {
			res, err = commit.Publish(ctx, r.o.Dest, p, r.o.Log)
		}
		if err != nil {
			return fmt.Errorf("commit %s/%s: %w", r.o.Dest, partition.Prefix(date.String()), err)
		}
		if res.Changed {
			changed++
		}
		r.rep.Partitions = append(r.rep.Partitions, r.partitionStats(date, res.Changed))
		r.o.Log.Info("partition committed", "partition", partition.Prefix(date.String()), "rows", m.TotalRows,
			"files", len(m.Files), "changed", res.Changed, "uploaded", len(res.Uploaded), "deleted", len(res.Deleted))
	}
	if r.o.Shards > 1 {
		r.rep.Outcome = report.OutcomeShard
		r.rep.OutcomeReason = fmt.Sprintf("shard %d/%d placed %s in %s; run commit once every shard is done",
			r.o.Shard, r.o.Shards, report.Count(r.rep.Counts.Written, "row"), report.Count(len(dates), "partition"))
		return nil
	}
	r.rep.Outcome = report.OutcomeCommitted
	if changed == 0 {
		r.rep.Outcome = report.OutcomeUnchanged
		r.rep.OutcomeReason = "the destination already held exactly this output; nothing was written"
	} else {
		r.rep.OutcomeReason = fmt.Sprintf("%s committed to %s", report.Count(r.rep.Counts.Written, "row"), report.Count(len(dates), "partition"))
	}
	return nil
}

func (r *run) manifest(d *day) *partition.Manifest {
	m := &partition.Manifest{
		Format:       partition.ManifestFormat,
		Date:         d.date.String(),
		AgentVersion: r.o.Version,
		Schema:       commit.Schema,
		Files:        []partition.Part{},
		Sources:      r.sources,
		Validation:   partition.Validation{Written: r.t.Day(d.date).Written, Duplicates: r.t.Day(d.date).Duplicates},
	}
	// Read, rejected and warnings count the whole run. They describe this
	// partition only when the run had one day; in a backfill they would
	// change this day's manifest whenever another day's input changes.
	if r.o.Rules.From != r.o.Rules.To {
		return r.addFiles(m, d)
	}
	m.Validation.Read, m.Validation.Rejected = r.rep.Counts.Read, r.rep.Counts.Rejected
	if len(r.rep.WarningsByReason) > 0 {
		m.Validation.Warnings = map[string]int64{}
		for k, v := range r.rep.WarningsByReason {
			m.Validation.Warnings[string(k)] = v
		}
	}
	return r.addFiles(m, d)
}

// addFiles lists the day's part files in the manifest.
func (r *run) addFiles(m *partition.Manifest, d *day) *partition.Manifest {
	for _, f := range d.files {
		m.Files = append(m.Files, partition.Part{Name: f.Name, Size: f.Size, Rows: f.Rows, SHA256: f.SHA256})
		m.TotalRows += f.Rows
		m.TotalBytes += f.Size
	}
	return m
}

func (r *run) partitionStats(date validate.Date, changed bool) report.PartitionStats {
	ps := report.PartitionStats{Date: date.String(), Changed: changed}
	if d := r.days[date]; d != nil {
		ps.Rows, ps.Files = r.t.Day(date).Written, len(d.files)
		for _, f := range d.files {
			ps.Bytes += f.Size
		}
	}
	return ps
}

// hashingReader counts and hashes what passes through it. n may be read
// from another goroutine than the one reading.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n atomic.Int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n.Add(int64(n))
	h.h.Write(p[:n])
	return n, err
}
