package pull

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// partition is one dt= folder of the source as listed.
type partition struct {
	Date    validate.Date
	Objects map[string]store.ObjectInfo // by name inside the folder
}

// Ready reports whether the partition is committed (has _SUCCESS).
func (p *partition) Ready() bool {
	_, ok := p.Objects[commit.SuccessName]
	return ok
}

// DataFiles are the names of the part files, sorted: every object whose
// name does not start with "_" or "." (markers, checksums, temp files).
func (p *partition) DataFiles() []string {
	var names []string
	for name := range p.Objects {
		if !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") && !strings.Contains(name, "/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Prefix is the partition's key prefix.
func (p *partition) Prefix() string { return commit.PartitionPrefix(p.Date.String()) }

// listPartitions lists the dt= folders of the source in date order, keeping
// those in [from, to] (zero bounds are open). Folders whose name is not a
// date are ignored.
func listPartitions(ctx context.Context, st store.Store, from, to validate.Date) ([]*partition, error) {
	byDate := map[validate.Date]*partition{}
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
			p = &partition{Date: d, Objects: map[string]store.ObjectInfo{}}
			byDate[d] = p
		}
		p.Objects[name] = o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", st, err)
	}
	out := make([]*partition, 0, len(byDate))
	for _, p := range byDate {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// version names the partition's content: "m-<sha256 of _manifest.json>"
// when it has one, else "l-<sha256 of the listing>" (names, sizes, ETags and
// times of every object, _SUCCESS included), so that any re-commit changes it.
func version(ctx context.Context, st store.Store, p *partition) (string, *commit.Manifest, error) {
	if _, ok := p.Objects[commit.ManifestName]; ok {
		m, raw, err := commit.ReadManifest(ctx, st, p.Date.String())
		if err != nil && raw == nil && !errors.Is(err, store.ErrNotExist) {
			return "", nil, err
		}
		if raw != nil {
			sum := sha256.Sum256(raw)
			if err != nil {
				return "m-" + hex.EncodeToString(sum[:]), nil, &RefusedError{Date: p.Date.String(), Reason: err.Error()}
			}
			return "m-" + hex.EncodeToString(sum[:]), m, nil
		}
	}
	h := sha256.New()
	for _, n := range slices.Sorted(maps.Keys(p.Objects)) {
		o := p.Objects[n]
		fmt.Fprintf(h, "%s\t%d\t%s\t%d\n", n, o.Size, o.ETag, o.ModTime.UnixNano())
	}
	return "l-" + hex.EncodeToString(h.Sum(nil)), nil, nil
}
