package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

var _ store.Locker = (*Store)(nil)

// Lock takes the lock called name as an exclusive flock on
// <root>/_hackle_agent_lock/<name>.lock, which then holds the owner for
// another run's message. The kernel releases a flock when its process ends,
// however it ends, so a killed holder never blocks the next run; the lock
// does not expire while its holder lives. Unlock removes the file. (Where
// flock is not available, see lock_other.go.)
func (s *Store) Lock(_ context.Context, name string, owner store.Owner) (store.Lock, error) {
	dir := filepath.Join(s.root, filepath.FromSlash(store.LockPrefix))
	path := filepath.Join(dir, name+".lock")
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("file: lock %s: %w", name, err)
		}
		f, err := openLock(path)
		if errors.Is(err, fs.ErrNotExist) && attempt < 5 {
			continue // the folder was removed by an Unlock meanwhile
		}
		if errors.Is(err, errLocked) {
			return nil, &store.LockedError{Name: name, Owner: readOwner(path)}
		}
		if err != nil {
			return nil, fmt.Errorf("file: lock %s: %w", name, err)
		}
		if !samePath(f, path) && attempt < 5 {
			f.Close() // locked a file an Unlock had just removed
			continue
		}
		b, _ := json.Marshal(owner)
		f.Truncate(0)
		f.WriteAt(b, 0)
		return &fileLock{f: f, path: path, dir: dir}, nil
	}
}

// readOwner reads the holder of the lock at path. The holder writes itself
// into the file right after taking the flock, so a run that finds the lock
// taken may read the file before that: it waits a moment for the owner.
func readOwner(path string) store.Owner {
	var o store.Owner
	for range 100 {
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &o) == nil && o.PID != 0 {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	return o
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

type fileLock struct {
	f    *os.File
	path string
	dir  string
	once sync.Once
}

func (l *fileLock) Held() error { return nil }

// Unlock removes the file while still holding it, so that a run that opens
// it afterwards finds another file (samePath), then releases the flock.
func (l *fileLock) Unlock(context.Context) error {
	var err error
	l.once.Do(func() {
		rerr := os.Remove(l.path)
		l.f.Close()
		if rerr != nil {
			rerr = os.Remove(l.path) // Windows removes no open file
		}
		if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = fmt.Errorf("file: unlock: %w", rerr)
		}
		os.Remove(l.dir) // only when empty
	})
	return err
}
