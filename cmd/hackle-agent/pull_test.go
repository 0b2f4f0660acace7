package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store/storetest"
)

func pullReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exportSample commits the sample events for 2023-01-01 into dir/bucket.
func exportSample(t *testing.T, dir string) {
	t.Helper()
	r := runAgent(t, dir, nil, "export", "--input", repoFile(t, "testdata/samples/events.ndjson"),
		"--date", "2023-01-01", "--dest", "bucket", "--max-error-rate", "0.5", "--report-dir", "export-report", "-q")
	if r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
}

func TestPullUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"pull"}, "no source"},
		{[]string{"pull", "--source", "b", "--date", "2023-01-01", "--since", "3"}, "one of --date"},
		{[]string{"pull", "--source", "b", "--from", "2023-01-01"}, "--from and --to go together"},
		{[]string{"pull", "--source", "b", "--since", "0"}, "--since 0"},
		{[]string{"pull", "--source", "b", "--date", "01/02/2023"}, "not a date"},
		{[]string{"pull", "--source", "b", "--deadline", "1pm"}, "--deadline"},
		{[]string{"pull", "--source", "b", "--deadline", "13:00", "--deadline-tz", "Mars/Base"}, "time zone"},
		{[]string{"pull", "--source", "b", "--sink", "mysql://h/db"}, "unsupported sink"},
		{[]string{"pull", "--source", "b", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		r := runAgent(t, dir, nil, tt.args...)
		if r.code != exitUsage && !(tt.want == "unsupported sink" && r.code == exitRuntime) {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, r.code, exitUsage, r.stderr)
		}
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: stderr does not mention %q:\n%s", tt.args, tt.want, r.stderr)
		}
	}
}

func TestPullEndToEnd(t *testing.T) {
	dir := t.TempDir()
	exportSample(t, dir)
	args := []string{"pull", "--source", "bucket", "--sink", "imported", "--date", "2023-01-01", "--log-format", "text"}
	r := runAgent(t, dir, nil, args...)
	if r.code != 0 || !strings.Contains(r.stderr, "dt=2023-01-01  imported") {
		t.Fatalf("first pull: exit %d\n%s", r.code, r.stderr)
	}
	for _, f := range []string{"imported/dt=2023-01-01/000000000000.parquet", "imported/dt=2023-01-01/summary.json",
		"imported/_hackle_pull_state/partitions/dt=2023-01-01.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	// The report: under pull/, in the source's own folder (name-hash).
	if found, _ := filepath.Glob(filepath.Join(dir, "hackle-agent-report", "pull", "bucket-????????", "dt=2023-01-01", "report.json")); len(found) != 1 {
		t.Errorf("want one report in hackle-agent-report/pull/bucket-HASH/dt=2023-01-01, found %q", found)
	}
	r = runAgent(t, dir, nil, args...)
	if r.code != 0 || !strings.Contains(r.stderr, "dt=2023-01-01  unchanged") || !strings.Contains(r.stderr, "0 imported") {
		t.Fatalf("second pull: exit %d\n%s", r.code, r.stderr)
	}
	r = runAgent(t, dir, nil, append(args, "--delete-after")...)
	if r.code != 0 || !strings.Contains(r.stderr, "deleted from the source") {
		t.Fatalf("pull --delete-after: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bucket", "dt=2023-01-01")); !os.IsNotExist(err) {
		t.Errorf("the partition is still in the source after --delete-after")
	}
}

func TestPullRefusedExits3(t *testing.T) {
	dir := t.TempDir()
	exportSample(t, dir)
	part := filepath.Join(dir, "bucket", "dt=2023-01-01", "000000000000.parquet")
	b, _ := os.ReadFile(part)
	os.WriteFile(part, append(b, 0), 0o644)
	r := runAgent(t, dir, nil, "pull", "--source", "bucket", "--sink", "imported")
	if r.code != exitRejected || !strings.Contains(r.stderr, "REFUSED") || !strings.Contains(r.stderr, "the manifest says") {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitRejected, r.stderr)
	}
}

func TestPullDeadline(t *testing.T) {
	dir := t.TempDir()
	exportSample(t, dir) // 2023-01-01 only: yesterday is always missing
	r := runAgent(t, dir, nil, "pull", "--source", "bucket", "--sink", "imported", "--deadline", "00:00", "--deadline-tz", "Asia/Seoul")
	if r.code != exitLate || !strings.Contains(r.stderr, "missed its deadline") {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitLate, r.stderr)
	}
	// Yesterday's partition (UTC) committed and imported: on time.
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	line, _, _ := strings.Cut(string(pullReadFile(t, repoFile(t, "testdata/samples/events.ndjson"))), "\n")
	line = strings.Replace(line, "2023-01-01T00:00:00.000Z", yesterday+"T12:00:00Z", 1)
	os.WriteFile(filepath.Join(dir, "y.ndjson"), []byte(line+"\n"), 0o644)
	if r := runAgent(t, dir, nil, "export", "--input", "y.ndjson", "--date", yesterday, "--dest", "bucket", "-q"); r.code != 0 {
		t.Fatalf("export %s: exit %d\n%s", yesterday, r.code, r.stderr)
	}
	r = runAgent(t, dir, nil, "pull", "--source", "bucket", "--sink", "imported", "--deadline", "00:00", "--deadline-tz", "UTC")
	if r.code != 0 || strings.Contains(r.stderr, "missed its deadline") {
		t.Fatalf("yesterday imported: exit %d\n%s", r.code, r.stderr)
	}
}

// startWatcher starts pull --watch in dir from an empty folder bucket into
// the folder imported, logging JSON to errb, with the extra flags; the
// process is killed when the test ends.
func startWatcher(t *testing.T, dir string, flags ...string) (cmd *exec.Cmd, errb *bytes.Buffer) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "bucket"), 0o755)
	args := append([]string{"pull", "--watch", "--source", "bucket", "--sink", "imported", "--log-format", "json"}, flags...)
	cmd = exec.Command(binary, args...)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	errb = new(bytes.Buffer)
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, errb
}

// TestPullWatch starts pull --watch on an empty bucket, commits a partition
// and waits for it to be imported, then stops the watcher with SIGINT.
func TestPullWatch(t *testing.T) {
	dir := t.TempDir()
	cmd, errb := startWatcher(t, dir, "--interval", "100ms")
	exportSample(t, dir)
	summary := filepath.Join(dir, "imported", "dt=2023-01-01", "summary.json")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(summary); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("--watch did not import the partition in 30s:\n%s", errb.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watcher exit: %v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "partition imported") {
		t.Errorf("no import logged:\n%s", errb.String())
	}
}

// cloudSource creates a bucket on a test server and returns the source URL
// under it, the connection flags and the environment of the agent.
type cloudSource func(t *testing.T) (url string, flags, env []string)

func s3Source(t *testing.T) (string, []string, []string) {
	v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	env := []string{"AWS_ACCESS_KEY_ID=" + v[1], "AWS_SECRET_ACCESS_KEY=" + v[2], "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	aws, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("awscli is not installed")
		}
		t.Skip("awscli is not installed")
	}
	bucket := storetest.UniqueName("pull")
	cmd := exec.Command(aws, "--endpoint-url", v[0], "s3", "mb", "s3://"+bucket)
	cmd.Env = append(cleanEnv(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("create bucket: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(aws, "--endpoint-url", v[0], "s3", "rb", "--force", "s3://"+bucket)
		cmd.Env = append(cleanEnv(), env...)
		cmd.Run()
	})
	return "s3://" + bucket + "/hackle/events", []string{"--endpoint", v[0], "--path-style"}, env
}

func gcsSource(t *testing.T) (string, []string, []string) {
	endpoint, bucket := newGCSBucket(t, "pull")
	return "gs://" + bucket + "/hackle/events", []string{"--endpoint", endpoint}, nil
}

// TestPullFromCloud exports to the S3 and GCS test servers and pulls from
// them: imported once, unchanged the second time, and --delete-after
// empties the partition.
func TestPullFromCloud(t *testing.T) {
	for name, open := range map[string]cloudSource{"s3": s3Source, "gcs": gcsSource} {
		t.Run(name, func(t *testing.T) {
			src, flags, env := open(t)
			dir := t.TempDir()
			r := runAgent(t, dir, env, append([]string{"export", "--input", repoFile(t, "testdata/samples/events.ndjson"),
				"--date", "2023-01-01", "--dest", src, "--max-error-rate", "0.5", "-q"}, flags...)...)
			if r.code != 0 {
				t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
			}
			pull := append([]string{"pull", "--source", src, "--sink", "imported"}, flags...)
			if r := runAgent(t, dir, env, pull...); r.code != 0 || !strings.Contains(r.stderr, "dt=2023-01-01  imported") {
				t.Fatalf("first pull: exit %d\n%s", r.code, r.stderr)
			}
			if r := runAgent(t, dir, env, pull...); r.code != 0 || !strings.Contains(r.stderr, "dt=2023-01-01  unchanged") {
				t.Fatalf("second pull: exit %d\n%s", r.code, r.stderr)
			}
			if r := runAgent(t, dir, env, append(pull, "--delete-after")...); r.code != 0 || !strings.Contains(r.stderr, "deleted from the source") {
				t.Fatalf("pull --delete-after: exit %d\n%s", r.code, r.stderr)
			}
			if r := runAgent(t, dir, env, pull...); r.code != 0 || !strings.Contains(r.stderr, "0 imported · 0 unchanged · 0 not ready") {
				t.Fatalf("pull after --delete-after: exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}

// noonZone names a fixed-offset zone where it is about noon at now, so
// that a test with a deadline at midnight does not see the day change
// (Etc/GMT-N is N hours east of UTC).
func noonZone(now time.Time) string {
	east := 12 - now.UTC().Hour() // -11 … 12
	if east >= 0 {
		return fmt.Sprintf("Etc/GMT-%d", east)
	}
	return fmt.Sprintf("Etc/GMT+%d", -east)
}

// TestPullWatchDeadline: in --watch mode a missed deadline is one error
// line (not one per poll), and the watcher keeps running.
func TestPullWatchDeadline(t *testing.T) {
	cmd, errb := startWatcher(t, t.TempDir(), "--interval", "50ms", "--deadline", "00:00", "--deadline-tz", noonZone(time.Now()))
	time.Sleep(2 * time.Second) // dozens of polls
	if cmd.ProcessState != nil {
		t.Fatalf("the watcher stopped:\n%s", errb.String())
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if n := strings.Count(errb.String(), "missed its deadline"); n != 1 {
		t.Errorf("the missed deadline was logged %d times, want once:\n%s", n, errb.String())
	}
	if !strings.Contains(errb.String(), `"level":"ERROR"`) {
		t.Errorf("the missed deadline is not an error line:\n%s", errb.String())
	}
}

func TestNoonZone(t *testing.T) {
	for h := range 24 {
		now := time.Date(2026, 11, 28, h, 30, 0, 0, time.UTC)
		loc, err := time.LoadLocation(noonZone(now))
		if err != nil {
			t.Fatal(err)
		}
		if got := now.In(loc).Hour(); got != 12 {
			t.Errorf("at %s UTC it is %d:30 in %s, want 12:30", now.Format("15:04"), got, loc)
		}
	}
}

// TestPullSecondPullLeavesFirstAlone: while another pull holds a folder
// sink (its state lock, or the sink's own lock with another --state-dir),
// a second pull exits 2 naming the lock and leaves the first one's staged
// load alone; once the first is done, a pull imports.
func TestPullSecondPullLeavesFirstAlone(t *testing.T) {
	for _, tc := range []struct {
		name, lock string
		flags      []string
	}{
		{"state lock", "imported/_hackle_pull_state/lock", nil},
		{"sink lock", "imported/.hackle-pull-lock", []string{"--state-dir", "other-state"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exportSample(t, dir)
			staged := filepath.Join(dir, "imported", ".hackle-pull-staging", "dt=2023-01-01-1", "000000000000.parquet")
			os.MkdirAll(filepath.Dir(staged), 0o755)
			os.WriteFile(staged, []byte("the first pull's load"), 0o644)
			os.MkdirAll(filepath.Dir(filepath.Join(dir, tc.lock)), 0o755)
			lock, err := os.OpenFile(filepath.Join(dir, tc.lock), os.O_CREATE|os.O_RDWR, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"pull", "--source", "bucket", "--sink", "imported", "--date", "2023-01-01"}, tc.flags...)
			r := runAgent(t, dir, nil, args...)
			if r.code != exitRuntime || !strings.Contains(r.stderr, "another pull holds the lock") {
				t.Errorf("second pull: exit %d, want %d naming the lock\n%s", r.code, exitRuntime, r.stderr)
			}
			if _, err := os.Stat(staged); err != nil {
				t.Errorf("the second pull removed the first one's staged load: %v", err)
			}
			lock.Close() // the first pull ends
			if r := runAgent(t, dir, nil, args...); r.code != 0 || !strings.Contains(r.stderr, "dt=2023-01-01  imported") {
				t.Fatalf("pull after the first one ended: exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}

// TestPullNeverPrintsSinkPassword: a sink URL that does not parse, or a
// server that does not answer, makes pull fail without printing the
// password, on stderr or stdout, in text or JSON logs.
func TestPullNeverPrintsSinkPassword(t *testing.T) {
	dir := t.TempDir()
	exportSample(t, dir)
	const pw = "Zq9xWord"
	for _, sinkURL := range []string{
		"postgres://hackle:" + pw + "@127.0.0.1:notaport/analytics",
		"postgres://hackle:" + pw + "%@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x/" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x#" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x?" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x@" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:" + pw + "@127.0.0.1:1/analytics?connect_timeout=2",
		"postgres://127.0.0.1:1/analytics?password=" + pw + "&connect_timeout=2",
		"host=127.0.0.1 password=" + pw,
		"mysql://hackle:" + pw + "@db/analytics",
	} {
		for _, format := range []string{"text", "json"} {
			r := runAgent(t, dir, nil, "pull", "--source", "bucket", "--sink", sinkURL, "--log-format", format)
			if r.code == 0 {
				t.Errorf("--sink %q: exit 0", sinkURL)
			}
			if out := r.stdout + r.stderr; strings.Contains(out, pw) || strings.Contains(out, "Zq9x") {
				t.Errorf("--sink %q: the password is printed:\n%s", sinkURL, out)
			}
		}
	}
	// The same for the source and export's --dest and --input.
	for _, bad := range []string{"s3://AKIA:" + pw + "%@bucket/p", "s3://AKIA:Zq9x/" + pw + "@bucket/p", "gs://bucket/p?sig=" + pw + "%"} {
		for _, args := range [][]string{
			{"pull", "--source", bad, "--sink", "imported"},
			{"export", "--input", repoFile(t, "testdata/samples/events.ndjson"), "--date", "2023-01-01", "--dest", bad},
			{"export", "--input", bad, "--date", "2023-01-01", "--dest", "out"},
		} {
			r := runAgent(t, dir, nil, args...)
			if out := r.stdout + r.stderr; r.code == 0 || strings.Contains(out, pw) || strings.Contains(out, "Zq9x") {
				t.Errorf("%v: exit %d, the password printed?\n%s", args, r.code, out)
			}
		}
	}
}
