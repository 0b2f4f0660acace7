// Package store is the one interface over the places a partition lives: a
// local folder, S3 and GCS. Backends live in sub-packages, each registering
// a Backend (its schemes, options, permissions, policy and redaction), and
// are picked by URL scheme in Open (docs/backends.md).
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotExist is returned (wrapped) by Get and Stat when the key does not
// exist. Test with errors.Is.
var ErrNotExist = errors.New("object does not exist")

// ObjectInfo describes one object.
type ObjectInfo struct {
	Key     string    // relative to the store's root, '/'-separated, no leading '/'
	Size    int64     //
	ModTime time.Time //
	ETag    string    // backend version marker (S3 ETag, GCS generation, or empty)
}

// Store is a flat key space under one root (a bucket and prefix, or a local
// folder). Keys are '/'-separated and relative to the root. Every method is
// safe for concurrent use. Implementations retry transient faults (throttling,
// 5xx) themselves; an error they return is final.
type Store interface {
	// Put writes the whole of r to key. Readers see either the previous
	// object or the complete new one, never a partial one. size is the
	// length of r, or -1 when unknown.
	Put(ctx context.Context, key string, r io.Reader, size int64) error

	// Get opens key for reading. A missing key is ErrNotExist.
	Get(ctx context.Context, key string) (io.ReadCloser, error)

	// Stat describes key. A missing key is ErrNotExist.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// List calls fn for every object whose key starts with prefix, in
	// lexical key order. Folder placeholders (zero-byte keys ending in '/',
	// as consoles create them) are not objects and are not listed. An error
	// from fn stops the listing and is returned.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error

	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error

	// String names the store for messages, e.g. "s3://bucket/prefix" (a
	// folder: its path). It never contains a credential. Its scheme names
	// the backend (PermissionsOf).
	String() string
}

// Close releases what a store holds (connections) when it implements
// io.Closer; other stores hold nothing.
func Close(st Store) error {
	if c, ok := st.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// FilePutter is implemented by stores that can take a finished local file
// more cheaply than through Put (the local store renames it into place).
// The file at path is consumed: it no longer exists after a nil return.
type FilePutter interface {
	PutFile(ctx context.Context, key, path string) error
}

// Stager is implemented by stores that want staged files written under a
// particular local folder (the local store stages inside its own root, on
// the same filesystem, so that PutFile can rename).
type Stager interface {
	StagingDir() (string, error)
}

// UploadAborter is implemented by stores where an interrupted upload leaves
// hidden, billed state behind (S3 multipart uploads). AbortUploads removes
// what is under prefix and says how many it removed; the caller must make
// sure no live run uploads there (it holds the partition's lock).
type UploadAborter interface {
	AbortUploads(ctx context.Context, prefix string) (int, error)
}
