package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/export"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// flag helpers: every flag also reads HACKLE_AGENT_<NAME>.
func stringFlag(name, value, usage string, aliases ...string) *cli.StringFlag {
	return &cli.StringFlag{Name: name, Value: value, Usage: usage, Aliases: aliases, EnvVars: []string{envName(name)}}
}

func boolFlag(name, usage string) *cli.BoolFlag {
	return &cli.BoolFlag{Name: name, Usage: usage, EnvVars: []string{envName(name)}}
}

// inputFlags are the flags of commands that read exports: export and validate.
func inputFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.StringSliceFlag{Name: "input", Aliases: []string{"i"}, Usage: "input file, glob, folder, s3:// or gs:// object, prefix/ or glob (repeatable); - reads stdin; gzip/zstd decompressed; {date}, {yyyymmdd}, {yyyy}, {mm}, {dd}, {date-1} name the partition day", EnvVars: []string{envName("input")}},
		stringFlag("format", "", "input format: csv, ndjson, json or parquet (default: from the extension)"),
		stringFlag("delimiter", "", "CSV delimiter (one character; \\t for tab) (default: ',', or tab for .tsv)"),
		&cli.StringSliceFlag{Name: "include", Usage: "of the files a folder, glob or prefix input holds, read only those whose name matches this glob (repeatable)", EnvVars: []string{envName("include")}},
		&cli.StringSliceFlag{Name: "exclude", Usage: "of the files a folder, glob or prefix input holds, skip those whose name matches this glob (repeatable)", EnvVars: []string{envName("exclude")}},
		boolFlag("no-header", "CSV inputs have no header row: their first line is a row, named by --columns"),
		&cli.StringSliceFlag{Name: "columns", Usage: "with --no-header: the CSV columns' names in order, e.g. insert_id,event_key,ts", EnvVars: []string{envName("columns")}},
		stringFlag("date", "", "partition day YYYY-MM-DD (default: yesterday in --partition-timezone)"),
		stringFlag("from", "", "first day of a backfill range (with --to); each row goes to its own day"),
		stringFlag("to", "", "last day of a backfill range (inclusive)"),
		stringFlag("partition-timezone", "UTC", "time zone that decides which day a row belongs to"),
		stringFlag("source-timezone", "UTC", "time zone of timestamps written without an offset, e.g. Asia/Seoul"),
		stringFlag("ts-format", "auto", "timestamp format: auto, rfc3339, unix_s, unix_ms, unix_us, unix_ns, or a Go layout such as \"2006-01-02 15:04:05\""),
		stringFlag("tracking-plan", "", "tracking plan file (JSON or YAML): a JSON Schema per event_key"),
		stringFlag("report-dir", "", "report root: reports go to <root>/<command>/dt=DAY/; a folder, or s3:// or gs:// (uploaded at the end) (default ./hackle-agent-report)"),
		&cli.Float64Flag{Name: "max-error-rate", Value: 0.01, Usage: "commit nothing when more than this share of rows is rejected", EnvVars: []string{envName("max-error-rate")}},
		&cli.Int64Flag{Name: "max-errors", Value: -1, Usage: "commit nothing when more rows than this are rejected (-1: no limit)", EnvVars: []string{envName("max-errors")}},
		&cli.IntFlag{Name: "max-record-bytes", Value: source.DefaultMaxRecordBytes, Usage: "reject a record (CSV row, NDJSON line) longer than this, as record_too_large, and read on after it", EnvVars: []string{envName("max-record-bytes")}},
		&cli.IntFlag{Name: "max-record-lines", Value: source.DefaultMaxRecordLines, Usage: "physical lines a CSV row may span through quoted newlines; past it, the quote is taken for a stray one (csv_unterminated_quote)", EnvVars: []string{envName("max-record-lines")}},
	}
	return append(flags, storeFlags()...)
}

// pipeline holds what the input flags resolve to.
type pipeline struct {
	opts        export.Options
	reports     *report.Root // --report-dir: local, or uploaded at the end
	reportShown string       // the report folder as messages name it
}

// loadPipeline reads the config file, applies it to the flags and turns the
// input flags into export options for the command. Every error in the
// flags is a usage error naming the flag.
func loadPipeline(c *cli.Context, now time.Time) (*pipeline, error) {
	if c.NArg() > 0 {
		return nil, usagef("unexpected argument %q: inputs go in --input", c.Args().First())
	}
	if err := checkLocations(c, "input", "report-dir", "dest"); err != nil {
		return nil, err
	}
	p := &pipeline{}
	p.opts.Command = c.Command.Name
	if cf := appliedConfig(c); cf != nil {
		p.opts.Mapping = cf.Mapping
	}
	openStore := p.openStore(c)
	if err := p.rules(c, now); err != nil {
		return nil, err
	}
	patterns, err := export.ResolveTemplates(c.StringSlice("input"), p.opts.Rules.From, p.opts.Rules.To)
	if err != nil {
		return nil, runError(err)
	}
	filter := export.Filter{Include: c.StringSlice("include"), Exclude: c.StringSlice("exclude"), AnyExtension: c.String("format") != ""}
	inputs, notData, err := export.ExpandFiltered(c.Context, patterns, openStore, filter)
	if err != nil {
		return nil, runError(err)
	}
	p.opts.Inputs = inputs
	if p.opts.Source.Format, err = source.ParseFormat(c.String("format")); err != nil {
		return nil, usagef("--format: %v", err)
	}
	if p.opts.Source.Delimiter, err = parseDelimiter(c.String("delimiter")); err != nil {
		return nil, err
	}
	p.opts.Source.NoHeader, p.opts.Source.Columns = c.Bool("no-header"), c.StringSlice("columns")
	if p.opts.Source.NoHeader != (len(p.opts.Source.Columns) > 0) {
		return nil, usagef("--no-header and --columns go together: --no-header --columns NAME,NAME,… names the cells of a CSV without a header row")
	}
	p.opts.Source.MaxRecordBytes, p.opts.Source.MaxRecordLines = c.Int("max-record-bytes"), c.Int("max-record-lines")
	if p.opts.Source.MaxRecordBytes < 1 || p.opts.Source.MaxRecordLines < 1 {
		return nil, usagef("--max-record-bytes and --max-record-lines must be at least 1")
	}
	p.opts.MaxErrorRate = c.Float64("max-error-rate")
	if p.opts.MaxErrorRate < 0 || p.opts.MaxErrorRate > 1 {
		return nil, usagef("--max-error-rate %g: give a share between 0 and 1, e.g. 0.01 for 1%%", p.opts.MaxErrorRate)
	}
	p.opts.MaxErrors = c.Int64("max-errors")
	if p.reports, err = report.NewRoot(c.String("report-dir")); err != nil {
		return nil, err
	}
	days := report.Days(p.opts.Rules.From.String(), p.opts.Rules.To.String())
	p.opts.ReportDir = report.Folder(p.reports.Local, p.opts.Command, days)
	p.reportShown = p.reports.Shown(p.opts.Command + "/dt=" + days)
	p.opts.Version = version
	if p.opts.Log, err = newLogger(c, os.Stderr); err != nil {
		return nil, err
	}
	if len(notData) > 0 {
		p.opts.Log.Warn("skipped files that are not data (by extension, --include, --exclude)", "count", len(notData), "files", notData)
	}
	return p, p.skipOwnOutputs(c.String("dest"))
}

// openStore opens a URL with the store flags.
func (p *pipeline) openStore(c *cli.Context) export.OpenStore {
	return func(ctx context.Context, url string) (store.Store, error) {
		return store.Open(ctx, url, storeOptions(c))
	}
}

// skipOwnOutputs drops the agent's own outputs (the report folder, a local
// destination, report files of earlier runs) from the inputs that folders
// and globs expanded to, so that a re-run never reads them as data.
func (p *pipeline) skipOwnOutputs(dest string) error {
	out := export.Outputs{ReportDir: p.opts.ReportDir}
	if u, err := store.Parse(dest); err == nil && u.Scheme == "file" {
		out.Dest = u.Path
	}
	kept, skipped := export.SkipOwnOutputs(p.opts.Inputs, out)
	if len(skipped) == 0 {
		return nil
	}
	p.opts.Log.Info("not reading the agent's own outputs as inputs", "skipped", skipped)
	if len(kept) == 0 {
		return usagef("--input: every file found is an output of the agent (%s); name the data files", strings.Join(skipped, ", "))
	}
	p.opts.Inputs = kept
	return nil
}

// run executes the pipeline with a progress bar on a terminal, prints the
// end-of-run summary (except after a usage error, which is one line), and
// turns its error into the CLI's kinds.
func (p *pipeline) run(ctx context.Context, c *cli.Context) (*report.Report, error) {
	var done func()
	p.opts.Progress, done = newProgress(c.Bool("quiet"), inputSize(p.opts.Inputs))
	rep, err := export.Run(ctx, p.opts)
	done()
	if uerr := p.reports.Upload(context.WithoutCancel(ctx), p.openStore(c)); uerr != nil && err == nil {
		err = uerr
	}
	err = runError(err)
	if !isUsage(err) {
		endSummary(c.Bool("quiet"), rep, p.reportShown)
	}
	return rep, err
}

// rules fills the validation rules from the time and plan flags.
func (p *pipeline) rules(c *cli.Context, now time.Time) error {
	r := &p.opts.Rules
	var err error
	if r.PartitionTZ, err = loadZone("partition-timezone", c.String("partition-timezone")); err != nil {
		return err
	}
	if r.Time.Location, err = loadZone("source-timezone", c.String("source-timezone")); err != nil {
		return err
	}
	r.Time.Layout = c.String("ts-format")
	if err := r.Time.Validate(); err != nil {
		return usagef("--ts-format %q: %v", r.Time.Layout, err)
	}
	date, from, to := c.String("date"), c.String("from"), c.String("to")
	switch {
	case date != "" && (from != "" || to != ""):
		return usagef("give either --date or --from/--to, not both")
	case (from == "") != (to == ""):
		return usagef("--from and --to go together")
	case from != "":
		if r.From, err = parseDate("from", from); err != nil {
			return err
		}
		if r.To, err = parseDate("to", to); err != nil {
			return err
		}
		if r.To.Before(r.From) {
			return usagef("--to %s is before --from %s", to, from)
		}
	case date != "":
		if r.From, err = parseDate("date", date); err != nil {
			return err
		}
		r.To = r.From
	default:
		r.From = validate.Yesterday(now, r.PartitionTZ)
		r.To = r.From
	}
	if path := c.String("tracking-plan"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return usagef("--tracking-plan %s: %v", path, unwrapPathError(err))
		}
		if r.Plan, err = validate.LoadPlan(b, path); err != nil {
			return usagef("--tracking-plan %s: %v", path, err)
		}
	}
	return nil
}

func parseDate(flag, s string) (validate.Date, error) {
	d, err := validate.ParseDate(s)
	if err != nil {
		return d, usagef("--%s %q: not a date: use YYYY-MM-DD, e.g. 2023-01-01", flag, s)
	}
	return d, nil
}

func loadZone(flag, name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, usagef("--%s %q: unknown time zone: use an IANA name such as UTC or Asia/Seoul", flag, name)
	}
	return loc, nil
}

// parseDelimiter reads --delimiter; "" is 0: the input's name decides.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case `\t`, "tab":
		return '\t', nil
	}
	r := []rune(s)
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		return 0, usagef("--delimiter %q: give one character other than a quote or newline", s)
	}
	return r[0], nil
}

// runError turns a pipeline error into the CLI's error kinds.
func runError(err error) error {
	var ie *export.InputError
	var te *export.ThresholdError
	var ee *export.EmptyError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return usageError{err}
	case errors.As(err, &te), errors.As(err, &ee):
		return reported{err} // the summary says it; exitCode makes it 3
	case errors.Is(err, source.ErrUnknownFormat), errors.Is(err, source.ErrDuplicateColumn), errors.Is(err, store.ErrUnsupported),
		errors.Is(err, source.ErrHeaderLooksLikeData):
		return usageError{err}
	}
	return fmt.Errorf("%w", err)
}
