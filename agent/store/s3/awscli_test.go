package s3_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
)

// TestAWSCLIReadsWhatWePut checks our uploads with an independent client:
// awscli lists and downloads them (a multipart object, a key with spaces and
// non-ASCII, an empty _SUCCESS) byte for byte.
func TestAWSCLIReadsWhatWePut(t *testing.T) {
	srv := testServer(t)
	aws, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("awscli not installed (apt-get install awscli)")
		}
		t.Skip("awscli not installed")
	}
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+bucket+"/test/prefix-custom/", srv.opts())
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("hackle parquet bytes "), (9<<20)/21)
	objects := map[string][]byte{
		"dt=2023-01-01/000000000000.parquet": big,
		"dt=2023-01-01/한글 파일.parquet":        []byte("non-ascii key"),
		"dt=2023-01-01/_SUCCESS":             nil,
	}
	for k, v := range objects {
		if err := st.Put(ctx, k, struct{ io.Reader }{bytes.NewReader(v)}, -1); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(aws, "--endpoint-url", srv.endpoint, "--region", "us-east-1", "s3", "cp", "--recursive",
		"s3://"+bucket+"/test/prefix-custom/dt=2023-01-01/", dir)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_PROFILE=") && !strings.HasPrefix(kv, "AWS_SESSION_TOKEN=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws s3 cp: %v\n%s", err, out)
	}
	for k, want := range objects {
		got, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(k, "dt=2023-01-01/")))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("awscli download of %q: %d bytes (%v), want %d", k, len(got), err, len(want))
		}
	}
}
