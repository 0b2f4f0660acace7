//go:build unix

package file

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestRemovesAbandonedTemps: the temporary files a killed Put left are
// removed by the next run's store; one a live Put holds is not.
func TestRemovesAbandonedTemps(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, stagingName)
	os.MkdirAll(dir, 0o755)
	dead := filepath.Join(dir, "put-123")
	os.WriteFile(dead, []byte("half a part"), 0o644)
	live, err := createTemp(dir) // another run's Put, still writing
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	st, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(context.Background(), "dt=2023-01-01/_SUCCESS", bytes.NewReader(nil), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the abandoned temporary file is still there: %v", err)
	}
	if _, err := os.Stat(live.Name()); err != nil {
		t.Errorf("the live Put's temporary file was removed: %v", err)
	}
}
