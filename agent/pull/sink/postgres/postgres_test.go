package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/pull"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/state"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// testURL is the server of .ci/postgres.sh. Without it the tests skip,
// except on CI, where a missing server is a failure.
func testURL(t *testing.T) string {
	u := os.Getenv("HACKLE_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("HACKLE_TEST_POSTGRES_URL is not set: run bash .ci/postgres.sh && . ~/.cache/hackle-agent/postgres.env")
		}
		t.Skip("HACKLE_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh starts a server)")
	}
	return u
}

// openTable opens the sink on a fresh table, dropped after the test.
func openTable(t *testing.T) (*Sink, string) {
	url := testURL(t)
	b := make([]byte, 4)
	rand.Read(b)
	table := "pull_test_" + hex.EncodeToString(b)
	s, err := Open(context.Background(), url, Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.(*Sink).conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+table+", "+table+ImportsSuffix)
		s.Close()
	})
	return s.(*Sink), table
}

func event(date string, n int) validate.Event {
	d, _ := validate.ParseDate(date)
	m, _, _ := validate.ParseDecimal(fmt.Sprintf("%d.25", n))
	return validate.Event{
		TS: d.Start(nil).UnixMilli() + int64(n), EventKey: "purchase",
		InsertID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
		MetricValue:   m,
		Identifiers:   []validate.KV{{Key: "device_id", Value: "d1"}, {Key: "id", Value: `u"1`}},
		PlatformProps: []validate.KV{{Key: "appversion", Value: "1.0"}, {Key: "osname", Value: "iOS"}},
	}
}

func loadDay(t *testing.T, s *Sink, date, version string, ids []int, commit bool) {
	t.Helper()
	ctx := context.Background()
	l, err := s.Begin(ctx, sink.Partition{Date: date, Version: version})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ids {
		ev := event(date, n)
		if err := l.Write(ctx, &ev); err != nil {
			t.Fatal(err)
		}
	}
	if !commit {
		if err := l.Abort(); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := l.Commit(ctx, &sink.Summary{}); err != nil {
		t.Fatal(err)
	}
}

// rows returns insert_id → version of day date.
func rows(t *testing.T, s *Sink, table, date string) map[string]string {
	t.Helper()
	r, err := s.conn.Query(context.Background(),
		"SELECT insert_id::text, partition_version FROM "+pgx.Identifier{table}.Sanitize()+" WHERE partition_date = $1", date)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for r.Next() {
		var id, v string
		if err := r.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[id]; dup {
			t.Errorf("insert_id %s twice in dt=%s", id, date)
		}
		out[id] = v
	}
	return out
}

func TestLoads(t *testing.T) {
	s, table := openTable(t)
	loadDay(t, s, "2023-01-01", "v1", []int{1, 2, 3}, true)
	loadDay(t, s, "2023-01-02", "v1", []int{9}, true)
	if got := rows(t, s, table, "2023-01-01"); len(got) != 3 {
		t.Fatalf("after v1: %v", got)
	}
	loadDay(t, s, "2023-01-01", "v2", []int{3, 4}, false) // aborted: v1 stays
	if got := rows(t, s, table, "2023-01-01"); len(got) != 3 || got["00000000-0000-4000-8000-000000000001"] != "v1" {
		t.Fatalf("after an aborted v2: %v", got)
	}
	loadDay(t, s, "2023-01-01", "v2", []int{3, 4}, true)
	loadDay(t, s, "2023-01-01", "v2", []int{3, 4}, true) // the same version again
	got := rows(t, s, table, "2023-01-01")
	if len(got) != 2 || got["00000000-0000-4000-8000-000000000004"] != "v2" {
		t.Fatalf("after v2 twice: %v", got)
	}
	if got := rows(t, s, table, "2023-01-02"); len(got) != 1 {
		t.Fatalf("another day was touched: %v", got)
	}
	var metric, ident, osname string
	err := s.conn.QueryRow(context.Background(), "SELECT metric_value::text, identifiers->>'id', platform_properties->>'osname' FROM "+
		table+" WHERE insert_id = '00000000-0000-4000-8000-000000000004'").Scan(&metric, &ident, &osname)
	if err != nil || metric != "4.250000" || ident != `u"1` || osname != "iOS" {
		t.Errorf("row: %s %s %s %v", metric, ident, osname, err)
	}
}

func TestManyRows(t *testing.T) {
	s, table := openTable(t)
	ids := make([]int, 20_007) // many COPY buffers
	for i := range ids {
		ids[i] = i
	}
	loadDay(t, s, "2023-01-01", "v1", ids, true)
	if got := rows(t, s, table, "2023-01-01"); len(got) != len(ids) {
		t.Fatalf("%d rows, want %d", len(got), len(ids))
	}
}

// TestPullIntoPostgres re-exports a partition and pulls it twice into the
// database: the second version replaces the first, with no duplicates.
func TestPullIntoPostgres(t *testing.T) {
	s, table := openTable(t)
	root := t.TempDir()
	src, _ := storefile.New(filepath.Join(root, "bucket"))
	publish := func(ids ...int) {
		dir := t.TempDir()
		parts := parquetfile.NewParts(dir, parquetfile.Options{})
		for _, n := range ids {
			ev := event("2023-01-01", n)
			parts.Write(&ev)
		}
		infos, err := parts.Close()
		if err != nil {
			t.Fatal(err)
		}
		m := &partition.Manifest{Format: partition.ManifestFormat, Date: "2023-01-01"}
		for _, p := range infos {
			m.Files = append(m.Files, partition.Part{Name: p.Name, Size: p.Size, Rows: p.Rows, SHA256: p.SHA256})
		}
		if _, err := commit.Publish(context.Background(), src, &commit.Partition{Date: "2023-01-01", Dir: dir, Manifest: m}, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	}
	o := pull.Options{Source: src, Sink: s, DedupDays: 7, ReportDir: filepath.Join(root, "report"), TempDir: t.TempDir()}
	run := func() *pull.Result {
		res, err := pull.Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	publish(1, 2, 3)
	if res := run(); res.Count(pull.Imported) != 1 {
		t.Fatalf("first pull: %+v", res.Partitions)
	}
	if res := run(); res.Count(pull.Unchanged) != 1 {
		t.Fatalf("second pull: %+v", res.Partitions)
	}
	publish(2, 3, 4, 5)
	if res := run(); res.Count(pull.Imported) != 1 {
		t.Fatalf("pull of the re-export: %+v", res.Partitions)
	}
	got := rows(t, s, table, "2023-01-01")
	if len(got) != 4 || got["00000000-0000-4000-8000-000000000001"] != "" {
		t.Errorf("rows after the re-export: %v", got)
	}
}

// TestSourcesShareATable: Hackle loads many customers into one table; a
// load of one customer's day must not touch another customer's rows.
func TestSourcesShareATable(t *testing.T) {
	s, table := openTable(t)
	ctx := context.Background()
	for _, src := range []string{"s3://customer-a/hackle", "gs://customer-b/hackle"} {
		l, err := s.Begin(ctx, sink.Partition{Source: src, Date: "2023-01-01", Version: "v1"})
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 2; n++ {
			ev := event("2023-01-01", n)
			l.Write(ctx, &ev)
		}
		if err := l.Commit(ctx, &sink.Summary{}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	s.conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()+" WHERE source = 's3://customer-a/hackle'").Scan(&n)
	if n != 2 {
		t.Errorf("customer a has %d rows after customer b's load of the same day, want 2", n)
	}
}

// TestOpenNeverPrintsPassword: whether the URL parses or not, and whether
// the server answers or not, Open's error names the sink without its
// password (pgx's own messages quote the URL when it does not parse).
func TestOpenNeverPrintsPassword(t *testing.T) {
	const pw = "Zq9xWord"
	for _, raw := range []string{
		"postgres://hackle:" + pw + "@127.0.0.1:notaport/analytics",
		"postgres://hackle:" + pw + "%@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x/" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x#" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x?" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:Zq9x@" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:1234#" + pw + "@127.0.0.1:1/analytics",
		"postgres://hackle:" + pw + "@127.0.0.1:1/analytics?sslmode=bogus",
		"postgres://hackle:" + pw + "@127.0.0.1:1/analytics?connect_timeout=2",
		"postgresql://127.0.0.1:1/analytics?user=hackle&password=" + pw + "&connect_timeout=2",
		"postgres://127.0.0.1:x/analytics?password=Zq9x#" + pw,
	} {
		_, err := Open(context.Background(), raw, Options{})
		if err == nil {
			t.Errorf("Open(%q) succeeded", raw)
			continue
		}
		for _, part := range []string{pw, "Zq9x"} {
			if strings.Contains(err.Error(), part) || strings.Contains(fmt.Sprintf("%+v", err), part) {
				t.Errorf("Open(%q): the error shows the password:\n%v", raw, err)
			}
		}
	}
}

// TestOnePullPerSource: a second sink on the same table fails at once for
// a source the first one is pulling, and works for another source.
func TestOnePullPerSource(t *testing.T) {
	s, table := openTable(t)
	ctx := context.Background()
	if _, err := s.Imported(ctx, "s3://a/p", "2023-01-01"); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, testURL(t), Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Imported(ctx, "s3://a/p", "2023-01-01"); !errors.Is(err, state.ErrLocked) {
		t.Errorf("second pull of the same source: %v, want state.ErrLocked", err)
	}
	if _, err := s2.Imported(ctx, "s3://b/p", "2023-01-01"); err != nil {
		t.Errorf("another source: %v", err)
	}
	s.Close()
	if _, err := s2.Imported(ctx, "s3://a/p", "2023-01-01"); err != nil {
		t.Errorf("after the first pull ended: %v", err)
	}
}
