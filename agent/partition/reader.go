package partition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/converters/tolerant"
)

// FileError says a file of the partition cannot be used as it is: a part
// is unreadable as the import layout, disappeared while it was read, or
// does not match the manifest, or the manifest is not valid or does not
// match the listing. The partition is at fault, not the run: pull refuses
// it, validate says it is invalid.
type FileError struct {
	Name   string // the part, or ManifestName
	Reason string // says what is wrong, naming the file
	Err    error  // the cause, if any
}

func (e *FileError) Error() string { return e.Reason }
func (e *FileError) Unwrap() error { return e.Err }

// File is one part while the Reader reads it.
type File struct {
	Part           // name, size and SHA-256 as downloaded; Rows from its footer
	Key   string   // in the store: Prefix + Name
	Extra []string // top-level columns outside the import layout, ignored
	// Data is the downloaded part, for checks of its own (its exact
	// schema). It is valid until OnDone returns.
	Data io.ReaderAt
}

// Reader streams the rows of a partition's parts, one part at a time: each
// is downloaded into a temporary file, checked against the manifest,
// opened with the tolerant reader and handed on row by row, and its
// temporary file removed before the next part. Memory does not grow with
// the partition: the tolerant reader holds a page of each column at a time.
type Reader struct {
	Store     store.Store
	Partition *Partition
	// Manifest, when not nil, names the parts to read, in its order, and
	// each must match its entry: size, SHA-256 and row count. Without one
	// the Reader reads the partition's DataFiles in name order.
	Manifest *Manifest
	TempDir  string           // for the downloaded parts ("" = os.TempDir)
	Options  tolerant.Options // how values are read
	Log      *slog.Logger     // warns of ignored columns; nil: silent

	// OnOpen, when set, is called for each part once it is opened and
	// checked, before its rows; OnDone after its last row. An error
	// from either stops the read and is returned as it is.
	OnOpen, OnDone func(f *File) error
}

// Files are the names of the parts Each reads, in order.
func (r *Reader) Files() []string {
	if r.Manifest == nil {
		return r.Partition.DataFiles()
	}
	names := make([]string, len(r.Manifest.Files))
	for i, f := range r.Manifest.Files {
		names[i] = f.Name
	}
	return names
}

// Each calls fn for every row of every part, in order. The Row is reused
// between calls (see tolerant.File.Each). A part that is at fault is a
// *FileError; an error from fn or a hook is returned as it is; any other
// error (from the store, the temp folder) is a failure of the run.
func (r *Reader) Each(ctx context.Context, fn func(f *File, row *tolerant.Row) error) error {
	for _, name := range r.Files() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.part(ctx, name, fn); err != nil {
			return err
		}
	}
	return nil
}

// part reads one part.
func (r *Reader) part(ctx context.Context, name string, fn func(*File, *tolerant.Row) error) error {
	key := r.Partition.Prefix() + name
	tmp, size, sum, err := store.Download(ctx, r.Store, key, r.TempDir)
	if errors.Is(err, store.ErrNotExist) {
		// Gone since the listing: the partition is being written again.
		return fault(name, err, "%s disappeared while it was being read", name)
	}
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	f := &File{Part: Part{Name: name, Size: size, SHA256: sum}, Key: key, Data: tmp}
	mf := r.Manifest.Part(name)
	if mf != nil && (size != mf.Size || sum != mf.SHA256) {
		return fault(name, nil, "%s does not match %s: %d bytes with sha256 %s, the manifest says %d bytes with sha256 %s",
			name, ManifestName, size, sum, mf.Size, mf.SHA256)
	}
	tf, err := tolerant.Open(tmp, size, r.Options)
	if err != nil {
		return fault(name, err, "%s: %v", name, err)
	}
	f.Rows, f.Extra = tf.NumRows(), tf.Extra()
	if len(f.Extra) > 0 && r.Log != nil {
		r.Log.Warn("ignoring columns that are not in the import layout", "file", key, "columns", f.Extra)
	}
	if mf != nil && f.Rows != mf.Rows {
		return fault(name, nil, "%s has %d rows, %s says %d", name, f.Rows, ManifestName, mf.Rows)
	}
	if r.OnOpen != nil {
		if err := r.OnOpen(f); err != nil {
			return err
		}
	}
	var fnErr error // the caller's: not the part's fault
	err = tf.Each(func(row *tolerant.Row) error {
		fnErr = fn(f, row)
		return fnErr
	})
	switch {
	case fnErr != nil:
		return fnErr
	case err != nil:
		return fault(name, err, "%s: %v", name, err)
	case r.OnDone != nil:
		return r.OnDone(f)
	}
	return nil
}

// fault is a *FileError about the part name.
func fault(name string, cause error, format string, args ...any) error {
	return &FileError{Name: name, Reason: fmt.Sprintf(format, args...), Err: cause}
}
