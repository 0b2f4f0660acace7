package report

import (
	"encoding/json"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

// Report is report.json (docs/report.md): what one run read, wrote and rejected.
// The TUI (inspect) reads exactly this.
type Report struct {
	Command      string    `json:"command"` // "export", "validate", "pull"
	AgentVersion string    `json:"agent_version"`
	Dates        []string  `json:"dates"` // partition days, YYYY-MM-DD
	Dest         string    `json:"dest,omitempty"`
	DryRun       bool      `json:"dry_run,omitempty"`
	StartedAt    time.Time `json:"started_at"`
	FinishedAt   time.Time `json:"finished_at"`

	// Outcome is one of the Outcome* constants; OutcomeReason says why in one sentence.
	Outcome       string `json:"outcome"`
	OutcomeReason string `json:"outcome_reason,omitempty"`

	Threshold Threshold `json:"threshold"`
	Counts    Counts    `json:"counts"`

	ByReason         map[validate.Reason]int64 `json:"by_reason"`          // rejected rows per reason (every issue of a row counts)
	ByField          map[string]int64          `json:"by_field"`           // rejected rows per field
	ByEventKey       map[string]int64          `json:"by_event_key"`       // rejected rows per event_key ("" when missing)
	WarningsByReason map[validate.Reason]int64 `json:"warnings_by_reason"` // kept rows with warnings

	TimezoneHint *TimezoneHint `json:"timezone_hint,omitempty"` // ts_timezone_suspected, when found

	Sources    []SourceStats    `json:"sources"`
	Partitions []PartitionStats `json:"partitions"`

	RejectsFile string `json:"rejects_file"` // file name of the rejects, relative to the report folder

	Guards *Guards `json:"guards,omitempty"` // checks against earlier committed days (guards.go)
}

// Outcomes of a run.
const (
	OutcomeCommitted = "committed"    // partitions written and _SUCCESS present
	OutcomeUnchanged = "unchanged"    // destination already held exactly this output
	OutcomeDryRun    = "dry_run"      // validated only, nothing written
	OutcomeValid     = "valid"        // validate: below the thresholds
	OutcomeRejected  = "rejected"     // above the error thresholds; nothing committed
	OutcomeFailed    = "failed"       // runtime failure
	OutcomeShard     = "shard_placed" // one shard of a sharded export placed its parts; commit finishes the partition
)

// Threshold is the error budget of a run and where the run stood against it.
type Threshold struct {
	MaxErrorRate float64 `json:"max_error_rate"`
	MaxErrors    int64   `json:"max_errors"` // 0: no limit
	ErrorRate    float64 `json:"error_rate"` // rejected / read
	Exceeded     bool    `json:"exceeded"`
}

// Counts always add up: Read = Written + Rejected + Duplicates.
type Counts struct {
	Read       int64 `json:"read"`
	Written    int64 `json:"written"`
	Rejected   int64 `json:"rejected"`
	Duplicates int64 `json:"duplicates"` // duplicate insert_id dropped (first kept)
	Warnings   int64 `json:"warnings"`   // rows kept with at least one warning

	// Lines and SkippedLines are the sums of the sources' (SourceStats).
	Lines        int64 `json:"lines,omitempty"`
	SkippedLines int64 `json:"skipped_lines,omitempty"`
}

// SourceStats are the counts of one input file.
type SourceStats struct {
	File       string `json:"file"`
	Format     string `json:"format"`
	Bytes      int64  `json:"bytes"`
	SHA256     string `json:"sha256,omitempty"`
	Read       int64  `json:"read"`
	Written    int64  `json:"written"`
	Rejected   int64  `json:"rejected"`
	Duplicates int64  `json:"duplicates"`

	// Lines is the number of physical lines of a CSV or NDJSON input, and
	// SkippedLines those in no record (the CSV header, blank lines): every
	// other line is in exactly one record, written or listed in the
	// rejects (Reject.Line, Reject.Lines). Both are 0 (absent) for a JSON
	// array and for Parquet, and when the input could not be read to its end.
	Lines        int64 `json:"lines,omitempty"`
	SkippedLines int64 `json:"skipped_lines,omitempty"`
}

// PartitionStats describe one dt= partition of the run.
type PartitionStats struct {
	Date    string `json:"date"`
	Rows    int64  `json:"rows"`
	Files   int    `json:"files"`
	Bytes   int64  `json:"bytes"`
	Changed bool   `json:"changed"` // false when the destination already held it
}

// Reject is one line of rejects.ndjson: one bad row.
type Reject struct {
	File     string           `json:"file"`
	Line     int64            `json:"line,omitempty"`  // 1-based line where the record starts (CSV, NDJSON)
	Lines    int64            `json:"lines,omitempty"` // physical lines of the record, Line..Line+Lines-1 (CSV, NDJSON; >1 for a multi-line CSV row)
	Row      int64            `json:"row"`             // 1-based record number in the file
	Reason   validate.Reason  `json:"reason"`          // the first issue's reason
	Field    string           `json:"field"`           // the first issue's field
	Message  string           `json:"message"`
	Value    string           `json:"value"`
	EventKey string           `json:"event_key,omitempty"`
	Errors   []validate.Issue `json:"errors,omitempty"` // every issue, when there is more than one
	Raw      json.RawMessage  `json:"raw"`              // the record as a JSON object (CSV: header→cell), or a JSON string when it is not valid JSON
}
