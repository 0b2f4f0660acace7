package export

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

// lockName is the file in a run's staging folder that the run holds an
// exclusive flock on while it lives. A folder whose lock can be taken
// belongs to a run that is gone (killed, crashed): process ids cannot tell,
// as in a container every run is pid 1.
const lockName = "lock"

// staleTemp is how old a loose temporary file in the staging folder (a
// killed store Put) must be before it is removed.
const staleTemp = time.Hour

// prepareStaging makes this run's staging folder, locked for the run, and
// removes what killed runs left behind: inside the destination for a local
// folder (so that parts are renamed into place), else in the system temp
// folder.
func (r *run) prepareStaging() error {
	base := filepath.Join(os.TempDir(), "hackle-agent-staging")
	if st, ok := r.o.Dest.(store.Stager); ok && !r.o.DryRun {
		dir, err := st.StagingDir()
		if err != nil {
			return err
		}
		base = dir
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return fmt.Errorf("staging folder: %w", err)
	}
	removeAbandoned(base, r.o.Log)
	dir, err := os.MkdirTemp(base, "run-")
	if err != nil {
		return fmt.Errorf("staging folder: %w", err)
	}
	lock, err := os.Create(filepath.Join(dir, lockName))
	if err == nil {
		err = lockRun(lock)
	}
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("staging folder: lock: %w", err)
	}
	r.staging, r.stagingLock = dir, lock // the lock is released when the process ends, however it ends
	return nil
}

// removeStaging removes this run's staging folder.
func (r *run) removeStaging() {
	if r.staging == "" {
		return
	}
	os.RemoveAll(r.staging)
	if r.stagingLock != nil {
		r.stagingLock.Close()
	}
}

// removeAbandoned deletes the run folders whose lock nobody holds, and
// loose temporary files older than staleTemp.
func removeAbandoned(base string, log *slog.Logger) {
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		path := filepath.Join(base, e.Name())
		if !e.IsDir() {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
				os.Remove(path)
			}
			continue
		}
		if !strings.HasPrefix(e.Name(), "run-") || held(filepath.Join(path, lockName)) {
			continue
		}
		log.Info("removing the staging folder of an interrupted run", "folder", path)
		os.RemoveAll(path)
	}
}
