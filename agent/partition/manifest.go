package partition

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hackle/hackle-agent/agent/store"
)

// Manifest is _manifest.json. It holds nothing that changes between two runs
// over the same inputs (no clock time), so that re-runs are byte-identical.
type Manifest struct {
	Format       string     `json:"format"`
	Date         string     `json:"date"`
	AgentVersion string     `json:"agent_version"`
	Schema       string     `json:"schema"`
	Files        []Part     `json:"files"`
	TotalRows    int64      `json:"total_rows"`
	TotalBytes   int64      `json:"total_bytes"`
	Sources      []Source   `json:"sources"`
	Validation   Validation `json:"validation"`
}

// Part is one part file of the partition, as the manifest lists it.
type Part struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Source is one input file that fed the run.
type Source struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Validation summarises the run's checks. Written and Duplicates count this
// partition; Read, Rejected and Warnings count the run, and are left out
// for a backfill of several days, where they would not describe this one.
type Validation struct {
	Read       int64            `json:"read,omitempty"`
	Written    int64            `json:"written"`
	Rejected   int64            `json:"rejected,omitempty"`
	Duplicates int64            `json:"duplicates"`
	Warnings   map[string]int64 `json:"warnings,omitempty"`
}

// maxManifest bounds what is read of a manifest.
const maxManifest = 64 << 20

// Encode renders the manifest deterministically.
func (m *Manifest) Encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		panic(err) // plain data: cannot fail
	}
	return buf.Bytes()
}

// Part returns the manifest's entry for the part name, or nil.
func (m *Manifest) Part(name string) *Part {
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

// ReadManifest fetches and decodes the manifest of day date's partition,
// returning its bytes too. A missing manifest is store.ErrNotExist (with
// no bytes); a manifest that is not valid JSON is an error with its bytes.
func ReadManifest(ctx context.Context, st store.Store, date string) (*Manifest, []byte, error) {
	return ReadManifestAt(ctx, st, Prefix(date)+ManifestName)
}

// ReadManifestAt is ReadManifest for a manifest at another key (a shard's
// manifest).
func ReadManifestAt(ctx context.Context, st store.Store, key string) (*Manifest, []byte, error) {
	rc, err := st.Get(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxManifest))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", key, err)
	}
	var m Manifest
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		return nil, b, fmt.Errorf("%s is not valid: %w", key, err)
	}
	return &m, b, nil
}

// WriteManifest writes m as the manifest of its day's partition.
func WriteManifest(ctx context.Context, st store.Store, m *Manifest) error {
	b := m.Encode()
	key := Prefix(m.Date) + ManifestName
	if err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b))); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}
