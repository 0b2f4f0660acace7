package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/store"
)

func policyCommand() *cli.Command {
	return &cli.Command{
		Name:      "policy",
		Usage:     "print the IAM policy (S3) or custom role (GCS) that grants Hackle what it needs on --dest",
		UsageText: "hackle-agent policy --dest s3://bucket/prefix|gs://bucket/prefix",
		Description: `For s3:// prints Hackle's IAM policy JSON with the bucket and prefix filled in.
For gs:// (or gcs://) prints the five storage permissions and ready gcloud
commands that create a custom role with them and grant it on the bucket.`,
		Flags: []cli.Flag{destFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("policy takes no arguments (got %q): give the destination with --dest", c.Args().First())
			}
			if c.String("dest") == "" {
				return usagef("no destination: give --dest (s3://bucket/prefix or gs://bucket/prefix)")
			}
			return runPolicy(c.App.Writer, c.App.ErrWriter, c.String("dest"))
		},
	}
}

// runPolicy prints the policy to w and any notes about it to notes.
func runPolicy(w, notes io.Writer, dest string) error {
	p, err := store.PolicyFor(dest)
	if err != nil {
		return usageError{err}
	}
	for _, n := range p.Notes {
		fmt.Fprintln(notes, "note:", n)
	}
	_, err = io.WriteString(w, p.Text)
	return err
}
