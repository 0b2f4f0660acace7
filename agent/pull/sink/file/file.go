// Package file is the local-folder sink, pull's embedded default: each
// imported day is <root>/dt=YYYY-MM-DD/ holding canonical Parquet parts
// (000000000000.parquet, …) and summary.json.
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
	root string
	opts parquetfile.Options
	lock *os.File
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
	if err := recoverStaging(root); err != nil {
		lock.Close()
		return nil, fmt.Errorf("file sink: clean staging: %w", err)
	}
	return &Sink{root: root, opts: parquetfile.Options{Compression: opts.Compression, PartRows: opts.PartRows}, lock: lock}, nil
}

// String is the folder.
func (s *Sink) String() string { return s.root }

// Close releases the folder's lock.
func (s *Sink) Close() error { return s.lock.Close() }

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
	return &load{s: s, p: p, dir: dir, parts: parquetfile.NewParts(dir, s.opts)}, nil
}

type load struct {
	s     *Sink
	p     sink.Partition
	dir   string
	parts *parquetfile.Parts
	done  bool
}

func (l *load) Write(ev *validate.Event) error { return l.parts.Write(ev) }

// Commit closes the parts, writes summary.json and swaps the staged folder
// in for dt=D with two renames; the old folder is removed afterwards.
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
