package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/hackle/hackle-agent/agent/pull"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/runlog"
)

func logFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "log-format", Value: "auto", Usage: "auto (text on a terminal, JSON otherwise), text or json", EnvVars: []string{envName("log-format")}},
		&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error", EnvVars: []string{envName("log-level")}},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "log warnings and errors only, and no summary", EnvVars: []string{envName("quiet")}},
		outputFlag(),
		metricsFileFlag(),
	}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// newLogger builds the slog logger for the log flags: text on a TTY, JSON otherwise.
func newLogger(c *cli.Context, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		return nil, usagef("--log-level %q: use debug, info, warn or error", c.String("log-level"))
	}
	if c.Bool("quiet") && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	format := c.String("log-format")
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && isTerminal(f) {
			format = "text"
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: use auto, text or json", format)
}

// outputFlag and metricsFileFlag are the flags of a run's end; they go with
// the log flags (export, validate, pull, commit).
func outputFlag() cli.Flag {
	return &cli.StringFlag{Name: "output", Value: "text", Usage: "text, or json: print the run's result document (docs/logging.md) on stdout", EnvVars: []string{envName("output")}}
}

func metricsFileFlag() cli.Flag {
	return &cli.StringFlag{Name: "metrics-file", Usage: "write the run's Prometheus metrics to this file (node_exporter textfile collector; docs/logging.md)", EnvVars: []string{envName("metrics-file")}}
}

// runState is what main knows about the current run when it ends: the
// command, the log and output settings, and the report or pull result the
// command left. A command sets it through Before (the parsed flags) and
// endSummary (report) or pullOnce/poll (pull); a run that fails before (a usage error) keeps what
// readArgs found in the arguments and the environment.
type runState struct {
	command     string
	start       time.Time
	format      string // text or json, resolved
	strictJSON  bool   // --log-format json given: stderr is JSON lines only
	level       slog.Level
	quiet       bool
	output      string
	metricsFile string
	report      *report.Report
	pull        *pull.Result
}

var run = &runState{start: time.Now(), format: "auto", output: "text"}

// readArgs fills the state from the raw arguments and environment, for
// runs that end before their flags are parsed.
func (s *runState) readArgs(args []string, names []string) {
	value := map[string]string{}
	for _, k := range []string{"log-format", "log-level", "output", "metrics-file", "quiet"} {
		if v, ok := os.LookupEnv(envName(k)); ok {
			value[k] = v
		}
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if s.command == "" && slices.Contains(names, a) {
				s.command = a
			}
			continue
		}
		k, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch k {
		case "q", "quiet":
			if !hasValue {
				v = "true"
			}
			value["quiet"] = v
		case "log-format", "log-level", "output", "metrics-file":
			if !hasValue && i+1 < len(args) {
				i++
				v = args[i]
			}
			value[k] = v
		}
	}
	if s.command == "" {
		s.command = "hackle-agent"
	}
	s.set(value["log-format"], value["log-level"], value["output"], value["metrics-file"], value["quiet"] == "true" || value["quiet"] == "1")
}

// fromFlags fills the state from a command's parsed flags (config file
// included).
func (s *runState) fromFlags(c *cli.Context) {
	s.command = c.Command.Name
	if !hasFlag(c.Command, "log-format") {
		return // check, init, inspect, policy: what readArgs found
	}
	s.set(c.String("log-format"), c.String("log-level"), c.String("output"), c.String("metrics-file"), c.Bool("quiet"))
	slog.SetDefault(s.logger()) // libraries' logs (the AWS SDK's, GCS's) go through it
}

func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

func (s *runState) set(format, level, output, metricsFile string, quiet bool) {
	s.strictJSON = format == "json"
	s.format = "json"
	if format == "text" || (format != "json" && isTerminal(os.Stderr)) {
		s.format = "text"
	}
	s.level = slog.LevelInfo
	_ = s.level.UnmarshalText([]byte(level)) // a bad level is the command's usage error
	s.quiet = quiet
	if quiet && s.level < slog.LevelWarn {
		s.level = slog.LevelWarn
	}
	s.output, s.metricsFile = output, metricsFile
}

// humanText reports whether human-readable text (summaries, plain error
// lines) may go to stderr: not with --log-format json, whose stderr is JSON
// lines only.
func (s *runState) humanText() bool { return !s.strictJSON }

// logger is the run's final logger, as newLogger builds it, for main.
func (s *runState) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: s.level}
	if s.format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// result builds the run's result document from the command's report or
// pull result and its exit code.
func (s *runState) result(err error, code int, now time.Time) *runlog.Result {
	r := &runlog.Result{Command: s.command, ExitCode: code, StartedAt: s.start.UTC(), FinishedAt: now.UTC(),
		Duration: now.Sub(s.start).Seconds(), Partitions: runlog.Partitions{}}
	if err != nil {
		r.Reason = redactText(err.Error())
	}
	switch {
	case s.report != nil:
		rep := s.report
		r.Outcome, r.Report = rep.Outcome, rep
		r.Counts = runlog.Counts{Read: rep.Counts.Read, Written: rep.Counts.Written, Rejected: rep.Counts.Rejected, Duplicates: rep.Counts.Duplicates}
		if r.Reason == "" && code != 0 {
			r.Reason = redactText(rep.OutcomeReason)
		}
		for _, p := range rep.Partitions {
			r.Bytes += p.Bytes
			part := runlog.Partition{Date: p.Date, Counts: runlog.Counts{Read: -1, Written: p.Rows, Rejected: -1, Duplicates: -1}, Bytes: p.Bytes}
			if len(rep.Dates) == 1 {
				part.Counts = r.Counts
			}
			r.Partitions = append(r.Partitions, part)
		}
		if len(rep.Partitions) == 0 && len(rep.Dates) == 1 {
			r.Partitions = append(r.Partitions, runlog.Partition{Date: rep.Dates[0], Counts: r.Counts})
		}
		if code != 0 && (r.Outcome == "" || r.Outcome == report.OutcomeCommitted || r.Outcome == report.OutcomeValid) {
			r.Outcome = runlog.OutcomeFor(code)
		}
	case s.pull != nil:
		r.Outcome = runlog.OutcomeFor(code)
		for _, p := range s.pull.Partitions {
			part := runlog.Partition{Date: p.Date, Status: string(p.Status), Reason: redactText(p.Reason)}
			if sm := p.Summary; sm != nil {
				part.Counts = runlog.Counts{Read: sm.Read, Written: sm.Written, Rejected: sm.Rejected, Duplicates: sm.Duplicates + sm.DuplicatesEarlier}
			} else if rep := p.Report; rep != nil {
				part.Counts = runlog.Counts{Read: rep.Counts.Read, Written: rep.Counts.Written, Rejected: rep.Counts.Rejected, Duplicates: rep.Counts.Duplicates}
			}
			if rep := p.Report; rep != nil {
				for _, src := range rep.Sources { // the partition's Parquet files, as read
					part.Bytes += src.Bytes
				}
			}
			r.Counts.Add(part.Counts)
			r.Bytes += part.Bytes
			r.Partitions = append(r.Partitions, part)
		}
	default:
		r.Outcome = runlog.OutcomeFor(code)
	}
	return r
}

// redactText scrubs the secrets of the run's arguments and environment
// (URLs with passwords, secret query parameters, secret keys) from msg.
func redactText(msg string) string {
	var extra []string
	for _, k := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PGPASSWORD"} {
		extra = append(extra, os.Getenv(k))
	}
	var raws []string
	for _, a := range os.Args[1:] {
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			a = v
		}
		if strings.Contains(a, "://") {
			raws = append(raws, a)
		}
	}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "HACKLE_AGENT_") && strings.Contains(v, "://") {
			raws = append(raws, v)
		}
	}
	msg = redact.Text(msg, "", extra...)
	for _, raw := range raws {
		msg = redact.Text(msg, raw)
	}
	return msg
}

// finish ends the run: the plain error line (text mode), the run finished
// record, the result document on stdout (--output json) and the metrics
// file (--metrics-file).
func (s *runState) finish(err error, code int, now time.Time) {
	res := s.result(err, code, now)
	if err != nil && !isReported(err) && s.humanText() && !s.quiet {
		fmt.Fprintf(os.Stderr, "hackle-agent: %s\n", res.Reason)
	}
	log := s.logger()
	if s.metricsFile != "" {
		if merr := runlog.WriteMetrics(s.metricsFile, res); merr != nil {
			log.Error("writing the metrics file", "err", merr)
		}
	}
	if s.output == "json" {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(os.Stdout, "%s\n", b)
	}
	runlog.Log(log, res) // with -q, an ERROR record is the one line with the reason

}

// poll records one poll of pull --watch: its partitions become the run's,
// and --metrics-file is rewritten after each poll, so that a long-running
// watch is monitored like a batch job.
func (s *runState) poll(res *pull.Result, err error) {
	if res != nil {
		s.pull = res
	}
	if s.metricsFile == "" {
		return
	}
	code := exitCode(err)
	if err == nil && res != nil && res.Count(pull.Refused) > 0 {
		code = exitRejected
	}
	if merr := runlog.WriteMetrics(s.metricsFile, s.result(err, code, time.Now())); merr != nil {
		slog.Error("writing the metrics file", "err", merr)
	}
}
