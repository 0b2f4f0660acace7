// Package duckdbtest runs SQL in DuckDB for interop tests. DuckDB comes
// from npm (testdata/duckdb, installed with `npm ci --prefix testdata/duckdb`)
// and is driven through node and testdata/duckdb/query.mjs.
//
// Tests skip when DuckDB is not installed, except under CI (env CI set),
// where a missing DuckDB fails the test: CI must never silently skip interop.
package duckdbtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// queryTimeout bounds one query, node start-up included.
const queryTimeout = 2 * time.Minute

// Query runs sql in a fresh in-memory DuckDB whose TimeZone is UTC and
// returns the result rows. Values JSON cannot hold exactly (BIGINT, DECIMAL,
// timestamps) come back as strings; a MAP as []any of {"key","value"}
// objects. A DuckDB error fails the test.
func Query(t testing.TB, sql string) []map[string]any {
	t.Helper()
	dir, err := requireDir()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("duckdbtest: DuckDB is required under CI: %v", err)
		}
		t.Skipf("duckdbtest: DuckDB not installed (%v); run: npm ci --prefix testdata/duckdb", err)
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "query.mjs"), sql)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("duckdbtest: %s\nquery: %s\nerror: %v", strings.TrimSpace(stderr.String()), sql, err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatalf("duckdbtest: decode result of %q: %v\n%s", sql, err, stdout.String())
	}
	return rows
}

// Available reports whether node and testdata/duckdb/node_modules are
// installed.
func Available() bool {
	_, err := requireDir()
	return err == nil
}

// requireDir returns the testdata/duckdb directory when DuckDB can run.
func requireDir() (string, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", errors.New("node not found in PATH")
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "testdata", "duckdb")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api")); err != nil {
		return "", errors.New("testdata/duckdb/node_modules/@duckdb/node-api missing")
	}
	return dir, nil
}

// moduleRoot walks up from the working directory to the one holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Literal quotes s as a SQL string literal, e.g. for a file path.
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
