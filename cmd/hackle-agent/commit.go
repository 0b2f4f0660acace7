package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

func commitCommand() *cli.Command {
	flags := []cli.Flag{
		destFlag(),
		stringFlag("date", "", "partition day YYYY-MM-DD (default: yesterday in --partition-timezone)"),
		stringFlag("partition-timezone", "UTC", "time zone of the default --date"),
		&cli.IntFlag{Name: "shards", Usage: "how many shards the export was split into (export --shard i/n)", EnvVars: []string{envName("shards")}},
	}
	flags = append(flags, storeFlags()...)
	flags = append(flags, logFlags()...)
	return &cli.Command{
		Name:      "commit",
		Usage:     "finish a sharded export: seal the partition once every shard has placed its parts",
		UsageText: "hackle-agent commit --dest URL --shards N [--date YYYY-MM-DD]",
		Description: `After n runs of export --shard i/n (a Kubernetes Indexed Job, say), commit
checks that every shard placed its parts, deletes data files no shard lists,
and writes _manifest.json and then _SUCCESS. Exit 3 when a shard is missing
(nothing is committed), 0 when the partition is sealed or was already.`,
		Flags:  flags,
		Action: runCommit,
	}
}

func runCommit(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("unexpected argument %q", c.Args().First())
	}
	shards := c.Int("shards")
	if shards < 1 {
		return usagef("give --shards N, the n of the exports' --shard i/n")
	}
	dest := c.String("dest")
	if dest == "" {
		return usagef("no destination: give --dest")
	}
	tz, err := loadZone("partition-timezone", c.String("partition-timezone"))
	if err != nil {
		return err
	}
	date := validate.Yesterday(time.Now(), tz)
	if s := c.String("date"); s != "" {
		if date, err = parseDate("date", s); err != nil {
			return err
		}
	}
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(c.Context, dest, storeOptions(c))
	if err != nil {
		return runError(fmt.Errorf("--dest %s: %w", redact.URL(dest), err))
	}
	defer store.Close(st)
	if err := preflight(c.Context, "dest", st, true); err != nil {
		return err
	}
	changed, err := commit.Assemble(c.Context, st, date.String(), shards, version, log)
	if err != nil {
		return err
	}
	what := "sealed"
	if !changed {
		what = "already sealed; nothing written"
	}
	if run.humanText() {
		fmt.Fprintf(c.App.ErrWriter, "hackle-agent commit: %s/%s %s (%d shards)\n", st, partition.Prefix(date.String()), what, shards)
	}
	return nil
}
