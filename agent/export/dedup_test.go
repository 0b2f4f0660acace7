package export

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExportSpillsInsertIDs exports with so small a budget of insert_ids
// in memory that they spill every few rows, and requires the same output
// as with the export's budget, with no spill file left behind.
func TestExportSpillsInsertIDs(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.csv")}
	os.WriteFile(inputs[0], []byte(testNDJSON(3000)), 0o644)
	os.WriteFile(inputs[1], []byte(testCSV(2000)), 0o644)
	want := exportWith(t, inputs, 2, 1<<20)
	defer func(keys int) { idMemoryKeys = keys }(idMemoryKeys)
	idMemoryKeys = 20
	if got := exportWith(t, inputs, 2, 1<<20); !equalFiles(t, want, got) {
		t.Errorf("output differs when the insert_ids spill: %v", keys(got))
	}
}
