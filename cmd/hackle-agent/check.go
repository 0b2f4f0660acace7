package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/access"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check that the credentials have exactly the permissions Hackle needs on --dest",
		UsageText: "hackle-agent check --dest s3://bucket/prefix|gs://bucket/prefix [--profile P] [--role-arn ARN] …",
		Description: `Exercises each permission Hackle asks for (bucket location/get, list under
the prefix, put, get, get-version on a versioned S3 bucket, delete) with a probe
object <prefix>/` + access.ProbePrefix + `<random>, removes the probe and prints a
pass/fail table. Exits 0 only when every permission works, 2 otherwise.`,
		Flags: append([]cli.Flag{destFlag()}, storeFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("check takes no arguments (got %q): give the destination with --dest", c.Args().First())
			}
			dest, err := destURL(c.String("dest"))
			if err != nil {
				return err
			}
			return runCheck(c.Context, c.App.Writer, dest, storeOptions(c))
		},
	}
}

// destURL checks that --dest is given and of a scheme some backend serves.
func destURL(dest string) (string, error) {
	if dest == "" {
		return "", usagef("no destination: give --dest (s3://bucket/prefix, gs://bucket/prefix or a folder)")
	}
	u, err := store.Parse(dest)
	if err != nil {
		return "", usageError{err}
	}
	for _, s := range store.Schemes() {
		if s == u.Scheme+"://" {
			return dest, nil
		}
	}
	return "", usagef("unsupported destination %q: use one of %s", redact.URL(dest), strings.Join(store.Schemes(), ", "))
}

// runCheck opens dest, runs the permission check and prints its table.
func runCheck(ctx context.Context, w io.Writer, dest string, opts store.Options) error {
	st, err := store.Open(ctx, dest, opts)
	if err == nil {
		defer store.Close(st)
	}
	if err != nil {
		return err
	}
	rs, err := access.Check(ctx, st)
	if perr := access.PrintTable(w, st.String(), rs); perr != nil {
		return perr
	}
	if err != nil {
		return err
	}
	if !access.Passed(rs) {
		return reported{fmt.Errorf("check %s: missing %s", st, strings.Join(access.Missing(rs), ", "))}
	}
	return nil
}
