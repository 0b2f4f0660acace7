//go:build !unix

package file

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

var errLocked = errors.New("locked")

// openLock creates path exclusively where flock is not available: the file
// itself is the lock. A holder killed before its Unlock leaves it behind,
// and the message names it; remove it by hand once that run is gone.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, errLocked
	}
	return f, err
}

// lockTemp does nothing where flock is not available.
func lockTemp(*os.File) error { return nil }

// removeIfAbandoned removes a temporary file older than a day: without
// flock, age is the only sign that no live Put is writing it.
func removeIfAbandoned(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || time.Since(fi.ModTime()) < 24*time.Hour {
		return false
	}
	return os.Remove(path) == nil
}
