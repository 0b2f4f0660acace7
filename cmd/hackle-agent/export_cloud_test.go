package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store/storetest"
)

// awsCLI finds the awscli the tests use as an independent S3 client.
func awsCLI(t *testing.T) string {
	for _, p := range []string{"/usr/bin/aws", "aws"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("awscli is not installed (apt-get install awscli)")
	}
	t.Skip("awscli is not installed")
	return ""
}

// s3Env is the environment under which both awscli and the agent reach the
// test server with its root keys.
func s3Env(t *testing.T) (endpoint string, env []string) {
	vars := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	return vars[0], []string{
		"AWS_ACCESS_KEY_ID=" + vars[1], "AWS_SECRET_ACCESS_KEY=" + vars[2], "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
}

func awsRun(t *testing.T, endpoint string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(awsCLI(t), append([]string{"--endpoint-url", endpoint}, args...)...)
	cmd.Env = append(cleanEnv(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestExportS3 exports the sample to a versitygw bucket, under a prefix with
// a space and Korean in it, from an input that is itself an S3 object;
// awscli lists and downloads the result and DuckDB reads it. A re-run must
// upload nothing.
func TestExportS3(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "export")
	awsRun(t, endpoint, env, "s3", "cp", repoFile(t, "testdata/samples/events.ndjson"), "s3://"+bucket+"/incoming/events.ndjson")

	work := t.TempDir()
	dest := "s3://" + bucket + "/hackle events/데이터/"
	args := []string{"export", "--input", "s3://" + bucket + "/incoming/*.ndjson", "--dest", dest, "--date", "2023-01-01",
		"--max-error-rate", "0.5", "--endpoint", endpoint, "--path-style", "--report-dir", filepath.Join(work, "r1")}
	res := runAgent(t, work, env, args...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	for _, secret := range env[:2] {
		if strings.Contains(res.stderr, strings.SplitN(secret, "=", 2)[1]) {
			t.Fatal("the output shows a credential")
		}
	}
	listing := awsRun(t, endpoint, env, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "hackle events/데이터/")
	for _, want := range []string{"dt=2023-01-01/000000000000.parquet", "dt=2023-01-01/_manifest.json", "dt=2023-01-01/_SUCCESS"} {
		if !strings.Contains(listing, want) {
			t.Errorf("the bucket lacks %s:\n%s", want, listing)
		}
	}
	local := filepath.Join(work, "download")
	awsRun(t, endpoint, env, "s3", "cp", "--recursive", "s3://"+bucket+"/hackle events/데이터/", local)
	checkParquet(t, filepath.Join(local, "dt=2023-01-01"), 40)
	if fi, err := os.Stat(filepath.Join(local, "dt=2023-01-01", "_SUCCESS")); err != nil || fi.Size() != 0 {
		t.Errorf("_SUCCESS: %v", err)
	}

	time.Sleep(1100 * time.Millisecond) // LastModified has one-second resolution
	args[len(args)-1] = filepath.Join(work, "r2")
	if res := runAgent(t, work, env, args...); res.code != 0 {
		t.Fatalf("re-run: exit %d\n%s", res.code, res.stderr)
	}
	if again := awsRun(t, endpoint, env, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "hackle events/데이터/"); again != listing {
		t.Errorf("the re-run changed the bucket:\nbefore %s\nafter %s", listing, again)
	}
	rep, _ := readReport(t, filepath.Join(work, "r2"))
	if rep.Outcome != "unchanged" {
		t.Errorf("re-run outcome %q", rep.Outcome)
	}
}

// TestExportGCS exports to the GCS emulator and reads the objects back over
// its JSON API; a re-run must write nothing (generations unchanged).
func TestExportGCS(t *testing.T) {
	endpoint, bucket := newGCSBucket(t, "export")
	work := t.TempDir()
	args := []string{"export", "--input", repoFile(t, "testdata/samples/warehouse.csv"), "--config", repoFile(t, "testdata/samples/warehouse.yaml"),
		"--dest", "gcs://" + bucket + "/test/prefix-custom", "--endpoint", endpoint, "--report-dir", filepath.Join(work, "r")}
	if res := runAgent(t, work, nil, args...); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	list := func() string {
		resp, err := http.Get(endpoint + "/storage/v1/b/" + bucket + "/o?prefix=" + url.QueryEscape("test/prefix-custom/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Items []struct{ Name, Size, Generation string }
		}
		json.NewDecoder(resp.Body).Decode(&out)
		var lines []string
		for _, it := range out.Items {
			lines = append(lines, fmt.Sprint(it.Name, " ", it.Size, " ", it.Generation))
		}
		return strings.Join(lines, "\n")
	}
	before := list()
	for _, want := range []string{"test/prefix-custom/dt=2023-01-01/000000000000.parquet", "test/prefix-custom/dt=2023-01-01/_SUCCESS 0"} {
		if !strings.Contains(before, want) {
			t.Errorf("the bucket lacks %q:\n%s", want, before)
		}
	}
	part := filepath.Join(work, "dt=2023-01-01")
	os.MkdirAll(part, 0o755)
	resp, err := http.Get(endpoint + "/storage/v1/b/" + bucket + "/o/" + url.PathEscape("test/prefix-custom/dt=2023-01-01/000000000000.parquet") + "?alt=media")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	os.WriteFile(filepath.Join(part, "000000000000.parquet"), buf.Bytes(), 0o644)
	checkParquet(t, part, 30)
	if res := runAgent(t, work, nil, args...); res.code != 0 {
		t.Fatalf("re-run: exit %d\n%s", res.code, res.stderr)
	}
	if after := list(); after != before {
		t.Errorf("the re-run changed the bucket:\nbefore %s\nafter %s", before, after)
	}
}

// newS3Bucket creates a bucket named after prefix on the S3 test server,
// removed with its objects when the test ends, and returns the server's
// endpoint and the environment that reaches it (s3Env).
func newS3Bucket(t *testing.T, prefix string) (endpoint string, env []string, bucket string) {
	t.Helper()
	endpoint, env = s3Env(t)
	bucket = storetest.UniqueName(prefix)
	awsRun(t, endpoint, env, "s3", "mb", "s3://"+bucket)
	t.Cleanup(func() {
		exec.Command(awsCLI(t), "--endpoint-url", endpoint, "s3", "rb", "--force", "s3://"+bucket).Run()
	})
	return endpoint, env, bucket
}

// newGCSBucket creates a bucket named after prefix on the GCS emulator and
// returns the emulator's endpoint and the bucket's name.
func newGCSBucket(t *testing.T, prefix string) (endpoint, bucket string) {
	t.Helper()
	endpoint = storetest.Env(t, "HACKLE_TEST_GCS_ENDPOINT")[0]
	bucket = storetest.UniqueName(prefix)
	body, _ := json.Marshal(map[string]string{"name": bucket})
	resp, err := http.Post(endpoint+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("create bucket: %v %v", err, resp)
	}
	resp.Body.Close()
	return endpoint, bucket
}
