package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	agentversion "github.com/hackle/hackle-agent/version"
)

// versionCommand prints what the binary is: its version (the -ldflags
// stamp, else the module version from the build info), the commit it was
// built from, the Go toolchain and the platform. --output json prints the
// same as one JSON object with the fields of version.Info.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print the version, commit, Go version and platform",
		UsageText: "hackle-agent version [--output text|json]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
			&cli.BoolFlag{Name: "json", Usage: "same as --output json"},
		},
		Action: func(c *cli.Context) error {
			run.utility, run.output = true, "text" // --output here is this command's, not the result document's
			if c.NArg() > 0 {
				return usagef("version takes no arguments, got %q", c.Args().First())
			}
			output := c.String("output")
			if c.Bool("json") {
				output = "json"
			}
			info := agentversion.Get()
			switch output {
			case "text":
				_, err := fmt.Fprintln(c.App.Writer, versionLine(info))
				return err
			case "json":
				enc := json.NewEncoder(c.App.Writer)
				return enc.Encode(info)
			default:
				return usagef("--output %q: want text or json", output)
			}
		},
	}
}

// versionLine is the one line --version and the version command print,
// e.g. "hackle-agent version v1.2.3 (commit 0123456789ab, go1.26.8,
// linux/amd64)". It starts with "hackle-agent version V" for scripts.
func versionLine(info agentversion.Info) string {
	line := "hackle-agent version " + info.Version + " ("
	if info.Commit != "" {
		commit := info.Commit
		if len(commit) > 12 {
			commit = commit[:12]
		}
		line += "commit " + commit
		if info.Modified {
			line += " modified"
		}
		line += ", "
	}
	return line + info.GoVersion + ", " + info.OS + "/" + info.Arch + ")"
}

func init() {
	cli.VersionPrinter = func(c *cli.Context) {
		run.utility = true
		printVersion(c.App.Writer)
	}
}

func printVersion(w io.Writer) { fmt.Fprintln(w, versionLine(agentversion.Get())) }
