package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hackle/hackle-agent/agent/report"
)

// ErrNoReport is returned (wrapped, with the path) when a folder holds no
// report.json.
var ErrNoReport = errors.New("no report.json")

// data is an opened report folder: report.json decoded and its rejects
// indexed.
type data struct {
	dir    string
	report report.Report
	index  *Index
}

// open reads dir/report.json and indexes its rejects file.
func open(dir string) (*data, error) {
	path := filepath.Join(dir, "report.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (is %s a report folder?)", path, ErrNoReport, dir)
	}
	if err != nil {
		return nil, err
	}
	d := &data{dir: dir}
	if err := json.Unmarshal(b, &d.report); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.index, err = openRejects(dir, d.report.RejectsFile)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func openRejects(dir, name string) (*Index, error) {
	if name == "" {
		name = "rejects.ndjson"
	}
	ix, err := OpenIndex(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return emptyIndex(), nil
	}
	return ix, err
}

func (d *data) Close() error { return d.index.Close() }

// group is one reason × field cell with the entries that fall in it, in
// file order.
type group struct {
	reason, field string
	rows          []int32
}

// groups buckets the entries accepted by keep into reason × field groups,
// ordered by count (largest first), then reason, then field.
func (ix *Index) groups(keep func(e *entry) bool) []*group {
	byKey := map[uint64]*group{}
	var out []*group
	for i := range ix.entries {
		e := &ix.entries[i]
		if keep != nil && !keep(e) {
			continue
		}
		k := uint64(e.reason)<<32 | uint64(e.field)
		g := byKey[k]
		if g == nil {
			g = &group{reason: ix.str(e.reason), field: ix.str(e.field)}
			byKey[k] = g
			out = append(out, g)
		}
		g.rows = append(g.rows, int32(i))
	}
	sortGroups(out, sortCount)
	return out
}

// matchFieldOrEvent returns a filter keeping entries whose field or
// event_key contains q (case-insensitive); nil when q is empty.
func (ix *Index) matchFieldOrEvent(q string) func(e *entry) bool {
	if q == "" {
		return nil
	}
	q = strings.ToLower(q)
	match := make([]bool, len(ix.strs))
	for id, s := range ix.strs {
		match[id] = strings.Contains(strings.ToLower(s), q)
	}
	return func(e *entry) bool { return match[e.field] || match[e.eventKey] }
}

// groupSort is the order of the reasons table; s cycles through them.
type groupSort int

const (
	sortCount groupSort = iota
	sortReason
	sortField
	numGroupSorts
)

func (s groupSort) String() string {
	return [...]string{"count", "reason", "field"}[s]
}

func sortGroups(gs []*group, by groupSort) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		switch by {
		case sortReason:
			if a.reason != b.reason {
				return a.reason < b.reason
			}
		case sortField:
			if a.field != b.field {
				return a.field < b.field
			}
		}
		if len(a.rows) != len(b.rows) {
			return len(a.rows) > len(b.rows)
		}
		if a.reason != b.reason {
			return a.reason < b.reason
		}
		return a.field < b.field
	})
}
