// Package runlog is the machine-readable end of a run: the Result every
// command ends with, the "run finished" log record that carries it, and the
// Prometheus textfile (metrics.go) written from it. The field names here are
// a contract, documented in docs/logging.md: add fields, never rename them.
package runlog

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// FinishedMsg is the message of the last record of every run.
const FinishedMsg = "run finished"

// Outcomes of a run that has no report of its own (a report's outcome,
// report.Outcome*, is used as it is when there is one).
const (
	OutcomeOK      = "ok"          // exit 0
	OutcomeUsage   = "usage_error" // exit 1: a bad flag, config or input name
	OutcomeFailed  = "failed"      // exit 2: I/O, network, permission
	OutcomeRefused = "refused"     // exit 3: data refused (threshold, invalid partition)
	OutcomeLate    = "late"        // exit 4: pull missed its deadline
)

// OutcomeFor is the outcome of a run without a report that exited with code.
func OutcomeFor(code int) string {
	switch code {
	case 0:
		return OutcomeOK
	case 1:
		return OutcomeUsage
	case 3:
		return OutcomeRefused
	case 4:
		return OutcomeLate
	}
	return OutcomeFailed
}

// Counts are rows, as in report.json's counts.
type Counts struct {
	Read       int64 `json:"read"`
	Written    int64 `json:"written"`
	Rejected   int64 `json:"rejected"`
	Duplicates int64 `json:"duplicates"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Read += o.Read
	c.Written += o.Written
	c.Rejected += o.Rejected
	c.Duplicates += o.Duplicates
}

// Partition is what a run did for one partition day. A count of -1 was
// not kept per day: an export of several days counts the rows it read,
// rejected and dropped as duplicates for the whole run only.
type Partition struct {
	Date string `json:"dt"` // YYYY-MM-DD
	Counts
	Bytes  int64  `json:"bytes"`            // Parquet bytes written (export) or read (pull)
	Status string `json:"status,omitempty"` // pull: imported, unchanged, not_ready, refused
	Reason string `json:"reason,omitempty"` // pull: why it was refused
}

// Partitions are a run's partitions. In JSON they are a list of objects; in
// a text log record, "dt=2023-01-01 read=55 written=40 …; dt=…".
type Partitions []Partition

// MarshalJSON is the plain list (MarshalText is for text logs only).
func (ps Partitions) MarshalJSON() ([]byte, error) { return json.Marshal([]Partition(ps)) }

// MarshalText is the compact form slog's text handler prints.
func (ps Partitions) MarshalText() ([]byte, error) {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "dt=%s read=%d written=%d rejected=%d duplicates=%d bytes=%d", p.Date, p.Read, p.Written, p.Rejected, p.Duplicates, p.Bytes)
		if p.Status != "" {
			fmt.Fprintf(&b, " status=%s", p.Status)
		}
	}
	return []byte(b.String()), nil
}

// Result is the result document of one run: what --output json prints and
// what the "run finished" record carries. Report is the command's report
// (report.json's content) when it has one, else nil.
type Result struct {
	Command    string     `json:"command"`
	Outcome    string     `json:"outcome"`
	ExitCode   int        `json:"exit_code"`
	Reason     string     `json:"reason,omitempty"` // redacted
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt time.Time  `json:"finished_at"`
	Duration   float64    `json:"duration_seconds"`
	Counts     Counts     `json:"counts"`
	Bytes      int64      `json:"bytes"`
	Partitions Partitions `json:"partitions"`
	Report     any        `json:"report,omitempty"`
}

// Level is the level of the run finished record: ERROR when the exit code
// is not 0, else INFO.
func (r *Result) Level() slog.Level {
	if r.ExitCode != 0 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Log writes the run finished record to log. Its fields are the Result's,
// without the report; partitions is a list of objects in JSON mode.
func Log(log *slog.Logger, r *Result) {
	attrs := []slog.Attr{
		slog.String("command", r.Command),
		slog.String("outcome", r.Outcome),
		slog.Int("exit_code", r.ExitCode),
	}
	if r.Reason != "" {
		attrs = append(attrs, slog.String("reason", r.Reason))
	}
	attrs = append(attrs,
		slog.Float64("duration_seconds", r.Duration),
		slog.Int64("read", r.Counts.Read),
		slog.Int64("written", r.Counts.Written),
		slog.Int64("rejected", r.Counts.Rejected),
		slog.Int64("duplicates", r.Counts.Duplicates),
		slog.Int64("bytes", r.Bytes),
	)
	if len(r.Partitions) > 0 {
		attrs = append(attrs, slog.Any("partitions", r.Partitions))
	}
	log.LogAttrs(context.Background(), r.Level(), FinishedMsg, attrs...)
}
