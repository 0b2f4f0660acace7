package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hackle/hackle-agent/agent/report"

	"github.com/hackle/hackle-agent/tui"
	"github.com/urfave/cli/v2"
)

// inspectOptions are the flags of inspect.
type inspectOptions struct {
	Dir     string
	Plain   bool // print the summary even on a terminal
	NoMouse bool
}

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "browse a run's report and rejected rows in a terminal UI",
		ArgsUsage: "[--plain] [--no-mouse] REPORT_DIR (flags go before the folder)",
		Description: "Opens the report folder written by export or validate (report.json and rejects.ndjson).\n" +
			"When stdout is not a terminal, prints the summary and the top reasons as plain text.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "plain", Usage: "print the plain-text summary even on a terminal", EnvVars: []string{envName("plain")}},
			&cli.BoolFlag{Name: "no-mouse", Usage: "leave the mouse to the terminal (text selection) instead of wheel scrolling", EnvVars: []string{envName("no-mouse")}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("inspect: give one REPORT_DIR (got %d arguments)", c.NArg())
			}
			opts := inspectOptions{Dir: c.Args().First(), Plain: c.Bool("plain"), NoMouse: c.Bool("no-mouse")}
			return runInspect(c.Context, opts, os.Stdin, c.App.Writer)
		},
	}
}

// runInspect opens the UI on opts.Dir when out is a terminal, and prints
// the plain-text summary otherwise. A folder without report.json is a usage
// error naming the path.
func runInspect(ctx context.Context, opts inspectOptions, in io.Reader, out io.Writer) error {
	opts.Dir = newestReport(opts.Dir)
	var err error
	if f, ok := out.(*os.File); ok && isTerminal(f) && !opts.Plain {
		err = tui.Run(ctx, opts.Dir, in, out, tui.Options{NoMouse: opts.NoMouse})
	} else {
		err = tui.PrintSummary(out, opts.Dir)
	}
	if errors.Is(err, tui.ErrNoReport) {
		return usageError{err}
	}
	return err
}

// newestReport is dir when it holds report.json; for a report root (or a
// command's folder in it) it is the report folder below it whose
// report.json was written last, so that `inspect hackle-agent-report`
// opens the latest run. Without any, dir stays (and inspect says so).
func newestReport(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, report.ReportName)); err == nil {
		return dir
	}
	best, bestTime := dir, time.Time{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != report.ReportName {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().After(bestTime) {
			best, bestTime = filepath.Dir(p), fi.ModTime()
		}
		return nil
	})
	return best
}
