package main

import (
	"errors"
	"fmt"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/export"
	"github.com/hackle/hackle-agent/agent/pull"
	"github.com/hackle/hackle-agent/agent/verify"
)

// Exit codes (docs/exit-codes.md). main turns errors into these in one place.
const (
	exitOK       = 0
	exitUsage    = 1 // usage or config error
	exitRuntime  = 2 // I/O, network, permission
	exitRejected = 3 // data rejected above the threshold; nothing committed
	exitLate     = 4 // pull: a partition missed its deadline
)

// usageError marks an error as the caller's: a bad flag, config or input name.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode is the one place where errors become exit codes. Commands
// return the domain's typed errors (wrapped as they like) and this switch
// decides.
func exitCode(err error) int {
	var (
		ue        usageError
		threshold *export.ThresholdError
		empty     *export.EmptyError
		invalid   *verify.InvalidError
		refused   *pull.RefusedError
		late      *pull.LateError
		shards    *commit.ShardsMissingError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &late):
		return exitLate
	case errors.As(err, &threshold), errors.As(err, &empty), errors.As(err, &invalid), errors.As(err, &refused), errors.As(err, &shards):
		return exitRejected
	default:
		return exitRuntime
	}
}

// isUsage reports whether err is the caller's mistake: such errors are one
// line, with no end-of-run summary around them.
func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}
