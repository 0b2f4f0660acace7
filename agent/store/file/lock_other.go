//go:build !unix

package file

import (
	"errors"
	"io/fs"
	"os"
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
