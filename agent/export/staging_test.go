package export

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRemoveAbandoned: a run folder whose lock is held stays; one whose
// lock is free, or that has none, goes; loose temp files go when stale.
func TestRemoveAbandoned(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, lock bool) {
		os.MkdirAll(filepath.Join(base, name), 0o755)
		if lock {
			os.WriteFile(filepath.Join(base, name, lockName), nil, 0o644)
		}
	}
	mk("run-live", true)
	mk("run-dead", true)
	mk("run-old", false)
	f, err := os.Open(filepath.Join(base, "run-live", lockName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(base, "put-fresh"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(base, "put-stale"), []byte("x"), 0o644)
	old := time.Now().Add(-2 * staleTemp)
	os.Chtimes(filepath.Join(base, "put-stale"), old, old)

	removeAbandoned(base, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for name, want := range map[string]bool{"run-live": true, "run-dead": false, "run-old": false, "put-fresh": true, "put-stale": false} {
		_, err := os.Stat(filepath.Join(base, name))
		if (err == nil) != want {
			t.Errorf("%s: present %v, want %v", name, err == nil, want)
		}
	}
}
