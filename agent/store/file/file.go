// Package file is the local-folder Store: a plain path or file:// URL used
// as the bucket root. It is the embedded default destination.
package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/hackle/hackle-agent/agent/store"
)

func init() {
	store.Register(store.Backend[struct{}]{
		Schemes: []string{"file"},
		Open: func(_ context.Context, u *url.URL, _ *struct{}) (store.Store, error) {
			return New(u.Path)
		},
		Permissions: store.Permissions{Bucket: "read folder", List: "list folder", Put: "write", Get: "read", Version: "read", Delete: "delete"},
	})
}

// stagingName is the folder under the root where files are staged before
// they are renamed into place. It starts with '_' so that Hive-style readers
// (Spark, Hackle) ignore it, and it holds no dt= folder.
const stagingName = "_hackle_agent_tmp"

// Store is a folder on the local filesystem.
type Store struct {
	root    string
	cleaned sync.Once // temporary files of killed runs removed
}

var (
	_ store.Store      = (*Store)(nil)
	_ store.FilePutter = (*Store)(nil)
	_ store.Stager     = (*Store)(nil)
)

// New returns the store rooted at dir. The folder is created by the first
// write, so that opening a destination (for a dry run, say) changes nothing.
// A path that exists but is not a folder is an error.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("file: empty folder name")
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("file: %s is not a folder", dir)
	}
	return &Store{root: filepath.Clean(dir)}, nil
}

func (s *Store) String() string { return s.root }

// path maps a key to a filesystem path, refusing keys that would escape the root.
func (s *Store) path(key string) (string, error) {
	clean := filepath.Clean("/" + filepath.FromSlash(key))
	if key == "" || clean == "/" || strings.Contains(key, "\x00") {
		return "", fmt.Errorf("file: invalid key %q", key)
	}
	return filepath.Join(s.root, clean), nil
}

// Put writes r to a temporary file beside key and renames it into place, so
// readers never see a partial file.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, _ int64) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	// The temporary file lives in the staging folder (same filesystem, so
	// the rename is atomic): a Put killed half-way leaves nothing in the
	// partition folder, and the next export clears the staging folder.
	staging, err := s.StagingDir()
	if err != nil {
		return err
	}
	tmp, err := createTemp(staging)
	if err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	if _, err := io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		tmp.Close()
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	// Renamed while still open (and so locked), closed after.
	if err := s.rename(key, tmp.Name(), p); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	return nil
}

// PutFile moves a finished local file to key: a rename when it is on the
// same filesystem, otherwise a copy through Put.
func (s *Store) PutFile(ctx context.Context, key, path string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	// The rename must not become durable before the data: _SUCCESS,
	// written after the parts, is synced.
	if err := syncFile(path); err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	err = os.Rename(path, p)
	if errors.Is(err, syscall.EXDEV) {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("file: put %q: %w", key, err)
		}
		defer f.Close()
		if err := s.Put(ctx, key, f, -1); err != nil {
			return err
		}
		return os.Remove(path)
	}
	if err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	return syncDir(filepath.Dir(p))
}

func (s *Store) rename(key, from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("file: put %q: %w", key, err)
	}
	return syncDir(filepath.Dir(to))
}

// syncFile flushes a file's data to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not supported everywhere; best effort
	return nil
}

// Get opens key.
func (s *Store) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("file: get %q: %w", key, store.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("file: get %q: %w", key, err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("file: get %q: %w", key, store.ErrNotExist)
	}
	return f, nil
}

// Stat describes key.
func (s *Store) Stat(_ context.Context, key string) (store.ObjectInfo, error) {
	p, err := s.path(key)
	if err != nil {
		return store.ObjectInfo{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()) {
		return store.ObjectInfo{}, fmt.Errorf("file: stat %q: %w", key, store.ErrNotExist)
	}
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("file: stat %q: %w", key, err)
	}
	return store.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// List walks the folder in lexical key order. Temporary files of Put and the
// staging folder are not objects and are not listed.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	var keys []store.ObjectInfo
	// With a trailing separator a root that is a symbolic link to a
	// folder is walked, not reported as one file.
	walkRoot := s.root
	if !strings.HasSuffix(walkRoot, string(filepath.Separator)) {
		walkRoot += string(filepath.Separator)
	}
	err := filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == stagingName || (key != "." && !couldContain(key+"/", prefix)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) || strings.Contains(d.Name(), ".tmp-") && strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished meanwhile
		}
		keys = append(keys, store.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("file: list %q: %w", prefix, err)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Key < keys[j].Key })
	for _, o := range keys {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// couldContain reports whether keys under dir (ending in '/') can start with prefix.
func couldContain(dir, prefix string) bool {
	return strings.HasPrefix(dir, prefix) || strings.HasPrefix(prefix, dir)
}

// Delete removes key and then any folders it leaves empty up to the root.
func (s *Store) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file: delete %q: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty, or gone
		}
	}
	return nil
}

// StagingDir is a folder inside the root, on the same filesystem, so that
// PutFile is a rename. The first call removes the temporary files of Puts
// that were killed (removeAbandoned).
func (s *Store) StagingDir() (string, error) {
	dir := filepath.Join(s.root, stagingName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("file: staging folder: %w", err)
	}
	s.cleaned.Do(func() { removeAbandoned(dir) })
	return dir, nil
}

// tempPattern names Put's temporary files in the staging folder.
const tempPattern = "put-*"

// createTemp creates a temporary file for Put, locked (lockTemp) for as
// long as it is open, so that another run's removeAbandoned leaves it.
func createTemp(dir string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		f, err := os.CreateTemp(dir, tempPattern)
		if err != nil {
			return nil, err
		}
		err = lockTemp(f)
		if err == nil && samePath(f, f.Name()) {
			return f, nil
		}
		f.Close()
		os.Remove(f.Name())
		if attempt == 5 {
			return nil, fmt.Errorf("could not lock a temporary file in %s", dir)
		}
	}
}

// removeAbandoned removes the temporary files of Puts whose process is gone
// (a SIGKILL leaves them); those of live Puts are locked and stay.
func removeAbandoned(dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, p := range paths {
		removeIfAbandoned(p)
	}
}

// ctxReader stops a copy when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
