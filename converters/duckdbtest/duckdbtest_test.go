package duckdbtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("moduleRoot %s has no go.mod", root)
	}
	if _, err := os.Stat(filepath.Join(root, "testdata", "duckdb", "query.mjs")); err != nil {
		t.Fatalf("moduleRoot %s has no testdata/duckdb/query.mjs", root)
	}
}

func TestQuery(t *testing.T) {
	tests := []struct {
		name, sql string
		col       string
		want      any
	}{
		{"bigint as string", "SELECT 9007199254740993::BIGINT AS v", "v", "9007199254740993"},
		{"decimal as string", "SELECT 12.345679::DECIMAL(24,6) AS v", "v", "12.345679"},
		{"varchar", "SELECT '한글' AS v", "v", "한글"},
		{"timezone is UTC", "SELECT current_setting('TimeZone') AS v", "v", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := Query(t, tt.sql)
			if len(rows) != 1 || rows[0][tt.col] != tt.want {
				t.Fatalf("rows = %v, want one row with %s = %v", rows, tt.col, tt.want)
			}
		})
	}
}

func TestLiteral(t *testing.T) {
	if got, want := Literal("a'b"), "'a''b'"; got != want {
		t.Fatalf("Literal = %s, want %s", got, want)
	}
}

// recordingTB records Skipf and Fatalf instead of acting on them; both end
// the calling goroutine as the real ones do.
type recordingTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingTB) Helper()               {}
func (r *recordingTB) Skipf(string, ...any)  { r.skipped = true; runtime.Goexit() }
func (r *recordingTB) Fatalf(string, ...any) { r.failed = true; runtime.Goexit() }

func TestQueryWithoutDuckDB(t *testing.T) {
	tests := []struct {
		ci                    string
		wantSkip, wantFailure bool
	}{
		{"", true, false},
		{"true", false, true},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Chdir(t.TempDir()) // no go.mod above: DuckDB cannot be found
			t.Setenv("CI", tt.ci)
			if Available() {
				t.Fatal("Available() outside the module")
			}
			rec := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Query(rec, "SELECT 1")
			}()
			<-done
			if rec.skipped != tt.wantSkip || rec.failed != tt.wantFailure {
				t.Fatalf("skipped=%v failed=%v, want skipped=%v failed=%v", rec.skipped, rec.failed, tt.wantSkip, tt.wantFailure)
			}
		})
	}
}
