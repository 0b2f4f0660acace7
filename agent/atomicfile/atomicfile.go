// Package atomicfile replaces local files so that a reader sees the old
// file or the new one, never a part: pull's state and key files, the
// metrics textfile.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes path through a temporary file in the same folder: write,
// chmod 0644 (readable by all, like the other files the agent writes),
// fsync, rename. The temporary file's name starts with "." and ends with
// ".tmp", so that a collector watching *.prom, or a lister skipping hidden
// files, never takes it for the real one. It is removed on failure.
func Write(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // gone after the rename: a no-op then
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return err
}
