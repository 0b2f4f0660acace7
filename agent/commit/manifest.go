// Package commit publishes a staged partition to a Store with the protocol
// of docs/commit.md, so that a reader never sees _SUCCESS over a mix of old
// and new part files, and a re-run over the same inputs changes nothing.
// The layout it writes (prefixes, markers, the manifest) is package
// partition's.
package commit

import "github.com/hackle/hackle-agent/converters/schema"

// Schema describes the Parquet schema the parts follow (docs/schema.md),
// as schema.Text spells the declaration. Manifests are compared by it.
var Schema = schema.Text()
