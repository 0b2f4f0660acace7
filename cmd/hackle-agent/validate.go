package main

import (
	"context"
	"os"
	"time"

	"github.com/urfave/cli/v2"
)

func validateCommand() *cli.Command {
	flags := append(inputFlags(), logFlags()...)
	flags = append(flags,
		boolFlag("tui", "open the report in the terminal UI (inspect) when the run ends"),
		stringFlag("partition", "", "check an existing partition instead of inputs: <bucket root>/dt=YYYY-MM-DD (a folder, s3:// or gs://)"),
		boolFlag("commit", "with --partition: seal the partition with _manifest.json and _SUCCESS when Hackle can import its files as they are (exact schema, no rejected or duplicate rows)"),
		boolFlag("rewrite", "with --partition --commit: below the thresholds, replace files that are not sealable as they are with canonical parts of the valid, deduplicated rows"),
		boolFlag("strict-schema", "with --partition: refuse files that are readable but not in Hackle's exact schema (nullable columns, INT96, micros…)"),
	)
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
	if c.IsSet("partition") || c.String("partition") != "" {
		return runValidatePartition(ctx, c)
	}
	if c.Bool("commit") || c.Bool("rewrite") {
		return usagef("--commit and --rewrite go with --partition")
	}
	p, err := loadPipeline(c, time.Now())
	if err != nil {
		return err
	}
	p.opts.AllowEmpty = true
	rep, err := p.run(ctx, c)
	if rep != nil && c.Bool("tui") && !isUsage(err) {
		// The run's own outcome (exit 3 above the threshold) stands after the UI.
		opts := inspectOptions{Dir: p.opts.ReportDir}
		if uiErr := runInspect(ctx, opts, os.Stdin, c.App.Writer); uiErr != nil && err == nil {
			err = uiErr
		}
	}
	return err
}
