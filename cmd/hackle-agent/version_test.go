package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestStampedVersion builds a binary stamped the documented way and checks
// that --version and the created_by of an exported part both report it.
func TestStampedVersion(t *testing.T) {
	const stamp = "v9.8.7-test"
	bin := filepath.Join(t.TempDir(), "hackle-agent")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X github.com/hackle/hackle-agent/version.Version="+stamp, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.Contains(string(out), stamp) {
		t.Fatalf("--version printed %q (%v), want %s", out, err, stamp)
	}
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	export := exec.Command(bin, "export", "--dest", dest, "--report-dir", filepath.Join(work, "report"),
		"--input", "testdata/samples/events.ndjson", "--date", "2023-01-01", "--max-error-rate", "0.5")
	export.Dir = repoFile(t, ".")
	export.Env = cleanEnv()
	if out, err := export.CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	parts, _ := filepath.Glob(filepath.Join(dest, "dt=2023-01-01", "*.parquet"))
	if len(parts) == 0 {
		t.Fatal("no part written")
	}
	f, err := os.Open(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if got := pf.Metadata().CreatedBy; got != "hackle-agent "+stamp {
		t.Fatalf("created_by %q, want %q", got, "hackle-agent "+stamp)
	}
}
