package state

import (
	"errors"
	"fmt"
	"os"
)

// ErrLocked is returned (wrapped) by Lock, and so by Open, when another
// pull holds the lock.
var ErrLocked = errors.New("another pull holds the lock")

// Lock creates the file at path if needed and takes an exclusive lock on
// it, held until the returned file is closed (or the process ends, however
// it ends). It never waits: when another pull holds the lock it fails at
// once with an error wrapping ErrLocked that names the file. Callers take
// it before they change anything that the lock guards.
func Lock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := flock(f.Fd()); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%w (%s); wait for it to finish, or stop it", ErrLocked, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}
