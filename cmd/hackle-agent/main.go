// Command hackle-agent moves a company's own event data into Hackle's Data
// Import format: see README.md and docs/.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	agentversion "github.com/hackle/hackle-agent/version"
)

// version is the agent's version, stamped at build time with -ldflags
// "-X github.com/hackle/hackle-agent/version.Version=…".
var version = agentversion.Version

// commands are hackle-agent's commands, one file each, in the order help
// lists them. Those that stream rows (export, pull, validate) run under the
// soft memory limit of memlimit.go.
func commands() []*cli.Command {
	return []*cli.Command{
		checkCommand(),
		commitCommand(),
		withMemoryLimit(exportCommand()),
		initCommand(),
		inspectCommand(),
		policyCommand(),
		withMemoryLimit(pullCommand()),
		withMemoryLimit(validateCommand()),
	}
}

// unknownCommand is set when the user names a command that does not exist.
var unknownCommand string

// stopProfile ends a --cpuprofile run.
var stopProfile = func() {}

func newApp() *cli.App {
	commands := commands()
	onUsageError := func(c *cli.Context, err error, _ bool) error { // an unknown or bad flag
		help := "hackle-agent"
		if c.Command != nil && c.Command.HelpName != "" {
			help = c.Command.HelpName
		}
		return usageError{fmt.Errorf("%w (see %s --help)", err, help)}
	}
	for _, c := range commands {
		c.OnUsageError = onUsageError
		withRunState(c)
		withConfigFile(c)
	}
	return &cli.App{
		Name:                 "hackle-agent",
		Usage:                "export event data into Hackle's Data Import format, and check it",
		Version:              version,
		Commands:             commands,
		EnableBashCompletion: true,
		Flags:                profileFlags,
		Before: func(c *cli.Context) error {
			stop, err := startProfile(c)
			stopProfile = stop
			return err
		},
		After:          func(*cli.Context) error { stopProfile(); return nil },
		ExitErrHandler: func(*cli.Context, error) {}, // main decides exit codes
		OnUsageError:   onUsageError,
		CommandNotFound: func(c *cli.Context, name string) {
			unknownCommand = name
		},
	}
}

func main() {
	var names []string
	for _, c := range commands() {
		names = append(names, c.Name)
	}
	run.readArgs(os.Args, names)
	slog.SetDefault(run.logger())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { // the first signal stops the run (exit 2); a second one kills it
		<-ctx.Done()
		stop()
	}()
	err := newApp().RunContext(ctx, os.Args)
	stop()
	if err == nil && unknownCommand != "" {
		err = usagef("unknown command %q: see hackle-agent --help", unknownCommand)
	}
	code := exitCode(err)
	run.finish(err, code, time.Now()) // the one end of every run: docs/logging.md
	os.Exit(code)
}

// withRunState records the command's parsed flags in run (after the config
// file, which withConfigFile applies before it).
func withRunState(cmd *cli.Command) {
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		run.fromFlags(c)
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// reported marks an error whose message the command already printed (for
// example under its end-of-run summary), so main prints it only once.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

func isReported(err error) bool {
	var r reported
	return errors.As(err, &r)
}
