package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"
)

// manCommand prints the man page, generated from the commands' and flags'
// own help, so that it cannot drift from --help.
func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the man page (roff); install it as hackle-agent.1",
		UsageText: "hackle-agent man > /usr/local/share/man/man1/hackle-agent.1",
		Action: func(c *cli.Context) error {
			run.utility = true
			if c.NArg() > 0 {
				return usagef("man takes no arguments, got %q", c.Args().First())
			}
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("man page: %w", err)
			}
			_, err = fmt.Fprint(c.App.Writer, asciiRoff(page))
			return err
		},
	}
}

// asciiRoff spells the page's non-ASCII characters (the help's "…") as
// roff's \[uXXXX] escapes, which every troff renders, rather than as UTF-8,
// which groff reads only through preconv.
func asciiRoff(page string) string {
	var b strings.Builder
	for _, r := range page {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\[u%04X]", r)
		}
	}
	return b.String()
}
