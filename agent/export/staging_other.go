//go:build !unix

package export

import (
	"os"
	"time"
)

// lockRun does nothing where flock is not available.
func lockRun(*os.File) error { return nil }

// held tells a live run by age where flock is not available: a staging
// folder whose lock file is younger than a day may be in use.
func held(lockPath string) bool {
	fi, err := os.Stat(lockPath)
	return err == nil && time.Since(fi.ModTime()) < 24*time.Hour
}
