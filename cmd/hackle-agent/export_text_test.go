package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hackle/hackle-agent/validate"
)

// A .tsv export is read with tabs unless --delimiter says otherwise: the
// flag's default no longer hides the extension's.
func TestExportTSV(t *testing.T) {
	work := t.TempDir()
	f, err := os.Open(repoFile(t, "testdata/samples/warehouse.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // the sample has a bad row on purpose
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = '\t'
	w.WriteAll(rows[:6]) // the header and 5 valid rows
	tsv := filepath.Join(work, "events.tsv")
	os.WriteFile(tsv, []byte(b.String()), 0o644)

	res := runAgent(t, work, nil, "export", "--config", repoFile(t, "testdata/samples/warehouse.yaml"),
		"--input", tsv, "--dest", "bucket", "--report-dir", "report", "-q")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "report"))
	if c := rep.Counts; c.Read != 5 || c.Written != 5 {
		t.Errorf("counts %+v, want 5 rows read and written", c)
	}
	// --delimiter still wins over the extension: with ',' the header is one
	// column, and the mapping's columns are missing.
	res = runAgent(t, work, nil, "export", "--config", repoFile(t, "testdata/samples/warehouse.yaml"),
		"--input", tsv, "--dest", "bucket2", "--report-dir", "report2", "-q", "--delimiter", ",")
	if res.code != exitUsage {
		t.Errorf("--delimiter ',': exit %d, want %d\n%s", res.code, exitUsage, res.stderr)
	}
}

// Text that PostgreSQL cannot hold never reaches it: an NDJSON export
// rejects rows with a NUL (escaped \u0000) in a value, a key or event_key
// as text_nul, keeps rows with lone surrogates as U+FFFD with warnings,
// and a pull into PostgreSQL loads every written row back equal.
func TestExportPullTextRoundTrip(t *testing.T) {
	url := os.Getenv("HACKLE_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("HACKLE_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh starts a server)")
	}
	row := func(id, eventKey, userProps, eventProps string) string {
		return `{"insert_id":"00000000-0000-4000-8000-00000000000` + id + `","event_key":"` + eventKey +
			`","ts":"2023-01-01T10:00:00Z","identifiers":{"id":"u` + id + `","device_id":"d"},` +
			`"user_properties":{` + userProps + `},"event_properties":{` + eventProps + `},` +
			`"platform_properties":{"osname":"iOS","appversion":"1.0"}}` + "\n"
	}
	data := row("1", "plain", `"grade":"gold"`, `"emoji":"\ud83d\ude00"`) +
		row("2", "nul_value", ``, `"p":"a\u0000b"`) +
		row("3", "nul_key", `"k\u0000":"v"`, ``) +
		row("4", `nul\u0000event`, ``, ``) +
		row("5", `view\ud800`, ``, ``) +
		row("6", "surrogates", `"K\ud800":"x"`, `"v":"\udc00x","w":"\ud83dA"`)
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "events.ndjson"), []byte(data), 0o644)
	res := runAgent(t, work, nil, "export", "--input", "events.ndjson", "--date", "2023-01-01",
		"--dest", "bucket", "--report-dir", "report", "--max-error-rate", "0.6", "-q")
	if res.code != 0 {
		t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
	}
	rep, rejects := readReport(t, filepath.Join(work, "report"))
	var got []string
	for _, r := range rejects {
		got = append(got, fmt.Sprintf("%d %s %s", r.Row, r.Reason, r.Field))
	}
	want := []string{"2 text_nul event_properties.p", `3 text_nul user_properties.k\u0000`, "4 text_nul event_key"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rejects:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := rep.Counts; c.Read != 6 || c.Written != 3 || c.Rejected != 3 {
		t.Errorf("counts %+v, want 6 read, 3 written, 3 rejected", c)
	}
	if n := rep.WarningsByReason[validate.LoneSurrogate]; n != 4 {
		t.Errorf("%d lone_surrogate warnings, want 4 (%v)", n, rep.WarningsByReason)
	}

	b := make([]byte, 4)
	rand.Read(b)
	table := "text_roundtrip_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	t.Cleanup(func() { conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+table+", "+table+"_imports") })
	res = runAgent(t, work, nil, "pull", "--source", "bucket", "--sink", url, "--table", table, "--date", "2023-01-01",
		"--state-dir", "state", "--report-dir", "pull-report")
	if res.code != 0 {
		t.Fatalf("pull: exit %d\n%s", res.code, res.stderr)
	}
	rows, err := conn.Query(ctx, "SELECT event_key, user_properties::text, event_properties::text FROM "+table+" ORDER BY insert_id")
	if err != nil {
		t.Fatal(err)
	}
	type event struct {
		Key             string
		User, EventProp map[string]string
	}
	var loaded []event
	for rows.Next() {
		var e event
		var user, ev string
		if err := rows.Scan(&e.Key, &user, &ev); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal([]byte(user), &e.User)
		json.Unmarshal([]byte(ev), &e.EventProp)
		loaded = append(loaded, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	wantRows := []event{
		{"plain", map[string]string{"grade": "gold"}, map[string]string{"emoji": "😀"}},
		{"view\ufffd", map[string]string{}, map[string]string{}},
		{"surrogates", map[string]string{"k\ufffd": "x"}, map[string]string{"v": "\ufffdx", "w": "\ufffdA"}},
	}
	if !reflect.DeepEqual(loaded, wantRows) {
		t.Errorf("rows in PostgreSQL:\n%q\nwant\n%q", loaded, wantRows)
	}
}

// A broken JSON array element is a data error, not a runtime one: the
// elements before and after it are kept, and the threshold decides (exit 3
// above it), where the whole file used to fail with exit 2.
func TestExportJSONArrayBrokenElement(t *testing.T) {
	good := `{"insert_id":"00000000-0000-4000-8000-00000000000%d","event_key":"k","ts":"2023-01-01T10:00:00Z",` +
		`"identifiers":{"id":"u","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1.0"}}`
	deep := `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	for _, tt := range []struct {
		name, data string
		written    int64
	}{
		{"too deep", "[" + fmt.Sprintf(good, 1) + "," + deep + "," + fmt.Sprintf(good, 2) + "]", 2},
		{"syntax error", "[" + fmt.Sprintf(good, 1) + `,{"a" 1},` + fmt.Sprintf(good, 2) + "]", 2},
		{"truncated", "[" + fmt.Sprintf(good, 1) + "," + fmt.Sprintf(good, 2)[:40], 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			os.WriteFile(filepath.Join(work, "events.json"), []byte(tt.data), 0o644)
			args := []string{"export", "--input", "events.json", "--date", "2023-01-01", "--dest", "bucket", "--report-dir", "report", "-q"}
			if res := runAgent(t, work, nil, args...); res.code != exitRejected {
				t.Errorf("exit %d, want %d\n%s", res.code, exitRejected, res.stderr)
			}
			if res := runAgent(t, work, nil, append(args, "--max-error-rate", "0.6")...); res.code != 0 {
				t.Fatalf("--max-error-rate 0.6: exit %d\n%s", res.code, res.stderr)
			}
			rep, rejects := readReport(t, filepath.Join(work, "report"))
			if rep.Counts.Written != tt.written || len(rejects) != 1 || rejects[0].Reason != validate.RecordInvalid ||
				!strings.Contains(rejects[0].Message, "byte") {
				t.Errorf("counts %+v, rejects %+v; want %d written and one record_invalid reject at a byte offset", rep.Counts, rejects, tt.written)
			}
		})
	}
}
