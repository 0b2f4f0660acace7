// Package commit publishes a staged partition to a Store with the protocol
// of docs/commit.md, so that a reader never sees _SUCCESS over a mix of old
// and new part files, and a re-run over the same inputs changes nothing.
package commit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/converters/schema"
)

// Names inside a partition folder.
const (
	SuccessName  = "_SUCCESS"
	ManifestName = "_manifest.json"
	// ManifestFormat versions the manifest layout.
	ManifestFormat = "hackle-agent/partition/v1"
)

// Schema describes the Parquet schema the parts follow (docs/schema.md),
// as schema.Text spells the declaration. Manifests are compared by it.
var Schema = schema.Text()

// Manifest is _manifest.json. It holds nothing that changes between two runs
// over the same inputs (no clock time), so that re-runs are byte-identical.
type Manifest struct {
	Format       string     `json:"format"`
	Date         string     `json:"date"`
	AgentVersion string     `json:"agent_version"`
	Schema       string     `json:"schema"`
	Files        []File     `json:"files"`
	TotalRows    int64      `json:"total_rows"`
	TotalBytes   int64      `json:"total_bytes"`
	Sources      []Source   `json:"sources"`
	Validation   Validation `json:"validation"`
}

// File is one part file of the partition.
type File struct {
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

// PartitionPrefix is the key prefix of day date's partition: "dt=2023-01-01/".
func PartitionPrefix(date string) string { return "dt=" + date + "/" }

// ReadManifest fetches and decodes the manifest of a partition. A missing
// manifest is store.ErrNotExist.
func ReadManifest(ctx context.Context, st store.Store, date string) (*Manifest, []byte, error) {
	rc, err := st.Get(ctx, PartitionPrefix(date)+ManifestName)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", ManifestName, err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, b, fmt.Errorf("%s%s is not valid: %w", PartitionPrefix(date), ManifestName, err)
	}
	return &m, b, nil
}

// jsonDecode reads one JSON value from r into v.
func jsonDecode(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 64<<20)).Decode(v)
}
