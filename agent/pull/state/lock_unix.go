//go:build unix

package state

import (
	"errors"
	"syscall"
)

// flock takes an exclusive advisory lock on fd, reporting ErrLocked at
// once when another process (or another open file of this process) holds it.
func flock(fd uintptr) error {
	err := syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}
