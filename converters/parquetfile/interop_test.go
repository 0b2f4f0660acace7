package parquetfile

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/validate"
)

// interopEvents are the rows DuckDB reads back in TestDuckDB.
var interopEvents = []validate.Event{
	{
		TS:            1700000000123, // 2023-11-14 22:13:20.123 UTC
		EventKey:      "purchase",
		Identifiers:   kvs("device_id", "dev-1", "id", "user-1"),
		InsertID:      "0b5e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
		MetricValue:   decimal(12_345_679), // 12.345679
		UserProps:     kvs("grade", "gold"),
		EventProps:    kvs("item", "shoes"),
		PlatformProps: kvs("appversion", "1.2.3", "osname", "iOS"),
	},
	{
		TS:            1700000000999,
		EventKey:      "구매_완료",
		Identifiers:   kvs("device_id", "기기-2", "id", "사용자-2"),
		InsertID:      "1b5e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
		MetricValue:   decimal(-1_000_001), // -1.000001
		UserProps:     kvs("도시", "서울특별시", "이름", "홍길동"),
		PlatformProps: kvs("appversion", "2.0", "osname", "Android"),
	},
	{
		TS:          -1, // 1969-12-31 23:59:59.999 UTC
		EventKey:    "empty_maps",
		Identifiers: kvs("device_id", "d", "id", "i"),
		InsertID:    "2b5e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
	},
}

func writeInteropFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), PartName(0))
	if err := os.WriteFile(path, writeAll(t, Options{}, interopEvents), 0o644); err != nil {
		t.Fatal(err)
	}
	return duckdbtest.Literal(path)
}

// column returns one column of rows as strings ("<nil>" for NULL).
func column(rows []map[string]any, name string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r[name])
	}
	return out
}

func TestDuckDBDescribe(t *testing.T) {
	file := writeInteropFile(t)
	rows := duckdbtest.Query(t, "DESCRIBE SELECT * FROM read_parquet("+file+")")
	want := []string{
		"ts TIMESTAMP WITH TIME ZONE",
		"event_key VARCHAR",
		"identifiers MAP(VARCHAR, VARCHAR)",
		"insert_id VARCHAR",
		"metric_value DECIMAL(24,6)",
		"user_properties MAP(VARCHAR, VARCHAR)",
		"event_properties MAP(VARCHAR, VARCHAR)",
		"platform_properties MAP(VARCHAR, VARCHAR)",
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprint(r["column_name"], " ", r["column_type"]))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DuckDB sees columns\n%q\nwant\n%q", got, want)
	}
}

func TestDuckDBParquetSchema(t *testing.T) {
	file := writeInteropFile(t)
	rows := duckdbtest.Query(t, "SELECT name, type, type_length, repetition_type FROM parquet_schema("+file+") WHERE num_children IS NULL")
	if len(rows) != numLeafColumns {
		t.Fatalf("%d leaf columns, want %d: %v", len(rows), numLeafColumns, rows)
	}
	for i, r := range rows {
		if r["repetition_type"] != "REQUIRED" {
			t.Errorf("leaf %d (%v) is %v, want REQUIRED", i, r["name"], r["repetition_type"])
		}
	}
	if m := rows[colMetricValue]; m["name"] != "metric_value" || m["type"] != "FIXED_LEN_BYTE_ARRAY" || m["type_length"] != "11" {
		t.Errorf("metric_value leaf = %v, want FIXED_LEN_BYTE_ARRAY of type_length 11", m)
	}
	groups := duckdbtest.Query(t, "SELECT name, repetition_type FROM parquet_schema("+file+") WHERE num_children IS NOT NULL AND name <> 'schema'")
	for _, g := range groups {
		want := "REQUIRED"
		if g["name"] == "key_value" {
			want = "REPEATED"
		}
		if g["repetition_type"] != want {
			t.Errorf("group %v is %v, want %s", g["name"], g["repetition_type"], want)
		}
	}
}

func TestDuckDBValues(t *testing.T) {
	file := writeInteropFile(t)
	rows := duckdbtest.Query(t, `SELECT
		epoch_ms(ts)::VARCHAR AS ms, ts::VARCHAR AS ts, event_key, insert_id,
		metric_value::VARCHAR AS metric,
		identifiers['id'] AS id, identifiers['device_id'] AS device_id,
		user_properties['이름'] AS name, event_properties['item'] AS item,
		platform_properties['osname'] AS osname,
		cardinality(user_properties) AS n_user, cardinality(event_properties) AS n_event
	FROM read_parquet(`+file+`, file_row_number = true) ORDER BY file_row_number`)
	tests := []struct {
		column string
		want   []string
	}{
		{"ms", []string{"1700000000123", "1700000000999", "-1"}},
		{"ts", []string{"2023-11-14 22:13:20.123+00", "2023-11-14 22:13:20.999+00", "1969-12-31 23:59:59.999+00"}},
		{"event_key", []string{"purchase", "구매_완료", "empty_maps"}},
		{"insert_id", []string{interopEvents[0].InsertID, interopEvents[1].InsertID, interopEvents[2].InsertID}},
		{"metric", []string{"12.345679", "-1.000001", "0.000000"}},
		{"id", []string{"user-1", "사용자-2", "i"}},
		{"device_id", []string{"dev-1", "기기-2", "d"}},
		{"name", []string{"<nil>", "홍길동", "<nil>"}},
		{"item", []string{"shoes", "<nil>", "<nil>"}},
		{"osname", []string{"iOS", "Android", "<nil>"}},
		{"n_user", []string{"1", "2", "0"}},
		{"n_event", []string{"1", "0", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			if got := column(rows, tt.column); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("%s = %q, want %q", tt.column, got, tt.want)
			}
		})
	}
}

// TestDuckDBStatistics checks that DuckDB reads metric_value's min/max
// statistics as signed decimals.
func TestDuckDBStatistics(t *testing.T) {
	file := writeInteropFile(t)
	rows := duckdbtest.Query(t, "SELECT stats_min_value, stats_max_value FROM parquet_metadata("+file+") WHERE path_in_schema = 'metric_value'")
	if len(rows) != 1 || rows[0]["stats_min_value"] != "-1.000001" || rows[0]["stats_max_value"] != "12.345679" {
		t.Fatalf("metric_value statistics = %v, want min -1.000001, max 12.345679", rows)
	}
	rows = duckdbtest.Query(t, "SELECT count(*)::VARCHAR AS n FROM read_parquet("+file+") WHERE metric_value < 0")
	if rows[0]["n"] != "1" {
		t.Fatalf("rows with a negative metric = %v, want 1", rows[0]["n"])
	}
}

func TestDuckDBParts(t *testing.T) {
	dir := t.TempDir()
	evs := events(25)
	p := NewParts(dir, Options{PartRows: 10})
	for i := range evs {
		if err := p.Write(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
	glob := duckdbtest.Literal(filepath.Join(dir, "*.parquet"))
	rows := duckdbtest.Query(t, "SELECT count(*)::VARCHAR AS n, count(DISTINCT filename)::VARCHAR AS files, sum(metric_value)::VARCHAR AS total FROM read_parquet("+glob+", filename = true)")
	// metric of row i is 1.5 × i: 1.5 × (0+…+24) = 450.
	if got := fmt.Sprint(rows[0]["n"], " ", rows[0]["files"], " ", rows[0]["total"]); got != "25 3 450.000000" {
		t.Fatalf("rows, files, sum(metric) = %s, want 25 3 450.000000", got)
	}
}

// TestDuckDBEdgeCases has DuckDB read every value of a file with several
// row groups and pages, a dictionary that falls back to PLAIN, empty maps,
// long and unicode strings, and compares a digest of them with the rows'.
func TestDuckDBEdgeCases(t *testing.T) {
	evs := edgeEvents(45_000)
	for _, compression := range []string{"snappy", "zstd", "gzip", "none"} {
		t.Run(compression, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), PartName(0))
			if err := os.WriteFile(path, writeAll(t, Options{Compression: compression, RowGroupRows: 30_000}, evs), 0o644); err != nil {
				t.Fatal(err)
			}
			keys := func(m string) string {
				return fmt.Sprintf("array_to_string(map_keys(%s), ','), array_to_string(map_values(%s), ',')", m, m)
			}
			rows := duckdbtest.Query(t, `SELECT count(*)::VARCHAR AS n, md5(string_agg(concat_ws('|',
				epoch_ms(ts)::VARCHAR, event_key, `+keys("identifiers")+`, insert_id, metric_value::VARCHAR,
				`+keys("user_properties")+`, `+keys("event_properties")+`, `+keys("platform_properties")+`),
				chr(10) ORDER BY file_row_number)) AS digest
				FROM read_parquet(`+duckdbtest.Literal(path)+`, file_row_number = true)`)
			if got, want := fmt.Sprint(rows[0]["n"], " ", rows[0]["digest"]), fmt.Sprint(len(evs), " ", digest(evs)); got != want {
				t.Fatalf("DuckDB reads rows, digest %s; want %s", got, want)
			}
		})
	}
}

// digest is the md5 of the rows as TestDuckDBEdgeCases has DuckDB print them.
func digest(evs []validate.Event) string {
	var b strings.Builder
	kv := func(m []validate.KV) {
		var ks, vs []string
		for _, e := range m {
			ks, vs = append(ks, e.Key), append(vs, e.Value)
		}
		fmt.Fprintf(&b, "|%s|%s", strings.Join(ks, ","), strings.Join(vs, ","))
	}
	for i, ev := range evs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d|%s", ev.TS, ev.EventKey)
		kv(ev.Identifiers)
		fmt.Fprintf(&b, "|%s|%s", ev.InsertID, decimalString(ev.MetricValue))
		kv(ev.UserProps)
		kv(ev.EventProps)
		kv(ev.PlatformProps)
	}
	sum := md5.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
