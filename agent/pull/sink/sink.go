// Package sink is where pull puts the rows of imported partitions: a local
// folder of canonical Parquet (sink/file) or a database (sink/postgres).
// Backends register by URL scheme, like the stores.
package sink

import (
	"context"
	"fmt"
	neturl "net/url"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/option"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/registry"
	"github.com/hackle/hackle-agent/validate"
)

// Partition names one version of one day's partition.
type Partition struct {
	Source  string // canonical name of the bucket it comes from (pull.SourceName): one sink serves many customers
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

// Sink holds imported partitions and pull's exactly-once record of them:
// which version of each source's day was imported, and the insert_ids of
// the rows it holds. The record lives with the rows (sinktest checks the
// contract), so any working directory, host or container sees the same
// state. Methods are not safe for concurrent use, and a Window or another
// call must not be used while a Load is open, except the Load's own
// methods.
type Sink interface {
	// Begin starts loading one partition version. Nothing of it is visible
	// before Commit.
	Begin(ctx context.Context, p Partition) (Load, error)
	// Imported returns the version recorded by the last Commit of source's
	// day date (YYYY-MM-DD), or "" when none is recorded. It is never
	// ahead of the rows: when it returns a version, that version's rows
	// are the day's rows.
	Imported(ctx context.Context, source, date string) (string, error)
	// Window opens the insert_ids committed for source on the days
	// date-1 … date-days (days ≤ 0: none), for cross-day deduplication.
	// It is read when opened: later loads do not change it.
	Window(ctx context.Context, source, date string, days int) (Window, error)
	// String names the sink for messages; it never holds a password
	// (redact.URL).
	String() string
	// Close releases connections.
	Close() error
}

// Window answers whether an insert_id was imported on an earlier day. It
// holds a bounded part of the keys in memory, whatever their number.
type Window interface {
	// Seen returns the day (YYYY-MM-DD) that imported k, or "" when no day
	// of the window did.
	Seen(k [16]byte) (day string, err error)
	// Close releases the window's files.
	Close() error
}

// Load is one partition version being loaded.
type Load interface {
	// Write adds a valid, deduplicated row. ev may be reused after it
	// returns. The sink keeps the row's insert_id for later Windows itself.
	// An error may come from an earlier row still being sent.
	Write(ctx context.Context, ev *validate.Event) error
	// Commit atomically makes the rows written the day's only rows for
	// the partition's source, replacing those of any earlier load of that
	// day (of any version), and records the partition's version so that
	// Imported returns it: in the same transaction, or after the rows are
	// in place, so that a crash leaves the record behind the rows, never
	// ahead of them. Loading and committing the same version twice leaves
	// the same rows.
	Commit(ctx context.Context, s *Summary) error
	// Abort discards an uncommitted load; after Commit it does nothing.
	Abort() error
}

// Options are the values of the sinks' options by name, as the flags give
// them ("table": "hackle_events"). Open hands a backend the ones its
// options struct declares.
type Options = option.Values

// Backend describes a sink backend to Register; like a store backend, it
// lives wholly in its own package. O is its options struct, tagged as
// package option describes (its tagged fields become pull's flags).
type Backend[O any] struct {
	// Schemes it serves, lowercase, without "://".
	Schemes []string
	// Open opens the sink a URL names (a plain path for the file sink)
	// with the options filled in.
	Open func(ctx context.Context, url string, opts *O) (Sink, error)
	// Redact, when set, masks in place the secrets of a URL of its
	// schemes that the generic rules of redact.URL do not know.
	Redact func(u *neturl.URL)
}

// backend is a Backend with its options type erased.
type backend struct {
	specs []option.Spec
	open  func(ctx context.Context, url string, vals Options) (Sink, error)
}

var backends = registry.New[*backend]("sink")

// Register makes a backend available under its URL schemes; called from
// the backends' init functions. Registering a scheme twice panics.
func Register[O any](b Backend[O]) {
	e := &backend{specs: option.Specs(new(O)), open: func(ctx context.Context, url string, vals Options) (Sink, error) {
		opts := new(O)
		if err := option.Fill(opts, vals); err != nil {
			return nil, fmt.Errorf("sink %s: %w", redact.URL(url), err)
		}
		return b.Open(ctx, url, opts)
	}}
	for _, s := range b.Schemes {
		backends.Register(s, e)
		if b.Redact != nil {
			redact.Register(s, b.Redact)
		}
	}
}

// OptionSpecs lists the options of every registered sink backend, one per
// name, sorted: what pull makes its sink flags of.
func OptionSpecs() []option.Spec {
	var lists [][]option.Spec
	seen := map[*backend]bool{}
	for _, s := range backends.Schemes() {
		if b, _ := backends.Get(strings.TrimSuffix(s, "://")); !seen[b] {
			seen[b] = true
			lists = append(lists, b.specs)
		}
	}
	return option.Merge(lists...)
}

// Open opens the sink a URL names; a plain path is the "file" scheme.
func Open(ctx context.Context, url string, opts Options) (Sink, error) {
	scheme := Scheme(url)
	if scheme == "file" && strings.Contains(url, "=") && strings.Contains(url, " ") {
		return nil, fmt.Errorf("sink %s looks like a key=value connection string: give a postgres:// URL (the password in PGPASSWORD or ~/.pgpass)", redact.URL(url))
	}
	b, ok := backends.Get(scheme)
	if !ok {
		return nil, fmt.Errorf("unsupported sink %q: scheme %q is not one of %s", redact.URL(url), scheme, strings.Join(backends.Schemes(), ", "))
	}
	return b.open(ctx, url, opts)
}

// Scheme is the lowercase URL scheme of url, or "file" for a plain path.
func Scheme(url string) string {
	if i := strings.Index(url, "://"); i > 0 && !strings.ContainsAny(url[:i], `/\.`) {
		return strings.ToLower(url[:i])
	}
	return "file"
}
