package main

import (
	"context"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/export"
)

func init() { commands = append(commands, validateCommand()) }

func validateCommand() *cli.Command {
	flags := append(inputFlags(), logFlags()...)
	return &cli.Command{
		Name:      "validate",
		Usage:     "check inputs against the schema and rules without writing anything",
		UsageText: "hackle-agent validate --input FILE… [--date YYYY-MM-DD] [--config FILE]",
		Description: `Runs the same mapping and validation as export and writes the same report
(report.json, rejects.ndjson), but writes no Parquet. Exit codes: 0 below the
error threshold, 1 usage or config error, 2 runtime failure, 3 too many rows
rejected.`,
		Flags:  flags,
		Action: func(c *cli.Context) error { return runValidate(c.Context, c) },
	}
}

func runValidate(ctx context.Context, c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("unexpected argument %q: inputs go in --input", c.Args().First())
	}
	p, err := loadPipeline(c, time.Now())
	if err != nil {
		return err
	}
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	o := p.opts
	o.Command, o.Log, o.AllowEmpty = "validate", log, true
	var done func()
	o.Progress, done = newProgress(c.Bool("quiet"), inputSize(o.Inputs))
	rep, err := export.Run(ctx, o)
	done()
	err = runError(err)
	if rep != nil && !c.Bool("quiet") && !isUsage(err) {
		printSummary(os.Stderr, rep, o.ReportDir)
	}
	return err
}
