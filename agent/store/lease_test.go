package store_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
)

// carelessStore is an S3-compatible store that ignores conditional writes:
// every PutIfAbsent and PutIfMatch succeeds.
type carelessStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (s *carelessStore) Put(_ context.Context, key string, r io.Reader, _ int64) error {
	b, err := io.ReadAll(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[key] = b
	return err
}

func (s *carelessStore) Get(_ context.Context, key string) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	if !ok {
		return nil, store.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (s *carelessStore) Stat(_ context.Context, key string) (store.ObjectInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	if !ok {
		return store.ObjectInfo{}, store.ErrNotExist
	}
	return store.ObjectInfo{Key: key, Size: int64(len(b)), ETag: "v"}, nil
}

func (s *carelessStore) List(_ context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, b := range s.objects {
		if strings.HasPrefix(k, prefix) {
			fn(store.ObjectInfo{Key: k, Size: int64(len(b))})
		}
	}
	return nil
}

func (s *carelessStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, key)
	return nil
}

func (s *carelessStore) String() string { return "s3://careless" }

func (s *carelessStore) PutIfAbsent(ctx context.Context, key string, data []byte) (string, error) {
	return "v", s.Put(ctx, key, bytes.NewReader(data), -1)
}

func (s *carelessStore) PutIfMatch(ctx context.Context, key string, data []byte, _ string) (string, error) {
	return "v", s.Put(ctx, key, bytes.NewReader(data), -1)
}

func (s *carelessStore) DeleteIfMatch(ctx context.Context, key, _ string) error {
	return s.Delete(ctx, key)
}

// TestLeaseRefusesCarelessStore: a store that ignores If-None-Match cannot
// make commits exclusive; the lock is refused and nothing is left behind.
func TestLeaseRefusesCarelessStore(t *testing.T) {
	st := &carelessStore{objects: map[string][]byte{}}
	_, err := store.AcquireLock(context.Background(), st, "dt=2023-01-01", store.Owner{Host: "h", PID: 1})
	if err == nil || !strings.Contains(err.Error(), "ignores conditional writes") {
		t.Fatalf("AcquireLock: %v, want a refusal", err)
	}
	if len(st.objects) != 0 {
		t.Errorf("left behind: %v", st.objects)
	}
}
