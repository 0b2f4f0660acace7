// Package state holds the parts of pull's exactly-once memory that sinks
// share: sorted insert_id key files searched on disk through a sparse
// index (KeyFile, Window), written with dedup.KeyWriter,
// and the folder layout the file sink keeps inside itself (State): which
// version of each partition was imported, and the insert_ids imported per
// day. Every file is replaced atomically (write, fsync, rename), and the
// file sink records a partition only after its rows are in place, so a
// crash leaves the state behind the data, never ahead of it.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hackle/hackle-agent/agent/atomicfile"
)

// State is an opened state folder.
type State struct {
	dir  string
	lock *os.File
}

// Imported records one imported partition version.
type Imported struct {
	Date    string `json:"date"`
	Version string `json:"version"`
	// Source is the canonical source name; empty in records written
	// before the state moved into the sink, which count for any source.
	Source     string    `json:"source,omitempty"`
	Rows       int64     `json:"rows"`
	Sink       string    `json:"sink"`
	ImportedAt time.Time `json:"imported_at"`
}

// Open opens (creating it) a state folder and locks it: a second Open of
// the same folder fails until Close, so two pulls never share a state.
func Open(dir string) (*State, error) {
	for _, d := range []string{"partitions", "keys"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
	}
	f, err := Lock(filepath.Join(dir, "lock"))
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return &State{dir: dir, lock: f}, nil
}

// Close releases the lock.
func (s *State) Close() error { return s.lock.Close() }

// Dir is the state folder.
func (s *State) Dir() string { return s.dir }

func (s *State) partitionPath(date string) string {
	return filepath.Join(s.dir, "partitions", "dt="+date+".json")
}

// Imported returns what was imported of day date, or nil when nothing was.
func (s *State) Imported(date string) (*Imported, error) {
	b, err := os.ReadFile(s.partitionPath(date))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var imp Imported
	if err := json.Unmarshal(b, &imp); err != nil {
		return nil, fmt.Errorf("state: %s: %w", s.partitionPath(date), err)
	}
	return &imp, nil
}

// Record marks a partition version imported.
func (s *State) Record(imp Imported) error {
	b, err := json.MarshalIndent(imp, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(s.partitionPath(imp.Date), func(f *os.File) error {
		_, err := f.Write(append(b, '\n'))
		return err
	})
}

// writeAtomic writes path through a temporary file in the same folder
// (atomicfile.Write).
func writeAtomic(path string, write func(*os.File) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	return nil
}
