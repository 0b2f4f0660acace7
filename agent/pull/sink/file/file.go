// Package file is the local-folder sink, pull's embedded default: each
// imported day is <root>/dt=YYYY-MM-DD/ holding canonical Parquet parts
// (000000000000.parquet, …) and summary.json. Pull's record of what was
// imported lives inside the folder too, in <root>/_hackle_pull_state/
// (StateName): partitions/dt=D.json names the version (and source) of
// each day, keys/dt=D.keys holds the day's insert_ids sorted, for
// deduplication across days. Both are written after the day's folder is in
// place, so a crash leaves them behind the rows, never ahead.
package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/state"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// SummaryName is the per-partition summary file.
const SummaryName = "summary.json"

// stagingName is the folder, inside the root, where loads are written
// before Commit renames them into place. It is emptied when a sink opens.
const stagingName = ".hackle-pull-staging"

// StateName is the folder, inside the root, of pull's record: the layout
// of agent/pull/state, as pull kept it before the sink owned it.
const StateName = "_hackle_pull_state"

// lockName is the file, inside the root, that an open sink holds locked:
// one pull at a time writes a folder, and a second one fails before it
// touches the first one's staging folder.
const lockName = ".hackle-pull-lock"

func init() {
	sink.Register(sink.Backend[Options]{
		Schemes: []string{"file"},
		Open: func(_ context.Context, url string, opts *Options) (sink.Sink, error) {
			return New(strings.TrimPrefix(url, "file://"), *opts)
		},
	})
}

// Options are the file sink's Parquet options (zero: parquetfile's
// defaults). They are not flags: pull writes the canonical defaults.
type Options struct {
	Compression string
	PartRows    int64
}

// Sink writes partitions under a folder.
type Sink struct {
	root  string
	opts  parquetfile.Options
	lock  *os.File
	state *state.State
}

var _ sink.Sink = (*Sink)(nil)

// New opens (creating it) the folder root, locks it until Close, and
// then removes what a crashed run left in its staging folder. When another
// pull has the folder open it fails with an error wrapping state.ErrLocked,
// having changed nothing.
func New(root string, opts Options) (*Sink, error) {
	if root == "" {
		return nil, errors.New("file sink: empty path")
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("file sink: %w", err)
	}
	lock, err := state.Lock(filepath.Join(root, lockName))
	if err != nil {
		return nil, fmt.Errorf("file sink %s: %w", root, err)
	}
	// The state's own lock too (an older pull takes only that one), before
	// anything is cleaned up.
	st, err := state.Open(filepath.Join(root, StateName))
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("file sink %s: %w", root, err)
	}
	if err := recoverStaging(root); err != nil {
		st.Close()
		lock.Close()
		return nil, fmt.Errorf("file sink: clean staging: %w", err)
	}
	return &Sink{root: root, opts: parquetfile.Options{Compression: opts.Compression, PartRows: opts.PartRows}, lock: lock, state: st}, nil
}

// String is the folder.
func (s *Sink) String() string { return s.root }

// Close releases the folder's lock.
func (s *Sink) Close() error {
	s.state.Close()
	return s.lock.Close()
}

// StateDir is the folder of pull's record inside the sink.
func (s *Sink) StateDir() string { return s.state.Dir() }

// record returns day date's record when it belongs to source: a record
// written before records named their source counts for any source (a
// folder sink then served one source).
func (s *Sink) record(source, date string) (*state.Imported, error) {
	rec, err := s.state.Imported(date)
	if err != nil || rec == nil || (rec.Source != "" && rec.Source != source) {
		return nil, err
	}
	return rec, nil
}

// Imported returns the version recorded for source's day date.
func (s *Sink) Imported(_ context.Context, source, date string) (string, error) {
	rec, err := s.record(source, date)
	if err != nil || rec == nil {
		return "", err
	}
	return rec.Version, nil
}

// Window opens the key files of the days before date that source
// imported (or whose record was lost in a crash after the rows were in
// place), searched on disk.
func (s *Sink) Window(_ context.Context, source, date string, days int) (sink.Window, error) {
	d, err := validate.ParseDate(date)
	if err != nil {
		return nil, fmt.Errorf("file sink: window: %w", err)
	}
	w := &state.Window{}
	for i := 1; i <= days; i++ {
		day := d.AddDays(-i).String()
		rec, err := s.state.Imported(day)
		if err != nil {
			w.Close()
			return nil, err
		}
		if rec != nil && rec.Source != "" && rec.Source != source {
			continue // another source's day
		}
		kf, err := s.state.OpenKeys(day)
		if err != nil {
			w.Close()
			return nil, err
		}
		if kf != nil {
			w.Add(kf)
		}
	}
	return w, nil
}

// PartitionDir is the folder of day date.
func (s *Sink) PartitionDir(date string) string { return filepath.Join(s.root, "dt="+date) }

// Begin stages a new load in the staging folder.
func (s *Sink) Begin(_ context.Context, p sink.Partition) (sink.Load, error) {
	stage := filepath.Join(s.root, stagingName)
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return nil, fmt.Errorf("file sink: %w", err)
	}
	dir, err := os.MkdirTemp(stage, "dt="+p.Date+"-")
	if err != nil {
		return nil, fmt.Errorf("file sink: %w", err)
	}
	return &load{s: s, p: p, dir: dir, parts: parquetfile.NewParts(dir, s.opts), keys: dedup.NewKeyWriter(stage)}, nil
}

type load struct {
	s     *Sink
	p     sink.Partition
	dir   string
	parts *parquetfile.Parts
	keys  *dedup.KeyWriter // the rows' insert_ids, spilled under the staging folder
	rows  int64
	done  bool
}

func (l *load) Write(_ context.Context, ev *validate.Event) error {
	if err := l.keys.Add(validate.UUIDKey(ev.InsertID)); err != nil {
		return err
	}
	l.rows++
	return l.parts.Write(ev)
}

// Commit closes the parts, writes summary.json and swaps the staged folder
// in for dt=D with two renames; the old folder is removed afterwards. Then
// it writes the day's key file and, last, its record.
func (l *load) Commit(_ context.Context, sum *sink.Summary) error {
	if l.done {
		return errors.New("file sink: load already finished")
	}
	infos, err := l.parts.Close()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(struct {
		*sink.Summary
		Files []parquetfile.PartInfo `json:"files"`
	}{sum, infos}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(l.dir, SummaryName), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	if err := l.swap(); err != nil {
		return err
	}
	l.done = true
	if err := l.keys.Finish(l.s.state.KeysPath(l.p.Date)); err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	at := sum.ImportedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	if err := l.s.state.Record(state.Imported{Date: l.p.Date, Version: l.p.Version, Source: l.p.Source,
		Rows: l.rows, Sink: l.s.root, ImportedAt: at}); err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	return nil
}

func (l *load) swap() error {
	final := l.s.PartitionDir(l.p.Date)
	old := l.dir + ".old"
	switch err := os.Rename(final, old); {
	case errors.Is(err, fs.ErrNotExist):
		old = ""
	case err != nil:
		return fmt.Errorf("file sink: move old %s aside: %w", final, err)
	}
	if err := os.Rename(l.dir, final); err != nil {
		return fmt.Errorf("file sink: publish %s: %w", final, err)
	}
	syncDir(l.s.root)
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

func (l *load) Abort() error {
	if l.done {
		return nil
	}
	l.done = true
	l.parts.Close()
	l.keys.Discard()
	return os.RemoveAll(l.dir)
}

// recoverStaging puts back a partition folder that a crash left moved
// aside (between the two renames of Commit), then empties the staging
// folder.
func recoverStaging(root string) error {
	stage := filepath.Join(root, stagingName)
	olds, _ := filepath.Glob(filepath.Join(stage, "dt=*.old"))
	for _, old := range olds {
		name := filepath.Base(old)
		final := filepath.Join(root, name[:len("dt=2006-01-02")])
		if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
			if err := os.Rename(old, final); err != nil {
				return err
			}
		}
	}
	return os.RemoveAll(stage)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// ReadSummary reads the summary.json of day date, for tests and tools.
func (s *Sink) ReadSummary(date string) (*sink.Summary, error) {
	b, err := os.ReadFile(filepath.Join(s.PartitionDir(date), SummaryName))
	if err != nil {
		return nil, err
	}
	var sum sink.Summary
	return &sum, json.Unmarshal(b, &sum)
}
