package file

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
)

// TestListThroughSymlinkedRoot: a root that is a symbolic link to a folder
// lists that folder's objects (it listed nothing).
func TestListThroughSymlinkedRoot(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bucket", "dt=2023-01-01"), 0o755)
	os.WriteFile(filepath.Join(dir, "bucket", "dt=2023-01-01", "_SUCCESS"), nil, 0o644)
	if err := os.Symlink(filepath.Join(dir, "bucket"), filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	s, err := New(filepath.Join(dir, "link"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.List(context.Background(), "dt=", func(o store.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "dt=2023-01-01/_SUCCESS" {
		t.Errorf("listed %v", keys)
	}
}
