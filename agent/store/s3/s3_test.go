package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/s3"
	"github.com/hackle/hackle-agent/agent/store/storetest"
)

// server is the S3-compatible test server (.ci/servers.sh starts one).
type server struct {
	endpoint, access, secret string
}

func testServer(t *testing.T) server {
	v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	return server{v[0], v[1], v[2]}
}

// useKeys puts static keys in the environment, the way a customer's CI does.
func useKeys(t *testing.T, access, secret string) {
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// opts are the options the test server needs, by name as the flags give
// them: store.Open fills the backend's Options from them.
func (s server) opts() store.Options {
	return store.Options{"endpoint": s.endpoint, "path-style": "true"}
}

// typed are opts for s3.Open.
func (s server) typed() s3.Options {
	return s3.Options{Endpoint: s.endpoint, PathStyle: true}
}

func (s server) admin() *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.access, s.secret, ""),
	})
}

// newBucket creates a bucket unique to the test and removes it after.
func (s server) newBucket(t *testing.T) string {
	t.Helper()
	name := storetest.UniqueName("hackle-test")
	ctx := context.Background()
	if _, err := s.admin().CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() { s.removeBucket(name) })
	return name
}

func (s server) removeBucket(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := s.admin()
	p := awss3.NewListObjectsV2Paginator(c, &awss3.ListObjectsV2Input{Bucket: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return
		}
		for _, o := range page.Contents {
			c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &name, Key: o.Key})
		}
	}
	c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: &name})
}

func TestConformance(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := store.Open(context.Background(), "s3://"+srv.newBucket(t)+"/test/prefix-custom", srv.opts())
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestConformanceNoPrefix(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := store.Open(context.Background(), "s3://"+srv.newBucket(t), srv.opts())
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestTrailingSlash(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	ctx := context.Background()
	a, err := store.Open(ctx, "s3://"+bucket+"/p/q/", srv.opts())
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, "s3://"+bucket+"/p/q", srv.opts())
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || a.String() != "s3://"+bucket+"/p/q" {
		t.Fatalf("String() = %q and %q, want both s3://%s/p/q", a, b, bucket)
	}
	if err := a.Put(ctx, "dt=2023-01-01/_SUCCESS", strings.NewReader(""), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(ctx, "dt=2023-01-01/_SUCCESS"); err != nil {
		t.Fatalf("object put through %q not seen through %q: %v", a, b, err)
	}
	out, err := srv.admin().HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &bucket, Key: aws.String("p/q/dt=2023-01-01/_SUCCESS")})
	if err != nil {
		t.Fatalf("object not at p/q/dt=2023-01-01/_SUCCESS: %v (%v)", err, out)
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := testServer(t)
	bucket := srv.newBucket(t)
	const wrongSecret = "wrong-secret-do-not-print-0123456789"
	useKeys(t, srv.access, wrongSecret)
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+bucket+"/p", srv.opts())
	if err == nil {
		err = st.Put(ctx, "k", strings.NewReader("x"), 1)
	}
	if err == nil {
		t.Fatal("Put with a wrong secret succeeded")
	}
	msg := err.Error()
	t.Log(msg)
	if strings.Contains(msg, wrongSecret) || strings.Contains(msg, srv.secret) {
		t.Fatalf("error prints the secret: %s", msg)
	}
	if !strings.Contains(msg, "environment (AWS_ACCESS_KEY_ID)") || !strings.Contains(msg, "rejected") {
		t.Fatalf("error does not say the credentials from the environment were rejected: %s", msg)
	}
	if !strings.HasPrefix(msg, `s3: put "p/k": `) {
		t.Fatalf("error does not read `s3: put \"p/k\": …`: %s", msg)
	}
}

func TestWrongCredentialsProfile(t *testing.T) {
	srv := testServer(t)
	bucket := srv.newBucket(t)
	useKeys(t, "", "")
	const wrongSecret = "profile-secret-do-not-print-42"
	dir := t.TempDir()
	creds := dir + "/credentials"
	writeFile(t, creds, "[customer]\naws_access_key_id = "+srv.access+"\naws_secret_access_key = "+wrongSecret+"\n")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	opts := srv.opts()
	opts["profile"] = "customer"
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+bucket, opts)
	if err == nil {
		_, err = st.Stat(ctx, "k")
	}
	if err == nil || errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Stat with a wrong profile secret: err = %v", err)
	}
	msg := err.Error()
	t.Log(msg)
	if strings.Contains(msg, wrongSecret) {
		t.Fatalf("error prints the secret: %s", msg)
	}
	if !strings.Contains(msg, `profile "customer"`) {
		t.Fatalf("error does not name the profile: %s", msg)
	}
}

func TestMissingBucket(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	name := storetest.UniqueName("no-such-bucket")
	_, err := store.Open(context.Background(), "s3://"+name+"/p", srv.opts())
	if err == nil || !strings.Contains(err.Error(), `bucket "`+name+`" does not exist`) {
		t.Fatalf("Open on a missing bucket: err = %v, want it to say the bucket does not exist", err)
	}
}

func TestMissingBucketWithRegion(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	name := storetest.UniqueName("no-such-bucket")
	opts := srv.opts()
	opts["region"] = "us-east-1" // no GetBucketLocation at open
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+name+"/p", opts)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Put(ctx, "k", strings.NewReader("x"), 1)
	if err == nil || !strings.Contains(err.Error(), `bucket "`+name+`" does not exist`) {
		t.Fatalf("Put on a missing bucket: err = %v, want it to say the bucket does not exist", err)
	}
}

func TestETag(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	ctx := context.Background()
	st, err := s3.Open(ctx, srv.newBucket(t), "p", srv.typed())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "k", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	oi, err := st.Stat(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	// MD5("abc") is the ETag of a single-part upload.
	if oi.ETag != "900150983cd24fb0d6963f7d28e17f72" {
		t.Fatalf("ETag = %q", oi.ETag)
	}
}

func TestPutMemoryBounded(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	st, err := store.Open(context.Background(), "s3://"+srv.newBucket(t)+"/p", srv.opts())
	if err != nil {
		t.Fatal(err)
	}
	storetest.PutMemory(t, st, 160, 64)
}

func TestProfile(t *testing.T) {
	srv := testServer(t)
	bucket := srv.newBucket(t)
	useKeys(t, "", "")
	creds := t.TempDir() + "/credentials"
	writeFile(t, creds, "[customer]\naws_access_key_id = "+srv.access+"\naws_secret_access_key = "+srv.secret+"\n")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	opts := srv.opts()
	opts["profile"] = "customer"
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+bucket+"/p", opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "k", strings.NewReader("x"), 1); err != nil {
		t.Fatalf("Put with profile credentials: %v", err)
	}
}
