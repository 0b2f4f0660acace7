package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/state"
	"github.com/hackle/hackle-agent/validate"
)

func ev(n int) *validate.Event {
	return &validate.Event{TS: 1672531200000 + int64(n), EventKey: "e", InsertID: "00000000-0000-4000-8000-000000000001",
		Identifiers:   []validate.KV{{Key: "device_id", Value: "d"}, {Key: "id", Value: "u"}},
		PlatformProps: []validate.KV{{Key: "appversion", Value: "1"}, {Key: "osname", Value: "iOS"}}}
}

func commitRows(t *testing.T, s *Sink, version string, n int, commit bool) {
	t.Helper()
	l, err := s.Begin(context.Background(), sink.Partition{Date: "2023-01-01", Version: version})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := l.Write(context.Background(), ev(i)); err != nil {
			t.Fatal(err)
		}
	}
	if !commit {
		l.Abort()
		return
	}
	if err := l.Commit(context.Background(), &sink.Summary{Date: "2023-01-01", Version: version, Written: int64(n)}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadReplacesPartition(t *testing.T) {
	root := t.TempDir()
	s, err := New(root, Options{PartRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	commitRows(t, s, "v1", 5, true) // 3 parts
	commitRows(t, s, "v2", 1, false)
	if sum, _ := s.ReadSummary("2023-01-01"); sum.Version != "v1" {
		t.Fatalf("an aborted load changed the partition: %+v", sum)
	}
	commitRows(t, s, "v2", 1, true)
	sum, err := s.ReadSummary("2023-01-01")
	if err != nil || sum.Version != "v2" {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	parts, _ := filepath.Glob(filepath.Join(s.PartitionDir("2023-01-01"), "*.parquet"))
	if len(parts) != 1 || filepath.Base(parts[0]) != "000000000000.parquet" {
		t.Errorf("parts after v2: %v", parts)
	}
	if left, _ := os.ReadDir(filepath.Join(root, stagingName)); len(left) != 0 {
		t.Errorf("staging not empty: %v", left)
	}
}

// TestRecoverMovedAside: a crash between Commit's two renames leaves the
// old folder in staging; opening the sink puts it back.
func TestRecoverMovedAside(t *testing.T) {
	root := t.TempDir()
	s, _ := New(root, Options{})
	commitRows(t, s, "v1", 2, true)
	aside := filepath.Join(root, stagingName, "dt=2023-01-01-123.old")
	os.MkdirAll(filepath.Dir(aside), 0o755)
	if err := os.Rename(s.PartitionDir("2023-01-01"), aside); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(root, stagingName, "dt=2023-01-01-124"), 0o755) // the unfinished load
	s.Close()                                                                 // the crashed run is gone
	s, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := s.ReadSummary("2023-01-01"); err != nil || sum.Version != "v1" {
		t.Fatalf("after recovery: %+v, %v", sum, err)
	}
	if _, err := os.Stat(filepath.Join(root, stagingName)); !os.IsNotExist(err) {
		t.Errorf("staging left behind")
	}
}

func TestOpenByScheme(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{dir, "file://" + dir} {
		s, err := sink.Open(context.Background(), u, sink.Options{})
		if err != nil || s.String() != dir {
			t.Fatalf("Open(%q) = %v, %v", u, s, err)
		}
		s.Close()
	}
	if _, err := sink.Open(context.Background(), "mysql://x", sink.Options{}); err == nil {
		t.Error("mysql:// accepted")
	}
}

// TestSecondOpenLeavesStagingAlone: while one pull has the folder open, a
// second New fails, naming the lock, before it touches the first one's
// staging folder; the first one's load still commits.
func TestSecondOpenLeavesStagingAlone(t *testing.T) {
	root := t.TempDir()
	first, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := first.Begin(context.Background(), sink.Partition{Date: "2023-01-01", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	l.Write(context.Background(), ev(0))
	if _, err := New(root, Options{}); !errors.Is(err, state.ErrLocked) || !strings.Contains(err.Error(), "another pull holds the lock") {
		t.Fatalf("second New: %v, want state.ErrLocked", err)
	}
	if err := l.Commit(context.Background(), &sink.Summary{Date: "2023-01-01", Version: "v1", Written: 1}); err != nil {
		t.Fatalf("the first pull's commit after the second one tried: %v", err)
	}
	if sum, err := first.ReadSummary("2023-01-01"); err != nil || sum.Version != "v1" {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	first.Close()
	second, err := New(root, Options{})
	if err != nil {
		t.Fatalf("New after Close: %v", err)
	}
	second.Close()
}
