package s3_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/s3"
)

// flaky stands in front of the S3 server and answers every other request
// with a throttling error or a 500, as S3 does under load.
func flaky(t *testing.T, target string) (endpoint string, injected *atomic.Int64) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int64
	injected = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 1:
			injected.Add(1)
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
		case 2:
			injected.Add(1)
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, injected
}

func TestRetriesThrottlingAnd5xx(t *testing.T) {
	srv := testServer(t)
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	ep, injected := flaky(t, srv.endpoint)
	ctx := context.Background()
	st, err := s3.Open(ctx, bucket, "p", s3.Options{Endpoint: ep, PathStyle: true, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), (17<<20)/16) // 3 parts
	if err := st.Put(ctx, "big", struct{ io.Reader }{bytes.NewReader(data)}, -1); err != nil {
		t.Fatalf("Put through a throttling server: %v", err)
	}
	if err := st.Put(ctx, "small", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatalf("Put through a throttling server: %v", err)
	}
	n := 0
	if err := st.List(ctx, "", func(store.ObjectInfo) error { n++; return nil }); err != nil || n != 2 {
		t.Fatalf("List through a throttling server: %d objects, %v", n, err)
	}
	rc, err := st.Get(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get through a throttling server: %d bytes, %v", len(got), err)
	}
	if injected.Load() < 5 {
		t.Fatalf("only %d faults injected", injected.Load())
	}
	t.Logf("%d throttling/5xx answers retried", injected.Load())
}
