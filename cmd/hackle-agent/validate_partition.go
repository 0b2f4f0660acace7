package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/verify"
)

// runValidatePartition checks a partition another tool wrote, and with
// --commit seals it (docs/commit.md, "Sharded export").
func runValidatePartition(ctx context.Context, c *cli.Context) error {
	if len(c.StringSlice("input")) > 0 && !fromConfig(c, "input") { // a shared config's input is export's
		return usagef("give either --input or --partition, not both")
	}
	if err := checkLocations(c, "partition", "report-dir"); err != nil {
		return err
	}
	root, date, err := partition.ParseURL(c.String("partition"))
	if err != nil {
		return usagef("--partition %q: %v", redact.URL(c.String("partition")), err)
	}
	switch {
	case c.Bool("rewrite") && !c.Bool("commit"):
		return usagef("--rewrite goes with --commit")
	case c.Bool("rewrite") && c.Bool("strict-schema"):
		return usagef("--strict-schema refuses the files --rewrite would replace: give one of them")
	}
	// The time and threshold flags mean what they mean for inputs.
	p := &pipeline{}
	if err := p.rules(c, time.Now()); err != nil {
		return err
	}
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	collectAtLimit()
	st, err := store.Open(ctx, root, storeOptions(c))
	if err != nil {
		return runError(fmt.Errorf("--partition %s: %w", redact.URL(c.String("partition")), err))
	}
	defer store.Close(st)
	if err := preflight(ctx, "partition", st, c.Bool("commit")); err != nil {
		return err
	}
	reports, err := report.NewRoot(c.String("report-dir"))
	if err != nil {
		return err
	}
	reportDir := report.Folder(reports.Local, c.Command.Name, date.String())
	rep, err := verify.Partition(ctx, verify.Options{
		Store: st, Date: date, Rules: p.opts.Rules, ReportDir: reportDir,
		MaxErrorRate: c.Float64("max-error-rate"), MaxErrors: c.Int64("max-errors"),
		Commit: c.Bool("commit"), Rewrite: c.Bool("rewrite"), StrictSchema: c.Bool("strict-schema"), Version: version, Log: log,
	})
	if uerr := reports.Upload(context.WithoutCancel(ctx), p.openStore(c)); uerr != nil && err == nil {
		err = uerr
	}
	endSummary(c.Bool("quiet"), rep, reports.Shown(c.Command.Name+"/dt="+date.String()))
	var inv *verify.InvalidError
	if errors.As(err, &inv) {
		return reported{err} // the summary says it; exitCode makes it 3
	}
	return err
}
