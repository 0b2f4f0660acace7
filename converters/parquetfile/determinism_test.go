package parquetfile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const helperOutEnv = "PARQUETFILE_HELPER_OUT"

// deterministicOptions are used by TestDeterministicAcrossProcesses and its
// helper: several row groups, default compression.
func deterministicOptions() Options { return Options{RowGroupRows: 100} }

// TestHelperWriteFile is not a test: run with PARQUETFILE_HELPER_OUT set, it
// writes a file there for TestDeterministicAcrossProcesses.
func TestHelperWriteFile(t *testing.T) {
	out := os.Getenv(helperOutEnv)
	if out == "" {
		t.Skip("helper for TestDeterministicAcrossProcesses")
	}
	evs := append(events(250), special[2].ev, special[3].ev)
	if err := os.WriteFile(out, writeAll(t, deterministicOptions(), evs), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeterministicAcrossProcesses writes the same rows in two processes
// (fresh hash seeds, fresh pools) and in this one, and wants the same bytes.
func TestDeterministicAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for _, name := range []string{"a.parquet", "b.parquet"} {
		path := filepath.Join(dir, name)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriteFile$")
		cmd.Env = append(os.Environ(), helperOutEnv+"="+path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("helper: %v\n%s", err, out)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	evs := append(events(250), special[2].ev, special[3].ev)
	files = append(files, writeAll(t, deterministicOptions(), evs))
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("write %d differs from write 0 (%d vs %d bytes)", i, len(files[i]), len(files[0]))
		}
	}
}
