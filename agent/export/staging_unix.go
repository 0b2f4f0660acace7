//go:build unix

package export

import (
	"errors"
	"os"
	"syscall"
)

// lockRun takes the exclusive flock a run holds on its staging folder.
func lockRun(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// held reports whether a live run holds the lock file.
func held(lockPath string) bool {
	f, err := os.Open(lockPath)
	if err != nil {
		return false // no lock: an interrupted run, or one from an older version
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true
	}
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return false
}
