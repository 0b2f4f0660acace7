package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store/storetest"
)

// runWithin runs the agent and fails the test when it takes longer than
// limit (it is then killed): a run that opened a FIFO nobody writes to
// would block until then.
func runWithin(t *testing.T, limit time.Duration, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir, cmd.Env = dir, append(cleanEnv(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("hackle-agent %s: still running after %s (did it read its input?)\n%s", strings.Join(args, " "), limit, errb.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// fifoInput is an input that blocks whoever opens it: nobody writes to it.
func fifoInput(t *testing.T, dir string) string {
	p := filepath.Join(dir, "events.ndjson")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// TestFailFastS3: wrong keys and a missing bucket fail export, commit,
// validate --partition and pull within seconds, exit 2, naming the
// destination and the permission, before any input is opened.
func TestFailFastS3(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "failfast")
	work := t.TempDir()
	fifo := fifoInput(t, work)
	wrongSecret := append(append([]string{}, env...), "AWS_SECRET_ACCESS_KEY=not-the-secret")
	conn := []string{"--endpoint-url", endpoint, "--path-style"} // the aws CLI's name for --endpoint
	missing := "s3://" + storetest.UniqueName("no-such") + "/events"
	dest := "s3://" + bucket + "/events"
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"export, wrong secret", wrongSecret, []string{"export", "--input", fifo, "--dest", dest, "--date", "2024-01-01"}, []string{dest, "s3:", "were rejected"}},
		{"export, missing bucket", env, []string{"export", "--input", fifo, "--dest", missing, "--date", "2024-01-01"}, []string{missing, "does not exist"}},
		{"commit, wrong secret", wrongSecret, []string{"commit", "--dest", dest, "--shards", "2", "--date", "2024-01-01"}, []string{dest, "were rejected"}},
		{"validate --partition, wrong secret", wrongSecret, []string{"validate", "--partition", dest + "/dt=2024-01-01"}, []string{dest, "s3:GetBucketLocation", "were rejected"}},
		{"pull, wrong secret", wrongSecret, []string{"pull", "--source", dest, "--sink", filepath.Join(work, "sink")}, []string{dest, "were rejected"}},
		{"pull, missing bucket", env, []string{"pull", "--source", missing, "--sink", filepath.Join(work, "sink")}, []string{missing, "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res := runWithin(t, 30*time.Second, work, tc.env, append(tc.args, conn...)...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", res.code, res.stderr)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("failed after %s: not fast", took)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not name %q:\n%s", w, res.stderr)
				}
			}
			if strings.Contains(res.stderr, "reading input") || strings.Contains(res.stderr, "not-the-secret") {
				t.Errorf("stderr reads input or shows a secret:\n%s", res.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(work, "hackle-agent-report")); err == nil {
		t.Error("a refused run wrote a report: it got as far as reading input")
	}
	// The same export with the right keys gets past the probe (and blocks
	// on the FIFO until this writer feeds it).
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			b, _ := os.ReadFile(repoFile(t, "testdata/samples/events.ndjson"))
			f.Write(b)
			f.Close()
		}
	}()
	res := runWithin(t, 60*time.Second, work, env, append([]string{"export", "--input", fifo, "--dest", dest, "--date", "2023-01-01", "--max-error-rate", "0.5", "-q"}, conn...)...)
	if res.code != 0 {
		t.Fatalf("right keys: exit %d\n%s", res.code, res.stderr)
	}
	if out := awsRun(t, endpoint, env, "s3", "ls", "--recursive", "s3://"+bucket+"/events/"); strings.Contains(out, "_hackle_agent_check_") {
		t.Errorf("the preflight probe was left behind:\n%s", out)
	}
}

// TestFailFastNoDelete: keys that may put but not delete fail export's
// write probe, naming s3:DeleteObject, before the input is opened.
func TestFailFastNoDelete(t *testing.T) {
	bucket, env := noDeleteBucket(t)
	work := t.TempDir()
	res := runWithin(t, 30*time.Second, work, env, "export", "--input", fifoInput(t, work), "--dest", "s3://"+bucket+"/p", "--date", "2024-01-01")
	if res.code != 2 || !strings.Contains(res.stderr, "s3:DeleteObject") || !strings.Contains(res.stderr, "left behind") {
		t.Fatalf("exit %d, want 2 naming s3:DeleteObject\n%s", res.code, res.stderr)
	}
	// A dry run writes nothing, so it needs no write permission.
	res = runWithin(t, 30*time.Second, work, env, "export", "--input", repoFile(t, "testdata/samples/events.ndjson"), "--dest", "s3://"+bucket+"/p", "--date", "2023-01-01", "--dry-run", "--max-error-rate", "0.5", "-q")
	if res.code != 0 {
		t.Errorf("--dry-run: exit %d\n%s", res.code, res.stderr)
	}
}

// TestFailFastGCS: a missing GCS bucket fails export at once, exit 2,
// without opening the input.
func TestFailFastGCS(t *testing.T) {
	endpoint := storetest.Env(t, "HACKLE_TEST_GCS_ENDPOINT")[0]
	work := t.TempDir()
	fifo := fifoInput(t, work)
	missing := "gs://" + storetest.UniqueName("no-such") + "/events"
	res := runWithin(t, 30*time.Second, work, nil, "export", "--input", fifo, "--dest", missing, "--date", "2024-01-01", "--endpoint", endpoint)
	if res.code != 2 || !strings.Contains(res.stderr, missing) || !strings.Contains(res.stderr, "does not exist") {
		t.Errorf("exit %d, want 2 naming the bucket\n%s", res.code, res.stderr)
	}
}

// TestURLLookalikes: a local path that looks like a mistyped URL is a
// usage error naming the URL that was meant, for every location flag,
// and nothing is written locally.
func TestURLLookalikes(t *testing.T) {
	work := t.TempDir()
	in := repoFile(t, "testdata/samples/events.ndjson")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--input", in, "--dest", "s3:/bucket/x", "--date", "2023-01-01"}, "did you mean s3://bucket/x?"},
		{[]string{"export", "--input", in, "--dest", "s3//bucket/x", "--date", "2023-01-01"}, "did you mean s3://bucket/x?"},
		{[]string{"export", "--input", in, "--dest", "https://bucket.s3.amazonaws.com/x", "--date", "2023-01-01"}, "did you mean s3://bucket/x?"},
		{[]string{"export", "--input", "gs:bucket/in.ndjson", "--dest", "out"}, "did you mean gs://bucket/in.ndjson?"},
		{[]string{"validate", "--input", in, "--report-dir", "gcs:/bucket/r"}, "did you mean gcs://bucket/r?"},
		{[]string{"validate", "--partition", "s3:/bucket/x/dt=2023-01-01"}, "did you mean s3://bucket/x/dt=2023-01-01?"},
		{[]string{"pull", "--source", "s3:bucket"}, "did you mean s3://bucket?"},
		{[]string{"check", "--dest", "gs:/bucket"}, "did you mean gs://bucket?"},
		{[]string{"commit", "--dest", "s3:/bucket/x", "--shards", "2"}, "did you mean s3://bucket/x?"},
	} {
		res := runWithin(t, 30*time.Second, work, nil, tc.args...)
		if res.code != 1 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%s: exit %d, want 1 saying %q\n%s", strings.Join(tc.args, " "), res.code, tc.want, res.stderr)
		}
	}
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		t.Errorf("wrote %s locally", e.Name())
	}
}

// TestEndpointFlag: an --endpoint without a scheme is a usage error at
// once (not retries), saying what to add; --endpoint-url is its alias.
func TestEndpointFlag(t *testing.T) {
	work := t.TempDir()
	fifo := fifoInput(t, work)
	for _, flag := range []string{"--endpoint", "--endpoint-url"} {
		for _, ep := range []string{"127.0.0.1:9000", "minio:9000"} {
			start := time.Now()
			res := runWithin(t, 30*time.Second, work, []string{"AWS_EC2_METADATA_DISABLED=true"}, "export", "--input", fifo, "--dest", "s3://b/x", flag, ep)
			if res.code != 1 || !strings.Contains(res.stderr, "add http:// or https://") {
				t.Errorf("%s %s: exit %d, want 1 saying to add a scheme\n%s", flag, ep, res.code, res.stderr)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("%s %s: took %s", flag, ep, time.Since(start))
			}
		}
	}
	res := runAgent(t, work, []string{"HACKLE_AGENT_ENDPOINT=minio:9000"}, "check", "--dest", "s3://b")
	if res.code != 1 || !strings.Contains(res.stderr, "--endpoint") {
		t.Errorf("from the environment: exit %d\n%s", res.code, res.stderr)
	}
}

// TestUnknownFlagHint: an unknown flag names where to look.
func TestUnknownFlagHint(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--nope"}, "see hackle-agent export --help"},
		{[]string{"--nope"}, "see hackle-agent --help"},
	} {
		res := runAgent(t, ".", nil, tc.args...)
		if res.code != 1 || !strings.Contains(res.stderr, "flag provided but not defined: -nope") || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 1 and %q\n%s", tc.args, res.code, tc.want, res.stderr)
		}
	}
}
