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

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/profile"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// Partition is one day's staged output, ready to publish.
type Partition struct {
	Date     string              // YYYY-MM-DD
	Dir      string              // local folder holding the staged part files
	Manifest *partition.Manifest // Files lists the staged parts in order
	// Sidecars name files in Dir written after the manifest and before
	// _SUCCESS (docs/commit.md, "Sidecars"): markers (names starting with
	// "_"), not listed in the manifest, that must be the same bytes for the
	// same inputs.
	Sidecars []string
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
//  5. write _manifest.json, then the sidecars;
//  6. list the folder again: it must hold exactly the manifest's files and
//     the manifest (else a *ListingError), and the lock must still be ours;
//  7. write _SUCCESS (0 bytes), and release the lock.
//
// A crash at any step leaves either the old committed partition or a folder
// without _SUCCESS, which the next Publish repairs. Publish consumes the
// staged files.
func Publish(ctx context.Context, st store.Store, p *Partition, log *slog.Logger) (Result, error) {
	var res Result
	prefix := partition.Prefix(p.Date)
	newManifest := p.Manifest.Encode()
	l, err := lockPartition(ctx, st, p.Date)
	if err != nil {
		return res, err
	}
	defer unlock(ctx, l, log)
	abortUploads(ctx, st, prefix, log)

	listed, err := listPartition(ctx, st, p.Date)
	if err != nil {
		return res, err
	}
	committed, existing := listed.Ready(), listed.Objects
	var old *partition.Manifest
	if committed {
		var oldBytes []byte
		old, oldBytes, err = partition.ReadManifest(ctx, st, p.Date)
		switch {
		case errors.Is(err, store.ErrNotExist):
			old = nil // committed by another tool; nothing to trust
		case err != nil && oldBytes == nil:
			return res, err
		case err != nil:
			log.Warn("ignoring an unreadable manifest", "partition", prefix, "err", err)
			old = nil
		case bytes.Equal(oldBytes, newManifest) && matches(listed, p.Manifest.Files, p.Sidecars):
			return res, nil
		}
	}
	res.Changed = true

	pause("before-delete-success")
	if committed {
		if err := st.Delete(ctx, prefix+partition.SuccessName); err != nil {
			return res, fmt.Errorf("delete %s%s: %w", prefix, partition.SuccessName, err)
		}
	}
	pause("success-deleted")
	for _, f := range p.Manifest.Files {
		if old != nil && sameFile(old, f) && existing[f.Name].Size == f.Size {
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
	keep := map[string]bool{partition.ManifestName: true, partition.SuccessName: true}
	for _, name := range p.Sidecars {
		keep[name] = true
	}
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
	if err := partition.WriteManifest(ctx, st, p.Manifest); err != nil {
		return res, err
	}
	pause("manifest-written")
	for _, name := range p.Sidecars {
		fi, err := os.Stat(filepath.Join(p.Dir, name))
		if err != nil {
			return res, fmt.Errorf("sidecar %s: %w", name, err)
		}
		if err := putFile(ctx, st, prefix+name, filepath.Join(p.Dir, name), fi.Size()); err != nil {
			return res, err
		}
	}
	allowed := func(name string) bool { return onlyManifest(name) || slices.Contains(p.Sidecars, name) }
	if err := writeSuccess(ctx, st, l, p.Date, p.Manifest.Files, allowed); err != nil {
		return res, err
	}
	return res, nil
}

// listPartition lists day date's partition folder.
func listPartition(ctx context.Context, st store.Store, date string) (*partition.Partition, error) {
	d, err := validate.ParseDate(date)
	if err != nil {
		return nil, fmt.Errorf("partition %q: %w", date, err)
	}
	return partition.Get(ctx, st, d)
}

// matches reports whether the committed folder holds exactly files with
// their sizes, the manifest, the sidecars and _SUCCESS.
func matches(p *partition.Partition, files []partition.Part, sidecars []string) bool {
	d := p.Compare(files)
	want := append([]string{partition.SuccessName, partition.ManifestName}, sidecars...)
	slices.Sort(want)
	return len(d.Missing) == 0 && len(d.Resized) == 0 && slices.Equal(d.Unlisted, want)
}

// sameFile reports whether the committed manifest lists f unchanged.
func sameFile(m *partition.Manifest, f partition.Part) bool {
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
func writeSuccess(ctx context.Context, st store.Store, l store.Lock, date string, files []partition.Part, marker func(string) bool) error {
	prefix := partition.Prefix(date)
	if err := checkListing(ctx, st, date, files, marker); err != nil {
		return err
	}
	if err := l.Held(); err != nil {
		return fmt.Errorf("%s: %w; _SUCCESS was not written", prefix, err)
	}
	if err := st.Put(ctx, prefix+partition.SuccessName, bytes.NewReader(nil), 0); err != nil {
		return fmt.Errorf("write %s%s: %w", prefix, partition.SuccessName, err)
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
func Seal(ctx context.Context, st store.Store, m *partition.Manifest) (bool, error) {
	l, err := lockPartition(ctx, st, m.Date)
	if err != nil {
		return false, err
	}
	defer unlock(ctx, l, slog.New(slog.DiscardHandler))
	return seal(ctx, st, l, m)
}

// seal is Seal under the lock l.
func seal(ctx context.Context, st store.Store, l store.Lock, m *partition.Manifest) (bool, error) {
	prefix := partition.Prefix(m.Date)
	listed, err := listPartition(ctx, st, m.Date)
	if err != nil {
		return false, err
	}
	d := listed.Compare(m.Files)
	if changed := append(d.Missing, resizedNames(d)...); len(changed) > 0 {
		return false, fmt.Errorf("%s%s changed while it was checked: not sealed", prefix, changed[0])
	}
	if other := slices.DeleteFunc(d.Unlisted, partition.IsHidden); len(other) > 0 {
		return false, fmt.Errorf("%s holds %s, which was not checked: not sealed", prefix, strings.Join(other, ", "))
	}
	if listed.Ready() {
		if _, old, err := partition.ReadManifest(ctx, st, m.Date); err == nil && bytes.Equal(old, m.Encode()) {
			return false, nil
		}
		if err := st.Delete(ctx, prefix+partition.SuccessName); err != nil {
			return false, fmt.Errorf("delete %s%s: %w", prefix, partition.SuccessName, err)
		}
	}
	// Export's sidecars describe the rows it committed; a partition sealed
	// over other parts (or assembled from shards) has none, not stale ones.
	for _, name := range []string{profile.ProfileName, profile.IDsName} {
		if _, ok := listed.Objects[name]; ok {
			if err := st.Delete(ctx, prefix+name); err != nil {
				return false, fmt.Errorf("delete stale %s%s: %w", prefix, name, err)
			}
		}
	}
	if err := partition.WriteManifest(ctx, st, m); err != nil {
		return false, err
	}
	if err := writeSuccess(ctx, st, l, m.Date, m.Files, partition.IsHidden); err != nil {
		return false, err
	}
	return true, nil
}
