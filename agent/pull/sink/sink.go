// Package sink is where pull puts the rows of imported partitions: a local
// folder of canonical Parquet (sink/file) or a database (sink/postgres).
// Backends register by URL scheme, like the stores.
package sink

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/registry"
	"github.com/hackle/hackle-agent/validate"
)

// Partition names one version of one day's partition.
type Partition struct {
	Source  string // the bucket it comes from (store.String()): one sink serves many customers
	Date    string // YYYY-MM-DD
	Version string // changes whenever the source partition changes
}

// Summary describes one committed partition version. The file sink writes
// it as summary.json next to the parts.
type Summary struct {
	Date              string    `json:"date"`
	Version           string    `json:"version"`
	Source            string    `json:"source"`
	SourceFiles       []string  `json:"source_files"`
	Read              int64     `json:"read"`
	Written           int64     `json:"written"`
	Rejected          int64     `json:"rejected"`
	Duplicates        int64     `json:"duplicates"`         // in the partition (first kept)
	DuplicatesEarlier int64     `json:"duplicates_earlier"` // already imported on an earlier day of the window
	Warnings          int64     `json:"warnings"`
	ImportedAt        time.Time `json:"imported_at"`
	AgentVersion      string    `json:"agent_version"`
}

// Sink holds imported partitions. Methods are not safe for concurrent use.
type Sink interface {
	// Begin starts loading one partition version. Nothing of it is visible
	// before Commit.
	Begin(ctx context.Context, p Partition) (Load, error)
	// String names the sink for messages; it never holds a password
	// (redact.URL).
	String() string
	// Close releases connections.
	Close() error
}

// Load is one partition version being loaded.
type Load interface {
	// Write adds a valid, deduplicated row. ev may be reused after it returns.
	Write(ev *validate.Event) error
	// Commit atomically makes the rows written the partition's only rows,
	// replacing those of any earlier load of that day (of any version).
	// Loading and committing the same version twice leaves the same rows.
	Commit(ctx context.Context, s *Summary) error
	// Abort discards an uncommitted load; after Commit it does nothing.
	Abort() error
}

// Options configure a sink; each backend reads what concerns it.
type Options struct {
	Table string // database sinks: table name (default hackle_events)
	// Compression, PartRows: file sink Parquet options (zero: defaults).
	Compression string
	PartRows    int64
}

// Opener opens a sink from its URL (or plain path for the file sink).
type Opener func(ctx context.Context, url string, opts Options) (Sink, error)

var openers = registry.New[Opener]("sink")

// Register makes a backend available under a URL scheme; called from the
// backends' init functions. Registering a scheme twice panics.
func Register(scheme string, open Opener) { openers.Register(scheme, open) }

// Open opens the sink a URL names; a plain path is the "file" scheme.
func Open(ctx context.Context, url string, opts Options) (Sink, error) {
	scheme := Scheme(url)
	if scheme == "file" && strings.Contains(url, "=") && strings.Contains(url, " ") {
		return nil, fmt.Errorf("sink %s looks like a key=value connection string: give a postgres:// URL (the password in PGPASSWORD or ~/.pgpass)", redact.URL(url))
	}
	open, ok := openers.Get(scheme)
	if !ok {
		return nil, fmt.Errorf("unsupported sink %q: scheme %q is not one of %s", redact.URL(url), scheme, strings.Join(openers.Schemes(), ", "))
	}
	return open(ctx, url, opts)
}

// Scheme is the lowercase URL scheme of url, or "file" for a plain path.
func Scheme(url string) string {
	if i := strings.Index(url, "://"); i > 0 && !strings.ContainsAny(url[:i], `/\.`) {
		return strings.ToLower(url[:i])
	}
	return "file"
}
