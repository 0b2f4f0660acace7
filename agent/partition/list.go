package partition

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// Partition is one dt= folder of a store as listed.
type Partition struct {
	Date validate.Date
	// Objects are the folder's objects by name inside it; an object in a
	// subfolder keeps its '/' ("hour=01/part-0.parquet").
	Objects map[string]store.ObjectInfo
}

// List lists the dt= folders of st in date order, keeping those in
// [from, to] (a zero bound is open). Folders whose name is not a date are
// ignored.
func List(ctx context.Context, st store.Store, from, to validate.Date) ([]*Partition, error) {
	byDate := map[validate.Date]*Partition{}
	err := st.List(ctx, "dt=", func(o store.ObjectInfo) error {
		dir, name, ok := strings.Cut(strings.TrimPrefix(o.Key, "dt="), "/")
		if !ok {
			return nil
		}
		d, err := validate.ParseDate(dir)
		if err != nil || d.String() != dir || (!from.IsZero() && d.Before(from)) || (!to.IsZero() && to.Before(d)) {
			return nil
		}
		p := byDate[d]
		if p == nil {
			p = &Partition{Date: d, Objects: map[string]store.ObjectInfo{}}
			byDate[d] = p
		}
		p.Objects[name] = o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", st, err)
	}
	out := slices.Collect(maps.Values(byDate))
	slices.SortFunc(out, func(a, b *Partition) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// Get lists day date's folder alone. A folder with no objects is a
// Partition with none.
func Get(ctx context.Context, st store.Store, date validate.Date) (*Partition, error) {
	p := &Partition{Date: date, Objects: map[string]store.ObjectInfo{}}
	prefix := p.Prefix()
	err := st.List(ctx, prefix, func(o store.ObjectInfo) error {
		p.Objects[strings.TrimPrefix(o.Key, prefix)] = o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", st, prefix, err)
	}
	return p, nil
}

// Prefix is the partition's key prefix, "dt=YYYY-MM-DD/".
func (p *Partition) Prefix() string { return Prefix(p.Date.String()) }

// Ready reports whether the partition is committed (has _SUCCESS).
func (p *Partition) Ready() bool {
	_, ok := p.Objects[SuccessName]
	return ok
}

// DataFiles are the names of the part files (IsDataFile), sorted.
func (p *Partition) DataFiles() []string {
	var names []string
	for name := range p.Objects {
		if IsDataFile(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Version names the partition's content: "m-<sha256 of _manifest.json>"
// when it has one, else "l-<sha256 of the listing>" (names, sizes, ETags and
// times of every object, _SUCCESS included), so that any re-commit changes
// it. Pull records it: the values must never change for the same content.
//
// It returns the manifest too (nil without one). A manifest that is not
// valid still gives its version, with a *FileError; a manifest that
// disappeared since the listing gives the listing's version.
func (p *Partition) Version(ctx context.Context, st store.Store) (string, *Manifest, error) {
	if _, ok := p.Objects[ManifestName]; ok {
		m, raw, err := ReadManifest(ctx, st, p.Date.String())
		if err != nil && raw == nil && !errors.Is(err, store.ErrNotExist) {
			return "", nil, err
		}
		if raw != nil {
			sum := sha256.Sum256(raw)
			ver := "m-" + hex.EncodeToString(sum[:])
			if err != nil {
				return ver, nil, &FileError{Name: ManifestName, Reason: err.Error(), Err: err}
			}
			return ver, m, nil
		}
	}
	h := sha256.New()
	for _, n := range slices.Sorted(maps.Keys(p.Objects)) {
		o := p.Objects[n]
		fmt.Fprintf(h, "%s\t%d\t%s\t%d\n", n, o.Size, o.ETag, o.ModTime.UnixNano())
	}
	return "l-" + hex.EncodeToString(h.Sum(nil)), nil, nil
}

// Difference is how a listing differs from a list of parts.
type Difference struct {
	Missing  []string  // parts not listed, in the parts' order
	Resized  []Resized // parts listed with another size, in the parts' order
	Unlisted []string  // the folder's other objects (markers and subfolders too), sorted
}

// Resized is a part listed with another size than expected.
type Resized struct {
	Name         string
	Size, Wanted int64
}

// Compare compares the listing with parts (names and sizes).
func (p *Partition) Compare(parts []Part) Difference {
	var d Difference
	rest := maps.Clone(p.Objects)
	for _, f := range parts {
		o, ok := p.Objects[f.Name]
		switch {
		case !ok:
			d.Missing = append(d.Missing, f.Name)
		case o.Size != f.Size:
			d.Resized = append(d.Resized, Resized{Name: f.Name, Size: o.Size, Wanted: f.Size})
		}
		delete(rest, f.Name)
	}
	d.Unlisted = slices.Sorted(maps.Keys(rest))
	return d
}

// CheckManifest checks that the listing is what m describes: m is for this
// day, and the data files are exactly m's parts, at their sizes. A
// mismatch is a *FileError naming the manifest.
func (p *Partition) CheckManifest(m *Manifest) error {
	refuse := func(format string, args ...any) error {
		return &FileError{Name: ManifestName, Reason: fmt.Sprintf(format, args...)}
	}
	if m.Date != "" && m.Date != p.Date.String() {
		return refuse("%s is for %s", ManifestName, m.Date)
	}
	d := p.Compare(m.Files)
	extra := slices.DeleteFunc(d.Unlisted, func(n string) bool { return !IsDataFile(n) })
	switch {
	case len(d.Missing) > 0:
		return refuse("files listed in %s are missing: %s", ManifestName, strings.Join(d.Missing, ", "))
	case len(extra) > 0:
		return refuse("files not in %s: %s", ManifestName, strings.Join(extra, ", "))
	case len(d.Resized) > 0:
		sizes := make([]string, len(d.Resized))
		for i, r := range d.Resized {
			sizes[i] = fmt.Sprintf("%s is %d bytes, the manifest says %d", r.Name, r.Size, r.Wanted)
		}
		return refuse("%s", strings.Join(sizes, "; "))
	}
	return nil
}
