// Package gcs is the store.Store backend for Google Cloud Storage
// (gs://bucket/prefix, also gcs://), built on cloud.google.com/go/storage.
package gcs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/hackle/hackle-agent/agent/store"
)

func init() {
	store.Register(store.Backend[Options]{
		Schemes: []string{"gs", "gcs"},
		Open: func(ctx context.Context, u *url.URL, opts *Options) (store.Store, error) {
			return Open(ctx, u.Host, u.Path, *opts)
		},
		Permissions: store.Permissions{
			Bucket: "storage.buckets.get", List: "storage.objects.list", Put: "storage.objects.create",
			Get: "storage.objects.get", Version: "storage.objects.get", Delete: "storage.objects.delete",
		},
		Policy: policy,
	})
}

// Options are how the GCS backend connects; the CLI makes a flag of each.
type Options struct {
	CredentialsFile string `option:"credentials-file" help:"GCS: service-account key file (default: Application Default Credentials)"`
	Endpoint        string `option:"endpoint" alias:"endpoint-url" value:"url" help:"GCS emulator URL, e.g. http://127.0.0.1:4443"`
}

// chunkSize is the resumable-upload chunk: the memory one Put holds, and the
// unit the client retries.
const chunkSize = 8 << 20

// Store is a bucket and a prefix. Keys are relative to the prefix.
type Store struct {
	client *storage.Client
	bucket *storage.BucketHandle
	name   string
	prefix string // no leading or trailing '/'
	source string // where the credentials came from, for messages
}

var (
	_ store.Store = (*Store)(nil)
	_ io.Closer   = (*Store)(nil)
)

// Open connects with Application Default Credentials, or the service-account
// key in opts.CredentialsFile. An opts.Endpoint without a key file is taken
// for an emulator and used without authentication.
func Open(ctx context.Context, bucket, prefix string, opts Options) (*Store, error) {
	if bucket == "" {
		return nil, fmt.Errorf("gcs: no bucket in the URL (want gs://bucket/prefix)")
	}
	co, source := clientOptions(opts)
	c, err := storage.NewClient(ctx, co...)
	if err != nil {
		return nil, fmt.Errorf("gcs: credentials from %s: %w", source, err)
	}
	c.SetRetry(storage.WithPolicy(storage.RetryAlways),
		storage.WithBackoff(gax.Backoff{Initial: 500 * time.Millisecond, Max: 20 * time.Second, Multiplier: 2}))
	return &Store{client: c, bucket: c.Bucket(bucket), name: bucket, prefix: strings.Trim(prefix, "/"), source: source}, nil
}

func clientOptions(opts Options) ([]option.ClientOption, string) {
	co := []option.ClientOption{option.WithLogger(slog.Default())} // the client's own logs go through slog
	source := "Application Default Credentials"
	if opts.Endpoint != "" {
		co = append(co, option.WithEndpoint(emulatorEndpoint(opts.Endpoint)), storage.WithJSONReads())
	}
	switch {
	case opts.CredentialsFile != "":
		co = append(co, option.WithAuthCredentialsFile(option.ServiceAccount, opts.CredentialsFile))
		source = fmt.Sprintf("key file %q", opts.CredentialsFile)
	case opts.Endpoint != "":
		co = append(co, option.WithoutAuthentication())
		source = "no credentials (emulator at " + opts.Endpoint + ")"
	}
	return co, source
}

// emulatorEndpoint turns "host:port" or "http://host:port" into the JSON
// API base URL the client wants.
func emulatorEndpoint(ep string) string {
	if !strings.Contains(ep, "://") {
		ep = "http://" + ep
	}
	if !strings.Contains(strings.SplitN(ep, "://", 2)[1], "/") {
		ep = strings.TrimSuffix(ep, "/") + "/storage/v1/"
	}
	return ep
}

// String is "gs://bucket/prefix".
func (s *Store) String() string {
	if s.prefix == "" {
		return "gs://" + s.name
	}
	return "gs://" + s.name + "/" + s.prefix
}

// Bucket and Prefix name the store's root.
func (s *Store) Bucket() string { return s.name }
func (s *Store) Prefix() string { return s.prefix }

// Close releases the client.
func (s *Store) Close() error { return s.client.Close() }

func (s *Store) full(key string) string { return store.Prefix(s.prefix).Full(key) }
func (s *Store) rel(full string) string { return store.Prefix(s.prefix).Rel(full) }

// Put streams r as a resumable upload in chunkSize pieces; the object
// appears only when the last chunk is in.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // abandons the upload on error
	w := s.bucket.Object(s.full(key)).NewWriter(ctx)
	w.ChunkSize = chunkSize
	if size >= 0 && size < chunkSize {
		w.ChunkSize = int(size) + 1 // one request, still retried
	}
	if _, err := io.Copy(w, r); err != nil {
		cancel()
		w.Close()
		return s.wrap("put", key, err)
	}
	if err := w.Close(); err != nil {
		return s.wrap("put", key, err)
	}
	return nil
}

// Get opens key. A missing key is store.ErrNotExist.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.bucket.Object(s.full(key)).NewReader(ctx)
	if err != nil {
		return nil, s.wrap("get", key, err)
	}
	return r, nil
}

// Stat describes key; ETag is the object's generation.
func (s *Store) Stat(ctx context.Context, key string) (store.ObjectInfo, error) {
	a, err := s.bucket.Object(s.full(key)).Attrs(ctx)
	if err != nil {
		return store.ObjectInfo{}, s.wrap("stat", key, err)
	}
	oi := s.info(a)
	oi.Key = key
	return oi, nil
}

func (s *Store) info(a *storage.ObjectAttrs) store.ObjectInfo {
	return store.ObjectInfo{Key: s.rel(a.Name), Size: a.Size, ModTime: a.Updated, ETag: strconv.FormatInt(a.Generation, 10)}
}

// List iterates the objects under prefix; GCS lists in lexical order.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	q := &storage.Query{Prefix: s.full(prefix)}
	if err := q.SetAttrSelection([]string{"Name", "Size", "Updated", "Generation"}); err != nil {
		return err
	}
	it := s.bucket.Objects(ctx, q)
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return nil
		}
		if err != nil {
			return s.wrap("list", prefix, err)
		}
		if strings.HasSuffix(a.Name, "/") {
			continue // a folder placeholder, not an object
		}
		if err := fn(s.info(a)); err != nil {
			return err
		}
	}
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.bucket.Object(s.full(key)).Delete(ctx)
	if err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return s.wrap("delete", key, err)
	}
	return nil
}
