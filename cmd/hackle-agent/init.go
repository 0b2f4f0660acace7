package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/converters/mapping"
	"github.com/hackle/hackle-agent/converters/source"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "propose a mapping config from a sample export",
		UsageText: "hackle-agent init --sample FILE [--format csv|ndjson|json] > export.yaml",
		Description: `Reads the header (CSV) or the first records (JSON) of a sample, guesses which
column feeds each field of Hackle's schema, and prints a config file with a
mapping section to check. It matches by name (case-insensitively) and by the
sampled values: UUIDs, timestamps and their zone (from the column's name,
such as event_time_kst, and whether values carry an offset), versions, OS
names, JSON objects and prefix_* column families. A warehouse without an
event id gets a derived insert_id. Required fields still missing are marked
"TODO (required: what it is for)"; unmatched columns are listed.`,
		Flags: []cli.Flag{
			stringFlag("sample", "", "a sample export (CSV, NDJSON or JSON; gzip/zstd ok)"),
			stringFlag("format", "", "csv, ndjson or json (default: from the extension)"),
			stringFlag("delimiter", "", "CSV delimiter (default: ',', or tab for .tsv)"),
		},
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	path := c.String("sample")
	if path == "" {
		return usagef("give --sample FILE")
	}
	format, err := source.ParseFormat(c.String("format"))
	if err != nil {
		return usagef("--format: %v", err)
	}
	delim, err := parseDelimiter(c.String("delimiter"))
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return usagef("--sample %s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	in, err := source.Open(path, f, source.Options{Format: format, Delimiter: delim})
	if err != nil {
		return usagef("--sample %s: %v", path, err)
	}
	defer in.Close()
	p, err := mapping.ProposeSample(in)
	if err != nil {
		return fmt.Errorf("--sample %s: %w", path, err)
	}
	p.Format, p.Delimiter = c.String("format"), c.String("delimiter")
	fmt.Fprint(c.App.Writer, p.YAML(path))
	return nil
}
