package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// sourceSpellings exports the sample into dir/bucket and returns two
// working folders and, for each, a different spelling of that bucket: a
// relative path from the first, an absolute one through a symbolic link
// with a trailing slash from the second.
func sourceSpellings(t *testing.T) (dir string, wds, sources [2]string) {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	exportSample(t, dir)
	wds = [2]string{filepath.Join(dir, "cron"), filepath.Join(dir, "home", "ops")}
	for _, wd := range wds {
		os.MkdirAll(wd, 0o755)
	}
	if err := os.Symlink(filepath.Join(dir, "bucket"), filepath.Join(dir, "bucket-link")); err != nil {
		t.Fatal(err)
	}
	return dir, wds, [2]string{"../bucket", filepath.Join(dir, "bucket-link") + "/"}
}

// TestPullOneSourceTwoSpellingsFolder: one bucket pulled into one folder
// sink from two working folders under two spellings is one source: the
// second pull imports nothing, and leaves nothing in the working folders.
func TestPullOneSourceTwoSpellingsFolder(t *testing.T) {
	dir, wds, sources := sourceSpellings(t)
	sinkDir := filepath.Join(dir, "imported")
	for i, wd := range wds {
		r := runAgent(t, wd, nil, "pull", "--source", sources[i], "--sink", sinkDir, "--date", "2023-01-01",
			"--report-dir", filepath.Join(dir, "report"))
		want := []string{"dt=2023-01-01  imported", "dt=2023-01-01  unchanged"}[i]
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Fatalf("pull %d from %s with --source %s: exit %d, want %q\n%s", i+1, wd, sources[i], r.code, want, r.stderr)
		}
		if left, _ := os.ReadDir(wd); len(left) != 0 {
			t.Errorf("pull %d left %v in its working folder", i+1, left)
		}
	}
	rec := string(pullReadFile(t, filepath.Join(sinkDir, "_hackle_pull_state", "partitions", "dt=2023-01-01.json")))
	if !strings.Contains(rec, `"source": "`+filepath.Join(dir, "bucket")+`"`) {
		t.Errorf("the record does not name the canonical source %s:\n%s", filepath.Join(dir, "bucket"), rec)
	}
}

// TestPullOneSourceTwoSpellingsPostgres: the same into PostgreSQL, where
// the record is in the database: the second pull, from another working
// folder, imports nothing and the table holds each insert_id once. An
// explicit --source-name is another source.
func TestPullOneSourceTwoSpellingsPostgres(t *testing.T) {
	url, table, conn := pgTable(t, "sources_")
	ctx := context.Background()

	dir, wds, sources := sourceSpellings(t)
	pull := func(wd, want string, extra ...string) {
		t.Helper()
		args := append([]string{"pull", "--sink", url, "--table", table, "--date", "2023-01-01",
			"--report-dir", filepath.Join(dir, "report")}, extra...)
		r := runAgent(t, wd, nil, args...)
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Fatalf("pull from %s %v: exit %d, want %q\n%s", wd, extra, r.code, want, r.stderr)
		}
	}
	pull(wds[0], "dt=2023-01-01  imported", "--source", sources[0])
	pull(wds[1], "dt=2023-01-01  unchanged", "--source", sources[1])
	var rows, ids int
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT insert_id) FROM "+table).Scan(&rows, &ids); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != ids {
		t.Errorf("the table holds %d rows for %d insert_ids", rows, ids)
	}
	for _, wd := range wds {
		if left, _ := os.ReadDir(wd); len(left) != 0 {
			t.Errorf("a pull left %v in its working folder %s", left, wd)
		}
	}
	pull(wds[1], "dt=2023-01-01  imported", "--source", sources[1], "--source-name", "acme-prod")
	got, err := conn.Query(ctx, "SELECT source FROM "+table+"_imports ORDER BY source")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(got, pgx.RowTo[string])
	if err != nil || len(names) != 2 || names[0] != filepath.Join(dir, "bucket") || names[1] != "acme-prod" {
		t.Errorf("recorded sources %v, %v; want [%s acme-prod]", names, err, filepath.Join(dir, "bucket"))
	}
}

// pgTable names a fresh table of HACKLE_TEST_POSTGRES_URL, dropped (with
// its _imports table) after the test, and connects to the database. It
// skips without the server, but on CI, where the server must be there.
func pgTable(t *testing.T, prefix string) (url, table string, conn *pgx.Conn) {
	t.Helper()
	url = os.Getenv("HACKLE_TEST_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("HACKLE_TEST_POSTGRES_URL is not set: run bash .ci/postgres.sh")
		}
		t.Skip("HACKLE_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh starts a server)")
	}
	b := make([]byte, 4)
	rand.Read(b)
	table = prefix + hex.EncodeToString(b)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+table+", "+table+"_imports")
		conn.Close(context.Background())
	})
	return url, table, conn
}

// TestPullDeadlinePostgres: the deadline is checked against the record in
// the database (while the sink is still open).
func TestPullDeadlinePostgres(t *testing.T) {
	url, table, _ := pgTable(t, "deadline_")
	dir := t.TempDir()
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	line, _, _ := strings.Cut(string(pullReadFile(t, repoFile(t, "testdata/samples/events.ndjson"))), "\n")
	line = strings.Replace(line, "2023-01-01T00:00:00.000Z", yesterday+"T12:00:00Z", 1)
	os.WriteFile(filepath.Join(dir, "y.ndjson"), []byte(line+"\n"), 0o644)
	if r := runAgent(t, dir, nil, "export", "--input", "y.ndjson", "--date", yesterday, "--dest", "bucket", "-q"); r.code != 0 {
		t.Fatalf("export %s: exit %d\n%s", yesterday, r.code, r.stderr)
	}
	args := []string{"pull", "--source", "bucket", "--sink", url, "--table", table, "--deadline", "00:00", "--deadline-tz", "UTC"}
	for i := range 2 { // imported, then unchanged: on time both times
		if r := runAgent(t, dir, nil, args...); r.code != 0 || strings.Contains(r.stderr, "missed its deadline") {
			t.Fatalf("pull %d: exit %d\n%s", i+1, r.code, r.stderr)
		}
	}
	// Another source (named explicitly) has imported nothing: late.
	other := []string{"pull", "--source", "bucket", "--source-name", "other", "--sink", url, "--table", table,
		"--date", "2023-01-01", "--deadline", "00:00", "--deadline-tz", "UTC"}
	if r := runAgent(t, dir, nil, other...); r.code != exitLate {
		t.Fatalf("another source: exit %d, want %d\n%s", r.code, exitLate, r.stderr)
	}
}

// TestPullStateDirDeprecated: --state-dir is accepted, ignored and named
// so: the state stays in the sink and no folder is made.
func TestPullStateDirDeprecated(t *testing.T) {
	dir := t.TempDir()
	exportSample(t, dir)
	r := runAgent(t, dir, nil, "pull", "--source", "bucket", "--sink", "imported", "--state-dir", "old-state", "--date", "2023-01-01")
	if r.code != 0 || !strings.Contains(r.stderr, "--state-dir is deprecated and ignored") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "old-state")); !os.IsNotExist(err) {
		t.Errorf("--state-dir made a folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "imported", "_hackle_pull_state", "partitions", "dt=2023-01-01.json")); err != nil {
		t.Errorf("no record in the sink: %v", err)
	}
}
