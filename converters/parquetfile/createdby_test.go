package parquetfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/version"
)

// TestCreatedBy reads a written part's footer: it names hackle-agent and
// the version the binary reports ("dev" in tests), for parquet-go and for
// DuckDB.
func TestCreatedBy(t *testing.T) {
	want := "hackle-agent " + version.Version
	if want != "hackle-agent dev" {
		t.Fatalf("unstamped test build reports version %q", version.Version)
	}
	data := writeAll(t, Options{}, events(3))
	if got := openFile(t, data).Metadata().CreatedBy; got != want {
		t.Fatalf("parquet-go reads created_by %q, want %q", got, want)
	}
	if !duckdbtest.Available() {
		t.Skip("DuckDB not available")
	}
	path := filepath.Join(t.TempDir(), PartName(0))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rows := duckdbtest.Query(t, "SELECT created_by FROM parquet_file_metadata("+duckdbtest.Literal(path)+")")
	if len(rows) != 1 || rows[0]["created_by"] != want {
		t.Fatalf("DuckDB reads created_by %v, want %q", rows, want)
	}
}
