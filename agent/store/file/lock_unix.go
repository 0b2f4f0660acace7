//go:build unix

package file

import (
	"errors"
	"os"
	"syscall"
)

var errLocked = errors.New("locked")

// openLock opens path and takes an exclusive flock on it without waiting:
// errLocked when another process (or another open of this one) holds it.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return nil, errLocked
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// lockTemp marks a Put's temporary file as in use for as long as f is open.
func lockTemp(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// removeIfAbandoned removes the temporary file at path unless a live Put
// holds it (lockTemp). It removes it while holding the lock, so that a Put
// that locks it afterwards sees it gone (samePath) and starts again.
func removeIfAbandoned(path string) bool {
	f, err := openLock(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return os.Remove(path) == nil
}
