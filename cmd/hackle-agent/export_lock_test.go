package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/profile"
	"github.com/hackle/hackle-agent/agent/store"
)

// lockDest is a destination for the concurrent-run tests: its URL, the
// flags and environment that reach it, and a store to look at it with.
type lockDest struct {
	url  string
	args []string
	env  []string
	st   store.Store
}

func localLockDest(t *testing.T) lockDest {
	dir := filepath.Join(t.TempDir(), "bucket")
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lockDest{url: dir, st: st}
}

func s3LockDest(t *testing.T) lockDest {
	endpoint, env, bucket := newS3Bucket(t, "lock")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	url := "s3://" + bucket + "/hackle"
	st, err := store.Open(context.Background(), url, store.Options{"endpoint": endpoint, "path-style": "true"})
	if err != nil {
		t.Fatal(err)
	}
	return lockDest{url: url, args: []string{"--endpoint", endpoint, "--path-style"}, env: env, st: st}
}

func gcsLockDest(t *testing.T) lockDest {
	endpoint, bucket := newGCSBucket(t, "lock")
	url := "gs://" + bucket + "/hackle"
	st, err := store.Open(context.Background(), url, store.Options{"endpoint": endpoint})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(st) })
	return lockDest{url: url, args: []string{"--endpoint", endpoint}, st: st}
}

// exportArgs exports input to the day 2023-01-01 of d.
func (d lockDest) exportArgs(reports, input string) []string {
	return append(sampleArgs(d.url, reports, input), d.args...)
}

// objects lists the whole destination: key → size and version.
func (d lockDest) objects(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := d.st.List(context.Background(), "", func(o store.ObjectInfo) error {
		out[o.Key] = fmt.Sprint(o.Size, " ", o.ETag, " ", o.ModTime.UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkExactly checks that the partition is committed, holds exactly the
// files of its manifest, that the manifest counts wantRows, and that no
// lock is left behind.
func (d lockDest) checkExactly(t *testing.T, wantRows int64) {
	t.Helper()
	ctx := context.Background()
	m, _, err := partition.ReadManifest(ctx, d.st, "2023-01-01")
	if err != nil {
		t.Fatal(err)
	}
	if m.TotalRows != wantRows {
		t.Errorf("the manifest counts %d rows, want %d", m.TotalRows, wantRows)
	}
	// The sidecars: 16 bytes an insert_id, and a profile (its size aside).
	want := map[string]int64{"_SUCCESS": 0, profile.IDsName: 16 * m.TotalRows, profile.ProfileName: -1}
	for _, f := range m.Files {
		want[f.Name] = f.Size
	}
	got := map[string]int64{}
	for key := range d.objects(t) {
		oi, err := d.st.Stat(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(key, "dt=2023-01-01/")
		switch {
		case !ok:
			t.Errorf("left behind: %s", key)
		case name == profile.ProfileName:
			got[name] = -1
		case name != partition.ManifestName:
			got[name] = oi.Size
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the partition holds %v, its manifest lists %v", got, want)
	}
}

// startPaused starts an export that pauses at step until resume exists,
// and returns once it has paused.
func startPaused(t *testing.T, dir string, env []string, step, resume string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(cleanEnv(), env...), commit.PauseEnv+"="+step, commit.ResumeEnv+"="+resume)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var rest bytes.Buffer
	paused := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "paused at "+step) {
				paused <- true
				break
			}
		}
		paused <- false
		for sc.Scan() {
		}
	}()
	select {
	case ok := <-paused:
		if !ok {
			cmd.Wait()
			t.Fatalf("the export ended without pausing at %s:\n%s", step, rest.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the export did not pause at %s within a minute", step)
	}
	return cmd, &rest
}

// testConcurrentExports holds export Y mid-commit, then runs export X of
// the same day, commit and validate --commit: each must exit 2 naming Y and
// change nothing; Y then finishes and the partition is exactly Y's.
func testConcurrentExports(t *testing.T, d lockDest) {
	work := t.TempDir()
	full := repoFile(t, "testdata/samples/events.ndjson")
	small := filepath.Join(work, "small.ndjson")
	writeHead(t, full, small, 25)
	resume := filepath.Join(work, "resume")
	y, _ := startPaused(t, work, d.env, "parts-uploaded", resume, d.exportArgs(filepath.Join(work, "ry"), small)...)
	before := d.objects(t)

	x := runAgent(t, work, d.env, d.exportArgs(filepath.Join(work, "rx"), full)...)
	if x.code != 2 {
		t.Fatalf("export X: exit %d, want 2\n%s", x.code, x.stderr)
	}
	if want := fmt.Sprintf("pid %d", y.Process.Pid); !strings.Contains(x.stderr, want) || !strings.Contains(x.stderr, "being committed by another run") {
		t.Errorf("export X does not name run Y (%s):\n%s", want, x.stderr)
	}
	others := [][]string{
		append([]string{"commit", "--shards", "1", "--dest", d.url, "--date", "2023-01-01"}, d.args...),
		append([]string{"validate", "--partition", d.url + "/dt=2023-01-01", "--commit", "--report-dir", filepath.Join(work, "rv")}, d.args...),
	}
	for _, args := range others {
		res := runAgent(t, work, d.env, args...)
		if res.code != 2 || !strings.Contains(res.stderr, fmt.Sprintf("pid %d", y.Process.Pid)) {
			t.Errorf("%s: exit %d, want 2 naming run Y\n%s", args[0], res.code, res.stderr)
		}
	}
	if after := d.objects(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("export X, commit or validate changed the destination:\nbefore %v\nafter  %v", before, after)
	}

	if err := os.WriteFile(resume, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := y.Wait(); err != nil {
		t.Fatalf("export Y: %v", err)
	}
	rep, _ := readReport(t, filepath.Join(work, "ry"))
	d.checkExactly(t, rep.Counts.Written)
}

func TestExportConcurrentLocal(t *testing.T) { testConcurrentExports(t, localLockDest(t)) }
func TestExportConcurrentS3(t *testing.T)    { testConcurrentExports(t, s3LockDest(t)) }
func TestExportConcurrentGCS(t *testing.T)   { testConcurrentExports(t, gcsLockDest(t)) }

// testLeaseExpires SIGKILLs an export mid-commit: its lease blocks the next
// run until it expires, and then the next run takes it over and commits.
func testLeaseExpires(t *testing.T, d lockDest) {
	work := t.TempDir()
	full := repoFile(t, "testdata/samples/events.ndjson")
	env := append(d.env, store.LeaseEnv+"=3s")
	killed := time.Now()
	killAt(t, work, append(env, commit.PauseEnv+"=parts-uploaded"), "paused at parts-uploaded", d.exportArgs(filepath.Join(work, "r0"), full)...)
	if res := runAgent(t, work, env, d.exportArgs(filepath.Join(work, "r1"), full)...); time.Since(killed) < 2*time.Second && res.code != 2 {
		t.Fatalf("within the lease: exit %d, want 2\n%s", res.code, res.stderr)
	}
	time.Sleep(time.Until(killed.Add(3500 * time.Millisecond)))
	res := runAgent(t, work, env, d.exportArgs(filepath.Join(work, "r2"), full)...)
	if res.code != 0 {
		t.Fatalf("after the lease expired: exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r2"))
	d.checkExactly(t, rep.Counts.Written)
}

func TestExportLeaseExpiresS3(t *testing.T)  { testLeaseExpires(t, s3LockDest(t)) }
func TestExportLeaseExpiresGCS(t *testing.T) { testLeaseExpires(t, gcsLockDest(t)) }

// TestExportKilledHolderLocal: a SIGKILLed holder's flock is gone with its
// process; the next run commits at once.
func TestExportKilledHolderLocal(t *testing.T) {
	d := localLockDest(t)
	work := t.TempDir()
	full := repoFile(t, "testdata/samples/events.ndjson")
	killAt(t, work, []string{commit.PauseEnv + "=parts-uploaded"}, "paused at parts-uploaded", d.exportArgs(filepath.Join(work, "r0"), full)...)
	res := runAgent(t, work, nil, d.exportArgs(filepath.Join(work, "r1"), full)...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r1"))
	d.checkExactly(t, rep.Counts.Written)
}
