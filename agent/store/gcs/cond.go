package gcs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"cloud.google.com/go/storage"

	"github.com/hackle/hackle-agent/agent/store"
)

// GCS makes writes conditional on the generation (0: no object). The
// emulator fake-gcs-server v1.56 honours it on uploads but not on deletes.
var _ store.ConditionalPutter = (*Store)(nil)

// PutIfAbsent writes data with ifGenerationMatch=0; an existing key is
// store.ErrPrecondition. The version is the generation.
func (s *Store) PutIfAbsent(ctx context.Context, key string, data []byte) (string, error) {
	return s.putIf(ctx, key, data, storage.Conditions{DoesNotExist: true})
}

// PutIfMatch writes data with ifGenerationMatch=version.
func (s *Store) PutIfMatch(ctx context.Context, key string, data []byte, version string) (string, error) {
	gen, err := strconv.ParseInt(version, 10, 64)
	if err != nil {
		return "", fmt.Errorf("gcs: put %q: version %q: %w", s.full(key), version, store.ErrPrecondition)
	}
	return s.putIf(ctx, key, data, storage.Conditions{GenerationMatch: gen})
}

func (s *Store) putIf(ctx context.Context, key string, data []byte, c storage.Conditions) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := s.bucket.Object(s.full(key)).If(c).NewWriter(ctx)
	w.ChunkSize = len(data) + 1 // one request
	if _, err := w.Write(data); err != nil {
		cancel()
		w.Close()
		return "", s.wrapCond("put", key, err)
	}
	if err := w.Close(); err != nil {
		return "", s.wrapCond("put", key, err)
	}
	return strconv.FormatInt(w.Attrs().Generation, 10), nil
}

// DeleteIfMatch deletes key with ifGenerationMatch=version.
func (s *Store) DeleteIfMatch(ctx context.Context, key, version string) error {
	gen, err := strconv.ParseInt(version, 10, 64)
	if err != nil {
		return fmt.Errorf("gcs: delete %q: version %q: %w", s.full(key), version, store.ErrPrecondition)
	}
	err = s.bucket.Object(s.full(key)).If(storage.Conditions{GenerationMatch: gen}).Delete(ctx)
	if err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return s.wrapCond("delete", key, err)
	}
	return nil
}

func (s *Store) wrapCond(op, key string, err error) error {
	if httpCode(err) == http.StatusPreconditionFailed {
		return fmt.Errorf("gcs: %s %q: %w (%v)", op, s.full(key), store.ErrPrecondition, err)
	}
	return s.wrap(op, key, err)
}
