package pull

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hackle/hackle-agent/agent/commit"
)

// RefusedError is a partition pull will not import because it does not
// match its manifest (or cannot be read as the layout). It is not imported
// and not recorded, so the next run tries again.
type RefusedError struct {
	Date   string
	Reason string
}

func (e *RefusedError) Error() string {
	return "partition dt=" + e.Date + " refused: " + e.Reason
}

// checkListing compares the listed part files with the manifest: the same
// names and sizes, and the manifest's own date.
func checkListing(p *partition, m *commit.Manifest) error {
	refuse := func(format string, args ...any) error {
		return &RefusedError{Date: p.Date.String(), Reason: fmt.Sprintf(format, args...)}
	}
	if m.Date != "" && m.Date != p.Date.String() {
		return refuse("%s is for %s", commit.ManifestName, m.Date)
	}
	listed := map[string]bool{}
	for _, n := range p.DataFiles() {
		listed[n] = true
	}
	var missing, sizes []string
	for _, f := range m.Files {
		o, ok := p.Objects[f.Name]
		switch {
		case !ok:
			missing = append(missing, f.Name)
		case o.Size != f.Size:
			sizes = append(sizes, fmt.Sprintf("%s is %d bytes, the manifest says %d", f.Name, o.Size, f.Size))
		}
		delete(listed, f.Name)
	}
	var extra []string
	for n := range listed {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	switch {
	case len(missing) > 0:
		return refuse("files listed in %s are missing: %s", commit.ManifestName, strings.Join(missing, ", "))
	case len(extra) > 0:
		return refuse("files not in %s: %s", commit.ManifestName, strings.Join(extra, ", "))
	case len(sizes) > 0:
		return refuse("%s", strings.Join(sizes, "; "))
	}
	return nil
}

// manifestFile returns the manifest's entry for name, or nil.
func manifestFile(m *commit.Manifest, name string) *commit.File {
	if m == nil {
		return nil
	}
	for i := range m.Files {
		if m.Files[i].Name == name {
			return &m.Files[i]
		}
	}
	return nil
}
