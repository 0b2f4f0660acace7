// Package partition owns the dt= layout of a bucket (docs/schema.md,
// "Bucket layout"): where a day's folder is, which of its objects are data
// and which are markers, how a partition URL names one, how its content is
// versioned, its manifest, and a Reader that streams the rows of its parts.
// Export (through commit), validate --partition and pull all go through it,
// so that "which files are data" is decided in one place.
package partition

import "strings"

// Names inside a partition folder.
const (
	// SuccessName marks a committed partition; it is written last.
	SuccessName = "_SUCCESS"
	// ManifestName lists the parts of a partition hackle-agent committed.
	ManifestName = "_manifest.json"
	// ManifestFormat versions the manifest layout.
	ManifestFormat = "hackle-agent/partition/v1"
)

// Prefix is the key prefix of day date's folder (YYYY-MM-DD): "dt=2023-01-01/".
func Prefix(date string) string { return "dt=" + date + "/" }

// IsHidden reports whether name (inside a partition folder) is a marker,
// a hidden file or inside a hidden folder: it starts with "_" or ".", like
// _SUCCESS, _manifest.json, Spark's _committed_* and _temporary/, and .crc
// checksums. Every reader ignores such objects.
func IsHidden(name string) bool {
	return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

// IsDataFile reports whether name (inside a partition folder) is a part
// file: not hidden, and directly in the folder (no "/"). This is the one
// rule of which objects are data; an object in a subfolder is neither data
// nor a marker, and each caller says what it does with one.
func IsDataFile(name string) bool {
	return name != "" && !IsHidden(name) && !strings.Contains(name, "/")
}
