package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// roundTripEvents is how many events each format of TestExportRoundTrip
// holds: enough for every kind of value to turn up, few enough for the
// test to stay well under a minute.
const roundTripEvents = 250

// TestExportRoundTrip is a property test: random valid events (see
// eventgen_test.go), written as CSV, NDJSON and a JSON array, must all be
// exported, and every field of every row read back from the partition, by
// our reader, by DuckDB and through pull into PostgreSQL, must equal what
// was generated. HACKLE_TEST_SEED reproduces a run.
func TestExportRoundTrip(t *testing.T) {
	seed := testSeed(t)
	g := newGenerator(seed, 0)
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	// Two CSV files: every map is flattened in one and a JSON-object cell
	// in the other.
	flat := g.flatMaps()
	csv1, csv2 := g.csvLayout(flat), g.csvLayout([4]bool{!flat[0], !flat[1], !flat[2], !flat[3]})
	csvText := func(l *csvLayout) func([]*genEvent) string {
		return func(evs []*genEvent) string { return g.csvHeader(l) + strings.Join(g.csvRecords(l, evs), "") }
	}
	inputs := []struct {
		name string
		args []string
		evs  []*genEvent
		text func([]*genEvent) string
	}{
		{"events.csv", []string{"--delimiter", csv1.delim}, g.events(roundTripEvents, day, csv1.flat), csvText(csv1)},
		{"flipped.csv", []string{"--delimiter", csv2.delim}, g.events(roundTripEvents, day, csv2.flat), csvText(csv2)},
		{"events.ndjson", nil, g.events(roundTripEvents, day, [4]bool{}), func(evs []*genEvent) string {
			return strings.Join(g.ndjsonRecords(evs), "")
		}},
		{"events.json", nil, g.events(roundTripEvents, day, [4]bool{}), g.jsonArray},
	}
	for _, l := range []*csvLayout{csv1, csv2} {
		t.Logf("CSV: delimiter %q, flattened maps %v, columns %q", l.delim, l.flat, l.columns)
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			work := t.TempDir()
			input := filepath.Join(work, in.name)
			text := in.text(in.evs)
			if err := os.WriteFile(input, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d events, %d bytes", len(in.evs), len(text))
			dest, reports := filepath.Join(work, "bucket"), filepath.Join(work, "report")
			args := append([]string{"export", "--input", input, "--date", "2023-01-01", "--dest", dest, "--report-dir", reports,
				"--max-error-rate", "0", "-q"}, in.args...)
			res := runAgent(t, work, nil, args...)
			rep, rejects := readReport(t, reports)
			c := rep.Counts
			if res.code != 0 || c.Written != int64(len(in.evs)) || c.Read != c.Written || c.Warnings != 0 {
				for i, r := range rejects[:min(len(rejects), 5)] {
					t.Errorf("reject %d: line %d %s %s: %s", i, r.Line, r.Reason, r.Field, r.Message)
				}
				t.Fatalf("exit %d, counts %+v, want %d written and nothing else\n%s", res.code, c, len(in.evs), res.stderr)
			}
			// Lines: every one in a record, but for the CSV header; none in a JSON array.
			lines, skipped := int64(strings.Count(text, "\n")), int64(0)
			switch filepath.Ext(in.name) {
			case ".csv":
				skipped = 1
			case ".json":
				lines = 0
			}
			if s := rep.Sources[0]; s.Lines != lines || s.SkippedLines != skipped {
				t.Errorf("report.json: %d lines, %d skipped; want %d and %d", s.Lines, s.SkippedLines, lines, skipped)
			}
			part := filepath.Join(dest, "dt=2023-01-01")
			t.Run("our reader", func(t *testing.T) { compareEvents(t, in.evs, readOurs(t, part)) })
			t.Run("duckdb", func(t *testing.T) { compareEvents(t, in.evs, readDuckDB(t, part)) })
			t.Run("pull into postgres", func(t *testing.T) { compareEvents(t, in.evs, pullPostgres(t, work, dest)) })
		})
	}
}

// readEvent is a row read back, in the generator's canonical form.
type readEvent struct {
	ts       int64
	eventKey string
	insertID string
	metric   string
	maps     [4]map[string]string
}

// readOurs reads the partition's Parquet files with converters/tolerant.
func readOurs(t *testing.T, part string) []readEvent {
	files, err := filepath.Glob(filepath.Join(part, "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Parquet in %s: %v", part, err)
	}
	var out []readEvent
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, _ := f.Stat()
		pf, err := tolerant.Open(f, fi.Size(), tolerant.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = pf.Each(func(r *tolerant.Row) error {
			ts, err := strconv.ParseInt(r.Raw.TS, 10, 64)
			if err != nil || len(r.Issues) > 0 {
				return fmt.Errorf("row %d: ts %q: %v %v", r.Num, r.Raw.TS, err, r.Issues)
			}
			ev := readEvent{ts: ts, eventKey: r.Raw.EventKey, insertID: r.Raw.InsertID, metric: canonDecimal(r.Raw.MetricValue)}
			for i, kvs := range [4][]validate.KV{r.Raw.Identifiers, r.Raw.UserProps, r.Raw.EventProps, r.Raw.PlatformProps} {
				ev.maps[i] = map[string]string{}
				for _, kv := range kvs {
					if _, dup := ev.maps[i][kv.Key]; dup {
						return fmt.Errorf("row %d: %s has key %q twice", r.Num, mapNames[i], kv.Key)
					}
					ev.maps[i][kv.Key] = kv.Value
				}
			}
			out = append(out, ev)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return out
}

// readDuckDB has DuckDB read the partition. Every text comes back behind
// a '|', which is cut off again: the DuckDB driver decodes text with
// node's TextDecoder, which drops a leading U+FEFF.
func readDuckDB(t *testing.T, part string) []readEvent {
	cols := []string{"epoch_ms(ts)::VARCHAR AS ts", "'|' || event_key AS event_key", "insert_id", "metric_value::VARCHAR AS metric_value"}
	for _, m := range mapNames {
		cols = append(cols, "list_transform(map_entries("+m+"), e -> ['|' || e.key, '|' || e.value]) AS "+m)
	}
	rows := duckdbtest.Query(t, "SELECT "+strings.Join(cols, ", ")+" FROM read_parquet("+duckdbtest.Literal(filepath.Join(part, "*.parquet"))+")")
	text := func(v any) (string, bool) {
		s, ok := v.(string)
		return strings.TrimPrefix(s, "|"), ok && strings.HasPrefix(s, "|")
	}
	out := make([]readEvent, len(rows))
	for n, r := range rows {
		ev := &out[n]
		var err error
		ev.ts, err = strconv.ParseInt(fmt.Sprint(r["ts"]), 10, 64)
		if err != nil {
			t.Fatalf("row %d: ts %v", n, r["ts"])
		}
		ev.eventKey, _ = text(r["event_key"])
		ev.insertID, _ = r["insert_id"].(string)
		ev.metric = canonDecimal(fmt.Sprint(r["metric_value"]))
		for i, name := range mapNames {
			ev.maps[i] = map[string]string{}
			entries, ok := r[name].([]any)
			if !ok {
				t.Fatalf("row %d: %s is %T, not a list of entries", n, name, r[name])
			}
			for _, e := range entries {
				kv, _ := e.([]any)
				if len(kv) != 2 {
					t.Fatalf("row %d: %s entry %v", n, name, e)
				}
				k, kok := text(kv[0])
				v, vok := text(kv[1])
				if _, dup := ev.maps[i][k]; !kok || !vok || dup {
					t.Fatalf("row %d: %s entry %v (or its key twice)", n, name, e)
				}
				ev.maps[i][k] = v
			}
		}
	}
	return out
}

// pullPostgres pulls the partition into a new table of
// HACKLE_TEST_POSTGRES_URL and reads it back. It skips without the
// server, but on CI, where the server must be there.
func pullPostgres(t *testing.T, work, source string) []readEvent {
	url := os.Getenv("HACKLE_TEST_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("HACKLE_TEST_POSTGRES_URL is not set: run bash .ci/postgres.sh")
		}
		t.Skip("HACKLE_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh starts a server)")
	}
	b := make([]byte, 4)
	rand.Read(b)
	table := "roundtrip_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(ctx, "DROP TABLE IF EXISTS "+table+", "+table+"_imports")
		conn.Close(ctx)
	})
	res := runAgent(t, work, nil, "pull", "--source", source, "--sink", url, "--table", table, "--date", "2023-01-01",
		"--state-dir", filepath.Join(work, "pull-state"), "--report-dir", filepath.Join(work, "pull-report"))
	if res.code != 0 {
		t.Fatalf("pull: exit %d\n%s", res.code, res.stderr)
	}
	rows, err := conn.Query(ctx, `SELECT (extract(epoch FROM ts) * 1000)::bigint, event_key, insert_id::text, metric_value::text,
		identifiers::text, user_properties::text, event_properties::text, platform_properties::text FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []readEvent
	for rows.Next() {
		var ev readEvent
		var maps [4]string
		if err := rows.Scan(&ev.ts, &ev.eventKey, &ev.insertID, &ev.metric, &maps[0], &maps[1], &maps[2], &maps[3]); err != nil {
			t.Fatal(err)
		}
		ev.metric = canonDecimal(ev.metric)
		for i, js := range maps {
			if err := json.Unmarshal([]byte(js), &ev.maps[i]); err != nil {
				t.Fatalf("%s of %s is not an object of strings: %v", mapNames[i], ev.insertID, err)
			}
			if ev.maps[i] == nil {
				ev.maps[i] = map[string]string{}
			}
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compareEvents requires got to hold exactly the generated events, every
// field equal.
func compareEvents(t *testing.T, want []*genEvent, got []readEvent) {
	t.Helper()
	byID := map[string]*genEvent{}
	for _, ev := range want {
		byID[ev.insertID] = ev
	}
	seen := map[string]bool{}
	bad := 0
	report := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf(format, args...)
		}
	}
	for _, g := range got {
		w := byID[g.insertID]
		if w == nil || seen[g.insertID] {
			report("row with insert_id %q: not generated, or read twice", g.insertID)
			continue
		}
		seen[g.insertID] = true
		if g.ts != w.ts {
			report("%s: ts %d, want %d (from %q)", w.insertID, g.ts, w.ts, w.tsText)
		}
		if g.eventKey != w.eventKey {
			report("%s: event_key %s, want %s", w.insertID, short(g.eventKey), short(w.eventKey))
		}
		if g.metric != w.metric {
			report("%s: metric_value %q, want %q (from %q)", w.insertID, g.metric, w.metric, w.metricText)
		}
		for i := range w.maps {
			compareMap(w.insertID+": "+mapNames[i], w.maps[i], g.maps[i], report)
		}
	}
	if len(seen) != len(want) {
		report("read %d distinct rows (%d in all), want %d", len(seen), len(got), len(want))
	}
	if bad > 10 {
		t.Errorf("… and %d more differences", bad-10)
	}
}

func compareMap(what string, want, got map[string]string, report func(string, ...any)) {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok && !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !gok:
			report("%s: key %q missing (want %s)", what, k, short(w))
		case !wok:
			report("%s: key %q not generated (got %s)", what, k, short(g))
		case g != w:
			report("%s[%q] = %s, want %s", what, k, short(g), short(w))
		}
	}
}

// short quotes s, cut in the middle when it is long.
func short(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q…(%d bytes)…%q", s[:80], len(s), s[len(s)-80:])
	}
	return strconv.Quote(s)
}
