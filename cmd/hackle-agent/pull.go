package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/pull"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	_ "github.com/hackle/hackle-agent/agent/pull/sink/file"     // the local-folder sink
	_ "github.com/hackle/hackle-agent/agent/pull/sink/postgres" // postgres://
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/file" // the local-folder source
	"github.com/hackle/hackle-agent/validate"
)

// defaultSink is where pull puts rows when --sink is not given.
const defaultSink = "hackle-pull"

func pullCommand() *cli.Command {
	flags := []cli.Flag{
		stringFlag("source", "", "bucket root to import from: s3://bucket/prefix, gs://bucket/prefix or a folder", "s"),
		stringFlag("sink", defaultSink, "where imported rows go: a folder (canonical Parquet per day) or postgres://user:pw@host/db"),
		stringFlag("source-name", "", "name the sink records the source under (default: the source's absolute path or normalised URL)"),
		stringFlag("state-dir", "", "deprecated and ignored: pull keeps its state in the sink"),
		stringFlag("report-dir", "", "report root: one <root>/pull/<source>-<hash>/dt=YYYY-MM-DD/ report per imported or refused partition; a folder, or s3:// or gs:// (uploaded after each pass) (default ./hackle-agent-report)"),
		stringFlag("date", "", "pull only this day YYYY-MM-DD"),
		stringFlag("from", "", "first day to pull (with --to)"),
		stringFlag("to", "", "last day to pull (inclusive)"),
		&cli.IntFlag{Name: "since", Usage: "pull the last N days up to yesterday (in --partition-timezone)", EnvVars: []string{envName("since")}},
		&cli.IntFlag{Name: "dedup-days", Value: pull.DefaultDedupDays, Usage: "drop insert_ids already imported on this many earlier days (0: within the day only)", EnvVars: []string{envName("dedup-days")}},
		stringFlag("source-timezone", "UTC", "time zone of ts stored as text without an offset"),
		stringFlag("partition-timezone", "UTC", "time zone of the customer's partition days (their export --partition-timezone)"),
		boolFlag("delete-after", "delete a partition's objects from the source once imported (needs delete permission)"),
		boolFlag("watch", "keep polling the source every --interval"),
		&cli.DurationFlag{Name: "interval", Value: 5 * time.Minute, Usage: "--watch: time between polls", EnvVars: []string{envName("interval")}},
		stringFlag("deadline", "", "HH:MM by which yesterday's partition must be imported; an error is logged (exit 4 without --watch) when it is not"),
		stringFlag("deadline-tz", "UTC", "time zone of --deadline, e.g. Asia/Seoul"),
	}
	flags = append(flags, sinkFlags()...)
	flags = append(flags, storeFlags()...)
	flags = append(flags, logFlags()...)
	return &cli.Command{
		Name:      "pull",
		Usage:     "import committed partitions from a bucket into a folder or PostgreSQL (the Hackle side)",
		UsageText: "hackle-agent pull --source URL [--sink DIR|postgres://…] [--date D | --from D1 --to D2 | --since N] [--watch]",
		Description: `Lists the dt=YYYY-MM-DD partitions under --source and imports each one that has
_SUCCESS, once per version (a re-committed partition is imported again and
replaces its rows). _manifest.json, when present, must match the files (names,
sizes, row counts, sha256) or the partition is refused. Parquet written by other
tools is read by column name; every row is validated again and duplicate
insert_ids are dropped, within a day and against --dedup-days earlier days.
Exit codes: 0 ok, 1 usage error, 2 runtime failure, 3 a partition was refused,
4 yesterday's partition missed --deadline.`,
		Flags:  flags,
		Action: func(c *cli.Context) error { return runPullCommand(c) },
	}
}

// pullConfig is what the pull flags resolve to.
type pullConfig struct {
	source, sink, table, sourceAs, reportDir string // sourceAs: --source-name
	storeOpts                                store.Options
	sinkOpts                                 sink.Options
	days                                     pull.Days
	dedupDays                                int
	time                                     validate.TimeFormat
	partitionTZ                              *time.Location
	deleteAfter, watch, quiet                bool
	interval                                 time.Duration
	reportShown                              string // the source's report folder as messages name it
	deadline                                 *pull.Deadline
}

func runPullCommand(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("unexpected argument %q: give the bucket with --source", c.Args().First())
	}
	cfg, err := pullFlags(c)
	if err != nil {
		return err
	}
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	collectAtLimit()
	if cfg.watch {
		return watchPull(c.Context, cfg, log, os.Stderr)
	}
	return pullOnce(c.Context, cfg, log, os.Stderr, time.Now())
}

func pullFlags(c *cli.Context) (*pullConfig, error) {
	cfg := &pullConfig{
		source: c.String("source"), sink: c.String("sink"), table: c.String("table"),
		sourceAs: c.String("source-name"), reportDir: c.String("report-dir"), storeOpts: storeOptions(c), sinkOpts: sinkOptions(c),
		dedupDays: c.Int("dedup-days"), deleteAfter: c.Bool("delete-after"),
		watch: c.Bool("watch"), interval: c.Duration("interval"), quiet: c.Bool("quiet"),
	}
	if cfg.source == "" {
		return nil, usagef("no source: give --source (s3://bucket/prefix, gs://bucket/prefix or a folder)")
	}
	if err := checkLocations(c, "source", "report-dir"); err != nil {
		return nil, err
	}
	if cfg.sink == "" {
		return nil, usagef("--sink is empty: give a folder or postgres://…")
	}
	if cfg.dedupDays < 0 || cfg.interval <= 0 {
		return nil, usagef("--dedup-days must be 0 or more and --interval positive")
	}
	if err := cfg.dayFlags(c); err != nil {
		return nil, err
	}
	var err error
	if cfg.time.Location, err = loadZone("source-timezone", c.String("source-timezone")); err != nil {
		return nil, err
	}
	if cfg.partitionTZ, err = loadZone("partition-timezone", c.String("partition-timezone")); err != nil {
		return nil, err
	}
	cfg.days.Zone = cfg.partitionTZ
	if dl := c.String("deadline"); dl != "" {
		d, err := pull.ParseDeadline(dl, c.String("deadline-tz"))
		if err != nil {
			return nil, usagef("--deadline: %v", err)
		}
		cfg.deadline = &d
	}
	if c.IsSet("state-dir") && !run.humanText() {
		slog.Warn("--state-dir is deprecated and ignored: pull keeps what it imported in the sink; see docs/pull.md")
	} else if c.IsSet("state-dir") {
		fmt.Fprintln(os.Stderr, "hackle-agent pull: --state-dir is deprecated and ignored: pull keeps what it imported in the sink "+
			"(a folder's _hackle_pull_state, a database's <table>_imports table); see docs/pull.md")
	}
	return cfg, nil
}

// dayFlags reads --date, --from/--to and --since, which exclude each other.
func (cfg *pullConfig) dayFlags(c *cli.Context) (err error) {
	cfg.days, err = pull.ParseDays(c.String("date"), c.String("from"), c.String("to"), c.Int("since"), c.IsSet("since"))
	if err != nil {
		return usagef("%w", err)
	}
	return nil
}

// pullOnce runs one pull and turns its outcome into the exit code: 2 for a
// runtime failure, else 4 when the deadline was missed, else 3 when a
// partition was refused.
func pullOnce(ctx context.Context, cfg *pullConfig, log *slog.Logger, w io.Writer, now time.Time) error {
	res, o, err := runPull(ctx, cfg, log, now)
	run.pull = res
	if res != nil && !cfg.quiet && run.humanText() {
		printPullSummary(w, cfg, o, res, err)
	}
	if err != nil {
		return err
	}
	if res.Late != nil { // checked by the run, while the sink was open
		log.Error("partition missed its deadline", "err", res.Late)
		return res.Late // exitCode makes a *pull.LateError 4
	}
	if n := res.Count(pull.Refused); n > 0 {
		for _, p := range res.Partitions {
			if p.Status == pull.Refused {
				first := &pull.RefusedError{Date: p.Date, Reason: p.Reason}
				return reported{fmt.Errorf("%d partition(s) refused, the first: %w", n, first)}
			}
		}
	}
	return nil
}

// runPull opens the source, sink and state and pulls once.
func runPull(ctx context.Context, cfg *pullConfig, log *slog.Logger, now time.Time) (*pull.Result, *pull.Options, error) {
	src, err := store.Open(ctx, cfg.source, cfg.storeOpts)
	if err != nil {
		return nil, nil, runError(fmt.Errorf("--source %s: %w", redact.URL(cfg.source), err))
	}
	defer store.Close(src)
	if err := preflight(ctx, "source", src, false); err != nil {
		return nil, nil, err
	}
	name := cfg.sourceAs
	if name == "" {
		if name, err = pull.SourceName(cfg.source); err != nil {
			return nil, nil, runError(fmt.Errorf("--source %s: %w", redact.URL(cfg.source), err))
		}
	}
	sk, err := sink.Open(ctx, cfg.sink, cfg.sinkOpts)
	if err != nil {
		return nil, nil, err
	}
	defer sk.Close()
	reports, err := report.NewRoot(cfg.reportDir)
	if err != nil {
		return nil, nil, err
	}
	sub := "pull/" + report.SourceFolder(name) // pulls from two sources keep their reports apart
	cfg.reportShown = reports.Shown(sub)
	o := &pull.Options{Source: src, Sink: sk, SourceName: name, DedupDays: cfg.dedupDays, Time: cfg.time, PartitionTZ: cfg.partitionTZ,
		ReportDir: filepath.Join(reports.Local, filepath.FromSlash(sub)), DeleteAfter: cfg.deleteAfter, Version: version, Log: log}
	o.From, o.To = cfg.days.Range(now)
	o.Deadline, o.Now = cfg.deadline, now
	res, err := pull.Run(ctx, *o)
	openStore := func(ctx context.Context, url string) (store.Store, error) { return store.Open(ctx, url, cfg.storeOpts) }
	if uerr := reports.Upload(context.WithoutCancel(ctx), openStore); uerr != nil && err == nil {
		err = uerr
	}
	return res, o, err
}

// watchPull pulls every interval until the context ends (SIGINT, SIGTERM),
// printing a summary of each poll that imported or refused something.
func watchPull(ctx context.Context, cfg *pullConfig, log *slog.Logger, w io.Writer) error {
	poll := func(ctx context.Context, now time.Time) (*pull.Result, *pull.Options, error) {
		return runPull(ctx, cfg, log, now)
	}
	return pull.Watch(ctx, poll, pull.WatchOptions{
		Interval: cfg.interval, Deadline: cfg.deadline, Log: log,
		OnResult: func(res *pull.Result, o *pull.Options, err error) {
			run.poll(res, err)
			if res != nil && !cfg.quiet && run.humanText() && res.Count(pull.Imported)+res.Count(pull.Refused) > 0 {
				printPullSummary(w, cfg, o, res, err)
			}
		},
	})
}

// printPullSummary writes one line per partition and the totals.
func printPullSummary(w io.Writer, cfg *pullConfig, o *pull.Options, res *pull.Result, err error) {
	fmt.Fprintf(w, "\nhackle-agent pull  %s  →  %s\n", o.Source, o.Sink)
	var read, written, rejected, dups int64
	for _, p := range res.Partitions {
		line := string(p.Status)
		switch p.Status {
		case pull.Imported:
			s := p.Summary
			read, written, rejected, dups = read+s.Read, written+s.Written, rejected+s.Rejected, dups+s.Duplicates+s.DuplicatesEarlier
			line = fmt.Sprintf("imported   %s %s (%s rejected, %s duplicates, %s already imported on earlier days)",
				num(s.Written), rows(s.Written), num(s.Rejected), num(s.Duplicates), num(s.DuplicatesEarlier))
		case pull.Unchanged:
			line = "unchanged  (this version was imported before)"
		case pull.NotReady:
			line = "not ready  (no _SUCCESS yet)"
		case pull.Refused:
			line = "REFUSED    " + p.Reason
		}
		if p.Deleted {
			line += "; deleted from the source"
		}
		fmt.Fprintf(w, "  dt=%s  %s\n", p.Date, line)
	}
	if len(res.Partitions) == 0 {
		fmt.Fprintf(w, "  no dt= partitions in the source%s\n", rangeText(o.From, o.To))
	}
	fmt.Fprintf(w, "  partitions  %d imported · %d unchanged · %d not ready · %d refused\n",
		res.Count(pull.Imported), res.Count(pull.Unchanged), res.Count(pull.NotReady), res.Count(pull.Refused))
	fmt.Fprintf(w, "  rows        %s read · %s written · %s rejected · %s duplicates dropped\n", num(read), num(written), num(rejected), num(dups))
	if res.Count(pull.Imported)+res.Count(pull.Refused) > 0 {
		fmt.Fprintf(w, "  reports     %s/dt=…/  (browse: hackle-agent inspect %s/dt=DATE)\n", cfg.reportShown, cfg.reportShown)
	}
	if err != nil {
		fmt.Fprintf(w, "  outcome     FAILED: %v\n", err)
	}
}

// rangeText describes the days pulled: "" for all, " from 2023-01-01 to 2023-01-07".
func rangeText(from, to validate.Date) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case from == to:
		return " for " + from.String()
	}
	return fmt.Sprintf(" from %s to %s", from, to)
}
