package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/export"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/file" // the local-folder destination, the embedded default
	"github.com/hackle/hackle-agent/converters/parquetfile"
)

func exportCommand() *cli.Command {
	flags := append(inputFlags(),
		stringFlag("dest", "", "destination bucket root: a folder, file://, s3://bucket/prefix or gs://bucket/prefix", "d"),
		boolFlag("dry-run", "validate and report; write nothing to the destination"),
		boolFlag("allow-empty", "commit a day that has no valid rows (an empty partition)"),
		stringFlag("shard", "", "i/n: be shard i (0-based) of n of a sharded export: take every n-th input from the i-th, place the parts, and leave _SUCCESS to the commit command"),
		stringFlag("compression", "snappy", "Parquet compression: snappy, zstd, gzip or none"),
		&cli.Int64Flag{Name: "part-rows", Value: 5_000_000, Usage: "rows per part file at most", EnvVars: []string{envName("part-rows")}},
		&cli.IntFlag{Name: "threads", Value: runtime.NumCPU(), Usage: "threads for parsing, validating and encoding", EnvVars: []string{envName("threads")}},
		&cli.Int64Flag{Name: "part-size-mb", Value: 256, Usage: "approximate size of a part file in MiB", EnvVars: []string{envName("part-size-mb")}},
	)
	flags = append(flags, guardFlags()...)
	flags = append(flags, logFlags()...)
	return &cli.Command{
		Name:      "export",
		Usage:     "convert, validate and commit one day (or a range) of events to the bucket",
		UsageText: "hackle-agent export --input FILE… --dest URL [--date YYYY-MM-DD] [--config FILE]",
		Description: `Reads CSV, NDJSON or JSON exports (plain, gzip or zstd), maps them onto Hackle's
schema, validates every row, writes Parquet parts to <dest>/dt=YYYY-MM-DD/ and
writes _SUCCESS last. Rejected rows are listed in the report folder. A re-run
over the same inputs changes nothing. Exit codes: 0 ok, 1 usage or config
error, 2 runtime failure, 3 too many rows rejected or a day refused by a guard
(nothing committed).`,
		Flags:  flags,
		Action: func(c *cli.Context) error { return runExport(c.Context, c) },
	}
}

func runExport(ctx context.Context, c *cli.Context) error {
	p, err := loadPipeline(c, time.Now())
	if err != nil {
		return err
	}
	o := &p.opts
	o.DryRun, o.AllowEmpty = c.Bool("dry-run"), c.Bool("allow-empty")
	if o.Guards, err = guardOptions(c); err != nil {
		return err
	}
	if s := c.String("shard"); s != "" {
		if o.Shard, o.Shards, err = parseShard(s); err != nil {
			return err
		}
		o.Inputs = export.ShardInputs(o.Inputs, o.Shard, o.Shards)
	}
	if o.Threads = c.Int("threads"); o.Threads < 1 {
		return usagef("--threads %d: give 1 or more", o.Threads)
	}
	runtime.GOMAXPROCS(o.Threads)
	o.Parquet = parquetfile.Options{
		Shard:       o.Shard,
		Shards:      o.Shards,
		Compression: c.String("compression"),
		PartRows:    c.Int64("part-rows"),
		PartBytes:   c.Int64("part-size-mb") << 20,
	}
	dest := c.String("dest")
	if dest == "" {
		return usagef("no destination: give --dest (a folder, s3://bucket/prefix or gs://bucket/prefix)")
	}
	if o.Dest, err = store.Open(ctx, dest, storeOptions(c)); err != nil {
		return runError(fmt.Errorf("--dest %s: %w", redact.URL(dest), err))
	}
	defer store.Close(o.Dest)
	if err := preflight(ctx, "dest", o.Dest, !o.DryRun); err != nil {
		return err
	}
	_, err = p.run(ctx, c)
	return err
}

// parseShard reads --shard i/n.
func parseShard(s string) (shard, shards int, err error) {
	if _, err := fmt.Sscanf(s, "%d/%d", &shard, &shards); err != nil || shards < 1 || shard < 0 || shard >= shards {
		return 0, 0, usagef("--shard %q: give i/n with 0 <= i < n, e.g. 3/10", s)
	}
	return shard, shards, nil
}
