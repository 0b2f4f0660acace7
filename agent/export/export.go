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
	"path/filepath"
	"time"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
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
	DryRun       bool    // validate and report; write nothing to Dest

	Parquet parquetfile.Options
	Threads int    // parallelism of parse, validate and encode; <1 means 1
	Command string // "export" or "validate", for the report
	Version string
	Log     *slog.Logger

	// Progress, when set, is called now and then from the reading goroutine
	// with the input bytes consumed so far (all inputs) and the rows read.
	Progress func(bytes, rows int64)
}

// ThresholdError reports that too many rows were rejected: nothing was committed.
type ThresholdError struct{ Report *validate.Report }

func (e *ThresholdError) Error() string { return e.Report.OutcomeReason }

// EmptyError reports that a day had no valid rows to commit.
type EmptyError struct{ Reason string }

func (e *EmptyError) Error() string { return e.Reason }

// Run executes the export. It always returns the report when it got far
// enough to write one, also together with an error.
func Run(ctx context.Context, o Options) (*validate.Report, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	rep := &validate.Report{
		Command:      o.Command,
		AgentVersion: o.Version,
		DryRun:       o.DryRun,
		StartedAt:    time.Now().UTC().Truncate(time.Millisecond),
		Threshold:    validate.Threshold{MaxErrorRate: o.MaxErrorRate, MaxErrors: o.MaxErrors},
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
	r := &run{o: o, rep: rep, rw: rw, days: map[validate.Date]*day{}}
	err = r.execute(ctx)
	rep.FinishedAt = time.Now().UTC().Truncate(time.Millisecond)
	if err != nil && rep.Outcome == "" {
		rep.Outcome, rep.OutcomeReason = validate.OutcomeFailed, err.Error()
	}
	if cerr := rw.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return rep, err
}

// run is the state of one Run.
type run struct {
	o         Options
	rep       *validate.Report
	rw        *report.Writer
	days      map[validate.Date]*day
	staging   string
	sources   []commit.Source
	bytesDone int64 // input bytes of the inputs already read
}

// day is one partition being written.
type day struct {
	date    validate.Date
	dir     string
	parts   *parquetfile.Parts
	seen    map[[16]byte]struct{}
	written int64
	dups    int64
	files   []parquetfile.PartInfo
}

func (r *run) execute(ctx context.Context) (err error) {
	if err := r.prepareStaging(); err != nil {
		return err
	}
	defer os.RemoveAll(r.staging)
	for _, in := range r.o.Inputs {
		if err := r.readInput(ctx, in); err != nil {
			return err
		}
	}
	if err := r.closeParts(); err != nil {
		return err
	}
	counts := &r.rep.Counts
	counts.Written = 0
	for _, d := range r.days {
		counts.Written += d.written
	}
	if counts.Read != counts.Written+counts.Rejected+counts.Duplicates {
		return fmt.Errorf("internal error: counts do not add up: read %d ≠ written %d + rejected %d + duplicates %d",
			counts.Read, counts.Written, counts.Rejected, counts.Duplicates)
	}
	if err := r.checkThreshold(); err != nil {
		return err
	}
	dates, err := r.datesToCommit()
	if err != nil {
		return err
	}
	if r.o.Dest == nil || r.o.DryRun {
		r.rep.Outcome = validate.OutcomeDryRun
		if r.o.Dest == nil {
			r.rep.Outcome = validate.OutcomeValid
		}
		r.rep.OutcomeReason = fmt.Sprintf("%d of %d rows valid; nothing written", counts.Written, counts.Read)
		for _, d := range dates {
			r.rep.Partitions = append(r.rep.Partitions, r.partitionStats(d, false))
		}
		return nil
	}
	return r.publish(ctx, dates)
}

// prepareStaging makes this run's staging folder and removes those that
// killed runs left behind.
func (r *run) prepareStaging() error {
	base := ""
	if st, ok := r.o.Dest.(store.Stager); ok && !r.o.DryRun {
		dir, err := st.StagingDir()
		if err != nil {
			return err
		}
		base = dir
		removeAbandoned(base, r.o.Log)
	}
	dir, err := os.MkdirTemp(base, "run-")
	if err != nil {
		return fmt.Errorf("staging folder: %w", err)
	}
	r.staging = dir
	return os.WriteFile(filepath.Join(dir, "pid"), []byte(fmt.Sprint(os.Getpid())), 0o644)
}

// readInput streams one input through mapping and validation.
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
	r.rep.Sources = append(r.rep.Sources, validate.SourceStats{File: name, Format: string(in.Format)})
	stats := &r.rep.Sources[len(r.rep.Sources)-1]
	r.o.Log.Info("reading input", "file", name, "format", in.Format, "compression", in.Compression)

	var raw validate.Raw
	var ev validate.Event
	for {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("input %q: after row %d: %w", name, stats.Read, err)
		}
		if stats.Read%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.o.Progress != nil {
				r.o.Progress(r.bytesDone+h.n, r.rep.Counts.Read)
			}
		}
		stats.Read++
		r.rep.Counts.Read++
		if err := r.row(name, mapper, rec, &raw, &ev, stats); err != nil {
			return err
		}
	}
	// Drain what the format reader did not consume, so the checksum covers the file.
	if _, err := io.Copy(io.Discard, h); err != nil {
		return fmt.Errorf("input %q: %w", name, err)
	}
	stats.Bytes, stats.SHA256 = h.n, hex.EncodeToString(h.h.Sum(nil))
	r.bytesDone += h.n
	r.sources = append(r.sources, commit.Source{Path: name, Size: stats.Bytes, SHA256: stats.SHA256})
	return nil
}

// row handles one record.
func (r *run) row(name string, mapper *mapping.Mapper, rec *source.Record, raw *validate.Raw, ev *validate.Event, stats *validate.SourceStats) error {
	var errs, warns []validate.Issue
	if rec.Err != nil {
		errs = []validate.Issue{{Reason: validate.RecordInvalid, Message: rec.Err.Error()}}
	} else {
		errs = mapper.Map(rec, raw)
		e, w := r.o.Rules.Check(raw, ev)
		errs, warns = append(errs, e...), w
	}
	if len(errs) > 0 {
		stats.Rejected++
		return r.rw.Reject(r.reject(name, rec, raw), errs)
	}
	d, err := r.day(r.o.Rules.DayOf(ev.TS))
	if err != nil {
		return err
	}
	key := validate.UUIDKey(ev.InsertID)
	if _, dup := d.seen[key]; dup {
		d.dups++
		stats.Duplicates++
		rj := r.reject(name, rec, raw)
		rj.Reason, rj.Field, rj.Value = validate.DuplicateInsertID, "insert_id", ev.InsertID
		rj.Message = fmt.Sprintf("insert_id %s was already seen on %s; the first row is kept", ev.InsertID, d.date)
		return r.rw.Duplicate(rj)
	}
	d.seen[key] = struct{}{}
	r.rw.Warn(warns)
	if err := d.parts.Write(ev); err != nil {
		return fmt.Errorf("write partition %s: %w", d.date, err)
	}
	d.written++
	stats.Written++
	return nil
}

func (r *run) reject(name string, rec *source.Record, raw *validate.Raw) *validate.Reject {
	return &validate.Reject{File: name, Line: rec.Line, Row: rec.Row, EventKey: raw.EventKey, Raw: rec.RawJSON()}
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
	d := &day{date: date, dir: dir, parts: parquetfile.NewParts(dir, r.o.Parquet), seen: map[[16]byte]struct{}{}}
	r.days[date] = d
	return d, nil
}

func (r *run) closeParts() error {
	for _, d := range r.days {
		files, err := d.parts.Close()
		if err != nil {
			return fmt.Errorf("write partition %s: %w", d.date, err)
		}
		d.files = files
	}
	return nil
}

// checkThreshold refuses the run when too many rows were rejected.
func (r *run) checkThreshold() error {
	c, t := r.rep.Counts, &r.rep.Threshold
	if c.Read > 0 {
		t.ErrorRate = float64(c.Rejected) / float64(c.Read)
	}
	switch {
	case t.ErrorRate > t.MaxErrorRate:
		t.Exceeded = true
		r.rep.OutcomeReason = fmt.Sprintf("%d of %d rows rejected (%.2f%%), above --max-error-rate %g (%.2f%%); nothing committed",
			c.Rejected, c.Read, 100*t.ErrorRate, t.MaxErrorRate, 100*t.MaxErrorRate)
	case t.MaxErrors >= 0 && c.Rejected > t.MaxErrors:
		t.Exceeded = true
		r.rep.OutcomeReason = fmt.Sprintf("%d rows rejected, above --max-errors %d; nothing committed", c.Rejected, t.MaxErrors)
	default:
		return nil
	}
	r.rep.Outcome = validate.OutcomeRejected
	return &ThresholdError{Report: r.rep}
}

// datesToCommit lists the days to publish: those with rows, and with
// AllowEmpty every day of the range.
func (r *run) datesToCommit() ([]validate.Date, error) {
	var dates, empty []validate.Date
	for d := r.o.Rules.From; !r.o.Rules.To.Before(d); d = d.AddDays(1) {
		if dd, ok := r.days[d]; ok && dd.written > 0 || r.o.AllowEmpty {
			dates = append(dates, d)
		} else {
			empty = append(empty, d)
		}
	}
	if len(dates) == 0 {
		r.rep.Outcome = validate.OutcomeRejected
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
		res, err := commit.Publish(ctx, r.o.Dest, &commit.Partition{Date: date.String(), Dir: d.dir, Manifest: m}, r.o.Log)
		if err != nil {
			return fmt.Errorf("commit %s/%s: %w", r.o.Dest, commit.PartitionPrefix(date.String()), err)
		}
		if res.Changed {
			changed++
		}
		r.rep.Partitions = append(r.rep.Partitions, r.partitionStats(date, res.Changed))
		r.o.Log.Info("partition committed", "partition", commit.PartitionPrefix(date.String()), "rows", m.TotalRows,
			"files", len(m.Files), "changed", res.Changed, "uploaded", len(res.Uploaded), "deleted", len(res.Deleted))
	}
	r.rep.Outcome = validate.OutcomeCommitted
	if changed == 0 {
		r.rep.Outcome = validate.OutcomeUnchanged
		r.rep.OutcomeReason = "the destination already held exactly this output; nothing was written"
	} else {
		r.rep.OutcomeReason = fmt.Sprintf("%d rows committed to %d partition(s)", r.rep.Counts.Written, len(dates))
	}
	return nil
}

func (r *run) manifest(d *day) *commit.Manifest {
	m := &commit.Manifest{
		Format:       commit.ManifestFormat,
		Date:         d.date.String(),
		AgentVersion: r.o.Version,
		Schema:       commit.Schema,
		Files:        []commit.File{},
		Sources:      r.sources,
		Validation: commit.Validation{
			Read: r.rep.Counts.Read, Written: d.written, Rejected: r.rep.Counts.Rejected, Duplicates: d.dups,
		},
	}
	if len(r.rep.WarningsByReason) > 0 {
		m.Validation.Warnings = map[string]int64{}
		for k, v := range r.rep.WarningsByReason {
			m.Validation.Warnings[string(k)] = v
		}
	}
	for _, f := range d.files {
		m.Files = append(m.Files, commit.File{Name: f.Name, Size: f.Size, Rows: f.Rows, SHA256: f.SHA256})
		m.TotalRows += f.Rows
		m.TotalBytes += f.Size
	}
	return m
}

func (r *run) partitionStats(date validate.Date, changed bool) validate.PartitionStats {
	ps := validate.PartitionStats{Date: date.String(), Changed: changed}
	if d := r.days[date]; d != nil {
		ps.Rows, ps.Files = d.written, len(d.files)
		for _, f := range d.files {
			ps.Bytes += f.Size
		}
	}
	return ps
}

// removeAbandoned deletes staging folders of runs whose process is gone.
func removeAbandoned(base string, log *slog.Logger) {
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		dir := filepath.Join(base, e.Name())
		pid := 0
		if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
			fmt.Sscan(string(b), &pid)
		}
		if pid > 0 && processAlive(pid) {
			continue
		}
		log.Info("removing the staging folder of an interrupted run", "folder", dir)
		os.RemoveAll(dir)
	}
}

// hashingReader counts and hashes what passes through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += int64(n)
	h.h.Write(p[:n])
	return n, err
}
