package s3_test

import (
	"context"
	"errors"
	"io"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/s3"
)

// failingReader gives n bytes, then fails.
type failingReader struct{ n int }

var errRead = errors.New("input broke")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errRead
	}
	if len(p) > r.n {
		p = p[:r.n]
	}
	clear(p)
	r.n -= len(p)
	return len(p), nil
}

// uploads lists the bucket's multipart uploads in progress.
func (s server) uploads(t *testing.T, bucket string) []string {
	t.Helper()
	out, err := s.admin().ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, *u.Key)
	}
	return keys
}

// TestFailedPutAborts: a multipart upload whose input fails midway, or
// whose context is cancelled, leaves no upload behind.
func TestFailedPutAborts(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	st, err := store.Open(context.Background(), "s3://"+bucket+"/p", srv.opts())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(context.Background(), "dt=2023-01-01/a.parquet", &failingReader{n: 20 << 20}, -1); !errors.Is(err, errRead) {
		t.Fatalf("Put: %v, want the reader's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &failingReader{n: 12 << 20}
	go func() { cancel() }()
	st.Put(ctx, "dt=2023-01-01/b.parquet", io.MultiReader(r, &failingReader{n: 1 << 30}), -1)
	if got := srv.uploads(t, bucket); len(got) != 0 {
		t.Errorf("uploads left behind: %v", got)
	}
}

// TestAbortStaleUploads: uploads a killed run left under a prefix are
// aborted by AbortUploads.
func TestAbortStaleUploads(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	for _, k := range []string{"p/dt=2023-01-01/a.parquet", "p/dt=2023-01-02/a.parquet"} {
		if _, err := srv.admin().CreateMultipartUpload(context.Background(), &awss3.CreateMultipartUploadInput{Bucket: &bucket, Key: &k}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s3.Open(context.Background(), bucket, "p", srv.typed())
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.AbortUploads(context.Background(), "dt=2023-01-01/")
	if err != nil || n != 1 {
		t.Fatalf("AbortUploads: %d, %v; want 1 aborted", n, err)
	}
	if got := srv.uploads(t, bucket); len(got) != 1 || got[0] != "p/dt=2023-01-02/a.parquet" {
		t.Errorf("uploads left: %v, want only the other day's", got)
	}
}
