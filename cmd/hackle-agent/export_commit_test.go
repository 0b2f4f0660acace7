package main

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
)

// sampleArgs exports the NDJSON sample into dest.
func sampleArgs(dest, reports, input string) []string {
	return []string{"export", "--dest", dest, "--report-dir", reports, "--input", input, "--date", "2023-01-01", "--max-error-rate", "0.5", "--part-rows", "10"}
}

// TestExportRerunChangesNothing runs the same export twice: the second run
// must leave every file of the bucket byte-identical and untouched.
func TestExportRerunChangesNothing(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	in := repoFile(t, "testdata/samples/events.ndjson")
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r1"), in)...); res.code != 0 {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stderr)
	}
	before := snapshot(t, dest)
	if len(before) != 8 { // 4 parts of at most 10 rows, the manifest, the two sidecars and _SUCCESS
		t.Fatalf("bucket holds %v, want 4 parts, _manifest.json, _profile.json, _insert_ids.bin and _SUCCESS", sortedKeys(before))
	}
	time.Sleep(20 * time.Millisecond) // so that a rewrite would show in mtimes
	res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r2"), in)...)
	if res.code != 0 {
		t.Fatalf("second run: exit %d\n%s", res.code, res.stderr)
	}
	after := snapshot(t, dest)
	for _, name := range sortedKeys(before) {
		if before[name] != after[name] {
			t.Errorf("%s changed: %+v → %+v", name, before[name], after[name])
		}
	}
	if len(after) != len(before) {
		t.Errorf("bucket holds %v after the re-run, want %v", sortedKeys(after), sortedKeys(before))
	}
	rep, _ := readReport(t, filepath.Join(work, "r2"))
	if rep.Outcome != "unchanged" || rep.Partitions[0].Changed {
		t.Errorf("second run outcome %q, partition changed %v; want unchanged", rep.Outcome, rep.Partitions[0].Changed)
	}
}

// TestExportReplacesStaleParts re-exports a day from a smaller input: the
// parts the new output no longer has must go.
func TestExportReplacesStaleParts(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	full := repoFile(t, "testdata/samples/events.ndjson")
	small := filepath.Join(work, "small.ndjson")
	writeHead(t, full, small, 12)
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r1"), full)...); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r2"), small)...); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	got := sortedKeys(snapshot(t, dest))
	want := []string{"dt=2023-01-01/000000000000.parquet", "dt=2023-01-01/000000000001.parquet", "dt=2023-01-01/_SUCCESS",
		"dt=2023-01-01/_insert_ids.bin", "dt=2023-01-01/_manifest.json", "dt=2023-01-01/_profile.json"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bucket holds %v, want %v", got, want)
	}
	checkCommitted(t, dest)
}

// TestExportKilled kills the export at each step of the commit protocol and
// at random moments: the bucket must then hold either the previous committed
// partition or no _SUCCESS, and the next run must complete it.
func TestExportKilled(t *testing.T) {
	full := repoFile(t, "testdata/samples/events.ndjson")
	steps := []string{"before-delete-success", "success-deleted", "first-part-uploaded", "parts-uploaded", "stale-deleted", "manifest-written"}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			work := t.TempDir()
			dest := filepath.Join(work, "bucket")
			small := filepath.Join(work, "small.ndjson")
			writeHead(t, full, small, 25)
			if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r0"), full)...); res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			old := snapshot(t, dest)
			killAt(t, work, []string{commit.PauseEnv + "=" + step}, "paused at "+step, sampleArgs(dest, filepath.Join(work, "r1"), small)...)
			state := checkCommitted(t, dest)
			if state == "committed" && step == "before-delete-success" {
				for name, f := range old {
					if snapshot(t, dest)[name] != f {
						t.Errorf("%s changed before the commit began", name)
					}
				}
			}
			if state == "committed" && step != "before-delete-success" {
				t.Errorf("killed at %s, yet _SUCCESS is present", step)
			}
			if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r2"), small)...); res.code != 0 {
				t.Fatalf("run after the kill: exit %d\n%s", res.code, res.stderr)
			}
			if checkCommitted(t, dest) != "committed" {
				t.Fatal("the run after the kill did not commit")
			}
			if _, err := os.Stat(filepath.Join(dest, "_hackle_agent_tmp")); err == nil {
				entries, _ := os.ReadDir(filepath.Join(dest, "_hackle_agent_tmp"))
				if len(entries) > 0 {
					t.Errorf("staging folders left behind: %v", entries)
				}
			}
		})
	}
	t.Run("random", func(t *testing.T) {
		work := t.TempDir()
		dest := filepath.Join(work, "bucket")
		small := filepath.Join(work, "small.ndjson")
		writeHead(t, full, small, 25)
		rnd := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 8; i++ {
			in := full
			if i%2 == 1 {
				in = small
			}
			cmd := exec.Command(binary, sampleArgs(dest, filepath.Join(work, "r"), in)...)
			cmd.Env = cleanEnv()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rnd.IntN(60)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			checkCommitted(t, dest)
		}
		if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r"), full)...); res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		if checkCommitted(t, dest) != "committed" {
			t.Fatal("the final run did not commit")
		}
	})
}

// killAt starts the export, waits until it says it paused, and kills it.
func killAt(t *testing.T, dir string, env []string, marker string, args ...string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), marker) {
				found <- true
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if !ok {
			cmd.Wait()
			t.Fatalf("the export ended without reaching %q", marker)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the export did not reach %q within a minute", marker)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// checkCommitted checks the partition invariant: with _SUCCESS present, the
// folder holds exactly the files its manifest lists, with their checksums.
// It returns "committed" or "uncommitted".
func checkCommitted(t *testing.T, dest string) string {
	t.Helper()
	part := filepath.Join(dest, "dt=2023-01-01")
	if _, err := os.Stat(filepath.Join(part, "_SUCCESS")); err != nil {
		return "uncommitted"
	}
	b, err := os.ReadFile(filepath.Join(part, "_manifest.json"))
	if err != nil {
		t.Fatalf("_SUCCESS without a manifest: %v", err)
	}
	var m partition.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files := snapshot(t, part)
	for name := range files {
		if strings.HasPrefix(name, "_") { // markers and manifests, not parts
			delete(files, name)
		}
	}
	if len(files) != len(m.Files) {
		t.Errorf("_SUCCESS over %d part files, the manifest lists %d: %v", len(files), len(m.Files), sortedKeys(files))
	}
	for _, f := range m.Files {
		if files[f.Name].sum != f.SHA256 {
			t.Errorf("_SUCCESS over %s whose checksum is not the manifest's", f.Name)
		}
	}
	return "committed"
}

// writeHead copies the first n lines of src to dst.
func writeHead(t *testing.T, src, dst string, n int) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if err := os.WriteFile(dst, []byte(strings.Join(lines[:n], "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExportSameInputOtherPath: the same input named by another path is
// the same export: nothing is committed again.
func TestExportSameInputOtherPath(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(work, "events.ndjson"))
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r1"), "events.ndjson")...); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r2"), filepath.Join(work, "events.ndjson"))...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if rep, _ := readReport(t, filepath.Join(work, "r2")); rep.Outcome != "unchanged" {
		t.Errorf("outcome %q, want unchanged", rep.Outcome)
	}
}
