package gcs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/gcs"
	"github.com/hackle/hackle-agent/agent/store/storetest"
)

func endpoint(t *testing.T) string {
	return storetest.Env(t, "HACKLE_TEST_GCS_ENDPOINT")[0]
}

// newBucket creates a bucket unique to the test on the emulator.
func newBucket(t *testing.T, ep string) string {
	t.Helper()
	ctx := context.Background()
	c, err := storage.NewClient(ctx, option.WithEndpoint(ep+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	name := storetest.UniqueName("hackle-test")
	if err := c.Bucket(name).Create(ctx, "test-project", nil); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		it := c.Bucket(name).Objects(ctx, nil)
		for {
			a, err := it.Next()
			if err != nil {
				break
			}
			c.Bucket(name).Object(a.Name).Delete(ctx)
		}
		c.Bucket(name).Delete(ctx)
		c.Close()
	})
	return name
}

var _ = iterator.Done

func open(t *testing.T, url, ep string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, store.Options{"endpoint": ep})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) {
	ep := endpoint(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, "gs://"+newBucket(t, ep)+"/test/prefix-custom", ep)
	})
}

func TestConformanceGCSSchemeNoPrefix(t *testing.T) {
	ep := endpoint(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, "gcs://"+newBucket(t, ep), ep)
	})
}

func TestTrailingSlash(t *testing.T) {
	ep := endpoint(t)
	bucket := newBucket(t, ep)
	ctx := context.Background()
	a := open(t, "gs://"+bucket+"/p/q/", ep)
	b := open(t, "gcs://"+bucket+"/p/q", ep)
	if a.String() != b.String() || a.String() != "gs://"+bucket+"/p/q" {
		t.Fatalf("String() = %q and %q, want both gs://%s/p/q", a, b, bucket)
	}
	if err := a.Put(ctx, "dt=2023-01-01/_SUCCESS", strings.NewReader(""), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(ctx, "dt=2023-01-01/_SUCCESS"); err != nil {
		t.Fatalf("object put through %q not seen through %q: %v", a, b, err)
	}
	root := open(t, "gs://"+bucket, ep)
	if _, err := root.Stat(ctx, "p/q/dt=2023-01-01/_SUCCESS"); err != nil {
		t.Fatalf("object not at p/q/dt=2023-01-01/_SUCCESS: %v", err)
	}
}

func TestMissingBucket(t *testing.T) {
	ep := endpoint(t)
	name := storetest.UniqueName("no-such-bucket")
	st := open(t, "gs://"+name+"/p", ep)
	err := st.Put(context.Background(), "k", strings.NewReader("x"), 1)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Put into a missing bucket: err = %v, want it to say the bucket does not exist", err)
	}
	err = st.List(context.Background(), "", func(store.ObjectInfo) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `bucket "`+name+`" does not exist`) {
		t.Fatalf("List of a missing bucket: err = %v", err)
	}
}

func TestETagIsGeneration(t *testing.T) {
	ep := endpoint(t)
	ctx := context.Background()
	st, err := gcs.Open(ctx, newBucket(t, ep), "p", gcs.Options{Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	st.Put(ctx, "k", strings.NewReader("1"), 1)
	a, _ := st.Stat(ctx, "k")
	st.Put(ctx, "k", strings.NewReader("2"), 1)
	b, err := st.Stat(ctx, "k")
	if err != nil || a.ETag == "" || a.ETag == b.ETag {
		t.Fatalf("ETags %q then %q (%v): want a new generation per put", a.ETag, b.ETag, err)
	}
}

func TestBadCredentialsFile(t *testing.T) {
	const secret = "-----BEGIN PRIVATE KEY-----\nMIIsecretsecret\n-----END PRIVATE KEY-----\n"
	path := t.TempDir() + "/key.json"
	writeFile(t, path, `{"type":"service_account","private_key":"`+strings.ReplaceAll(secret, "\n", `\n`)+`","client_email":"x@p.iam.gserviceaccount.com"}`)
	ctx := context.Background()
	st, err := store.Open(ctx, "gs://some-bucket/p", store.Options{"credentials-file": path, "endpoint": "http://127.0.0.1:1"})
	if err == nil {
		err = st.Put(ctx, "k", strings.NewReader("x"), 1)
	}
	if err == nil {
		t.Fatal("a broken key file worked")
	}
	msg := err.Error()
	t.Log(msg)
	if strings.Contains(msg, "MIIsecret") {
		t.Fatalf("error prints the key: %s", msg)
	}
	if !strings.Contains(msg, path) && !errors.Is(err, context.Canceled) {
		t.Fatalf("error does not name the key file: %s", msg)
	}
}

func TestPutMemoryBounded(t *testing.T) {
	ep := endpoint(t)
	storetest.PutMemory(t, open(t, "gs://"+newBucket(t, ep)+"/p", ep), 64, 48)
}
