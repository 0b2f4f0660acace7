package commit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

// Partition is one day's staged output, ready to publish.
type Partition struct {
	Date     string    // YYYY-MM-DD
	Dir      string    // local folder holding the staged part files
	Manifest *Manifest // Files lists the staged parts in order
}

// Result says what Publish did.
type Result struct {
	Changed  bool     // false: the destination already held exactly this partition
	Uploaded []string // part files written
	Deleted  []string // stale objects removed
}

// Publish commits p to st:
//
//  0. take the partition's lock (a *store.LockedError naming the run that
//     holds it, before anything changed);
//  1. if a committed partition (with _SUCCESS) has the same manifest and its
//     parts are all there with their sizes, do nothing;
//  2. delete _SUCCESS;
//  3. upload each part, skipping a part the committed manifest already lists
//     with the same checksum (trusted only while _SUCCESS was present);
//  4. delete every other object of the partition folder;
//  5. write _manifest.json;
//  6. list the folder again: it must hold exactly the manifest's files and
//     the manifest (else a *ListingError), and the lock must still be ours;
//  7. write _SUCCESS (0 bytes), and release the lock.
//
// A crash at any step leaves either the old committed partition or a folder
// without _SUCCESS, which the next Publish repairs. Publish consumes the
// staged files.
func Publish(ctx context.Context, st store.Store, p *Partition, log *slog.Logger) (Result, error) {
	var res Result
	prefix := PartitionPrefix(p.Date)
	newManifest := p.Manifest.Encode()
	l, err := lockPartition(ctx, st, p.Date)
	if err != nil {
		return res, err
	}
	defer unlock(ctx, l, log)
	abortUploads(ctx, st, prefix, log)

	existing, err := listPartition(ctx, st, prefix)
	if err != nil {
		return res, err
	}
	_, committed := existing[SuccessName]
	var old *Manifest
	if committed {
		var oldBytes []byte
		old, oldBytes, err = ReadManifest(ctx, st, p.Date)
		switch {
		case errors.Is(err, store.ErrNotExist):
			old = nil // committed by another tool; nothing to trust
		case err != nil && oldBytes == nil:
			return res, err
		case err != nil:
			log.Warn("ignoring an unreadable manifest", "partition", prefix, "err", err)
			old = nil
		case bytes.Equal(oldBytes, newManifest) && matches(existing, p.Manifest.Files):
			return res, nil
		}
	}
	res.Changed = true

	pause("before-delete-success")
	if committed {
		if err := st.Delete(ctx, prefix+SuccessName); err != nil {
			return res, fmt.Errorf("delete %s%s: %w", prefix, SuccessName, err)
		}
	}
	pause("success-deleted")
	for _, f := range p.Manifest.Files {
		if old != nil && sameFile(old, f) && existing[f.Name] == f.Size {
			os.Remove(filepath.Join(p.Dir, f.Name))
			continue
		}
		if err := putFile(ctx, st, prefix+f.Name, filepath.Join(p.Dir, f.Name), f.Size); err != nil {
			return res, err
		}
		res.Uploaded = append(res.Uploaded, f.Name)
		log.Debug("uploaded part", "partition", prefix, "file", f.Name, "bytes", f.Size)
		if len(res.Uploaded) == 1 {
			pause("first-part-uploaded")
		}
	}
	pause("parts-uploaded")
	keep := map[string]bool{ManifestName: true, SuccessName: true}
	for _, f := range p.Manifest.Files {
		keep[f.Name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if keep[name] {
			continue
		}
		if err := st.Delete(ctx, prefix+name); err != nil {
			return res, fmt.Errorf("delete stale %s%s: %w", prefix, name, err)
		}
		res.Deleted = append(res.Deleted, name)
		log.Info("deleted stale object", "partition", prefix, "file", name)
	}
	pause("stale-deleted")
	if err := st.Put(ctx, prefix+ManifestName, bytes.NewReader(newManifest), int64(len(newManifest))); err != nil {
		return res, fmt.Errorf("write %s%s: %w", prefix, ManifestName, err)
	}
	pause("manifest-written")
	if err := writeSuccess(ctx, st, l, prefix, p.Manifest.Files, onlyManifest); err != nil {
		return res, err
	}
	return res, nil
}

// listPartition maps the names of the objects directly in a partition
// folder to their sizes.
func listPartition(ctx context.Context, st store.Store, prefix string) (map[string]int64, error) {
	objs := map[string]int64{}
	err := st.List(ctx, prefix, func(o store.ObjectInfo) error {
		objs[strings.TrimPrefix(o.Key, prefix)] = o.Size
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	return objs, nil
}

// matches reports whether the folder holds exactly files (plus the markers)
// with their sizes.
func matches(existing map[string]int64, files []File) bool {
	if len(existing) != len(files)+2 {
		return false
	}
	if _, ok := existing[ManifestName]; !ok {
		return false
	}
	for _, f := range files {
		if size, ok := existing[f.Name]; !ok || size != f.Size {
			return false
		}
	}
	return true
}

// sameFile reports whether the committed manifest lists f unchanged.
func sameFile(m *Manifest, f File) bool {
	for _, o := range m.Files {
		if o.Name == f.Name {
			return o.SHA256 == f.SHA256 && o.Size == f.Size
		}
	}
	return false
}

func putFile(ctx context.Context, st store.Store, key, path string, size int64) error {
	if fp, ok := st.(store.FilePutter); ok {
		if err := fp.PutFile(ctx, key, path); err != nil {
			return fmt.Errorf("upload %s: %w", key, err)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	defer f.Close()
	if err := st.Put(ctx, key, f, size); err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	f.Close()
	return os.Remove(path)
}

// PauseEnv names the environment variable that makes Publish stop and wait
// at a step, so that a test can kill the process there. It is for tests.
const PauseEnv = "HACKLE_AGENT_TEST_PAUSE_AT"

// ResumeEnv names a file whose creation ends a pause, so that a test can
// hold a run mid-commit and then let it finish. It is for tests.
const ResumeEnv = "HACKLE_AGENT_TEST_RESUME"

// pause blocks at step when PauseEnv names it, after saying so on stderr:
// forever (the test then kills the process), or until the file ResumeEnv
// names exists.
func pause(step string) {
	if os.Getenv(PauseEnv) != step {
		return
	}
	fmt.Fprintf(os.Stderr, "paused at %s\n", step)
	resume := os.Getenv(ResumeEnv)
	for {
		if resume == "" {
			time.Sleep(time.Hour)
			continue
		}
		if _, err := os.Stat(resume); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeSuccess writes _SUCCESS after checking, by a fresh listing, that the
// folder holds exactly files and the markers marker allows, and that the
// lock l is still held.
func writeSuccess(ctx context.Context, st store.Store, l store.Lock, prefix string, files []File, marker func(string) bool) error {
	if err := checkListing(ctx, st, prefix, files, marker); err != nil {
		return err
	}
	if err := l.Held(); err != nil {
		return fmt.Errorf("%s: %w; _SUCCESS was not written", prefix, err)
	}
	if err := st.Put(ctx, prefix+SuccessName, bytes.NewReader(nil), 0); err != nil {
		return fmt.Errorf("write %s%s: %w", prefix, SuccessName, err)
	}
	return nil
}

// Seal commits a partition whose part files are already in place (written
// by Spark, BigQuery or Snowflake, then checked by validate --partition):
// it writes _manifest.json, then _SUCCESS. A partition already sealed with
// the same manifest is left alone. It holds the partition's lock meanwhile
// (a *store.LockedError when another run does), and writes _SUCCESS only
// over exactly the files of m (a *ListingError otherwise). It returns
// whether it wrote anything.
func Seal(ctx context.Context, st store.Store, m *Manifest) (bool, error) {
	l, err := lockPartition(ctx, st, m.Date)
	if err != nil {
		return false, err
	}
	defer unlock(ctx, l, slog.New(slog.DiscardHandler))
	return seal(ctx, st, l, m)
}

// seal is Seal under the lock l.
func seal(ctx context.Context, st store.Store, l store.Lock, m *Manifest) (bool, error) {
	prefix := PartitionPrefix(m.Date)
	b := m.Encode()
	existing, err := listPartition(ctx, st, prefix)
	if err != nil {
		return false, err
	}
	data := 0
	for name := range existing {
		if !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") {
			data++
		}
	}
	for _, f := range m.Files {
		if size, ok := existing[f.Name]; !ok || size != f.Size {
			return false, fmt.Errorf("%s%s changed while it was checked: not sealed", prefix, f.Name)
		}
	}
	if data != len(m.Files) {
		return false, fmt.Errorf("%s holds %d data files, %d were checked: not sealed", prefix, data, len(m.Files))
	}
	if _, ok := existing[SuccessName]; ok {
		if _, old, err := ReadManifest(ctx, st, m.Date); err == nil && bytes.Equal(old, b) {
			return false, nil
		}
		if err := st.Delete(ctx, prefix+SuccessName); err != nil {
			return false, fmt.Errorf("delete %s%s: %w", prefix, SuccessName, err)
		}
	}
	if err := st.Put(ctx, prefix+ManifestName, bytes.NewReader(b), int64(len(b))); err != nil {
		return false, fmt.Errorf("write %s%s: %w", prefix, ManifestName, err)
	}
	if err := writeSuccess(ctx, st, l, prefix, m.Files, anyMarker); err != nil {
		return false, err
	}
	return true, nil
}
