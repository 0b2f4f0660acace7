package gcs_test

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
)

// TestRetries puts a server answering every third request with a 503 in
// front of the emulator: every operation must still succeed.
func TestRetries(t *testing.T) {
	ep := endpoint(t)
	bucket := newBucket(t, ep)
	u, _ := url.Parse(ep)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var n, injected atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 1 {
			injected.Add(1)
			io.Copy(io.Discard, r.Body)
			http.Error(w, `{"error":{"code":503,"message":"backend unavailable"}}`, http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer ts.Close()
	ctx := context.Background()
	st := open(t, "gs://"+bucket+"/p", ts.URL)
	for _, k := range []string{"a", "b", "c"} {
		if err := st.Put(ctx, k, bytes.NewReader([]byte(k)), 1); err != nil {
			t.Fatalf("Put through a flaky server: %v", err)
		}
	}
	var keys []string
	if err := st.List(ctx, "", func(oi store.ObjectInfo) error { keys = append(keys, oi.Key); return nil }); err != nil || len(keys) != 3 {
		t.Fatalf("List through a flaky server: %v, %v", keys, err)
	}
	if _, err := st.Stat(ctx, "b"); err != nil {
		t.Fatalf("Stat through a flaky server: %v", err)
	}
	if err := st.Delete(ctx, "c"); err != nil {
		t.Fatalf("Delete through a flaky server: %v", err)
	}
	if injected.Load() < 3 {
		t.Fatalf("only %d faults injected", injected.Load())
	}
	t.Logf("%d 503 answers retried", injected.Load())
}
