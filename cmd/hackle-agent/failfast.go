package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/access"
	"github.com/hackle/hackle-agent/agent/store"
)

// preflight runs access.Preflight on the store a command is about to use,
// before it reads any input, so that wrong credentials or a missing
// bucket fail the run at once (exit 2) with the flag that named it.
// write asks for the put/delete probe too (export, commit, validate
// --partition --commit).
func preflight(ctx context.Context, flag string, st store.Store, write bool) error {
	if err := access.Preflight(ctx, st, write); err != nil {
		return fmt.Errorf("--%s %w", flag, err)
	}
	return nil
}

// checkLocations refuses, as a usage error, a value of the named flags
// that store.Parse refuses: a local path that looks like a mistyped URL
// ("s3:/bucket/x"), named with the URL it likely meant. It runs before
// anything is read or written.
func checkLocations(c *cli.Context, flags ...string) error {
	for _, f := range flags {
		vals := c.StringSlice(f) // --input; nil for a string flag
		if len(vals) == 0 {
			vals = []string{c.String(f)}
		}
		for _, v := range vals {
			if v == "" || v == "-" {
				continue
			}
			if _, err := store.Parse(v); err != nil {
				return usagef("--%s: %v", f, err)
			}
		}
	}
	return nil
}
