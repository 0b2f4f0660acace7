package tolerant

import (
	"bytes"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"

	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

const (
	noon     = int64(1672574400000) // 2023-01-01T12:00:00Z in millis
	insertID = "6f1c9a52-3d7e-4b8a-9c1f-2e5d7a8b9c0d"
)

// baseShape is the import layout written the canonical way.
func baseShape() shape {
	str := parquet.Map(parquet.String(), parquet.String())
	return shape{
		"ts":                  parquet.Timestamp(parquet.Millisecond),
		"event_key":           parquet.String(),
		"identifiers":         str,
		"insert_id":           parquet.String(),
		"metric_value":        parquet.Decimal(6, 24, parquet.FixedLenByteArrayType(11)),
		"user_properties":     str,
		"event_properties":    str,
		"platform_properties": str,
	}
}

func baseRow() map[string]any {
	return map[string]any{
		"ts":                  noon,
		"event_key":           "purchase",
		"identifiers":         []entry{{"id", "u1"}, {"device_id", "d1"}},
		"insert_id":           insertID,
		"metric_value":        decBytes(big.NewInt(12_500_000), 11),
		"user_properties":     []entry{{"tier", "gold"}},
		"event_properties":    nil,
		"platform_properties": []entry{{"osname", "Android"}, {"appversion", "1.0"}},
	}
}

// decBytes is unscaled as n-byte big-endian two's complement (n = 0: the
// shortest form).
func decBytes(u *big.Int, n int) []byte {
	if n == 0 {
		n = u.BitLen()/8 + 1
	}
	v := new(big.Int).Set(u)
	if v.Sign() < 0 {
		v.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	b := v.Bytes()
	return append(make([]byte, n-len(b)), b...)
}

func bigInt(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

func int96(millis int64, extraNanos int64) deprecated.Int96 {
	days := millis / 86_400_000
	nanos := (millis%86_400_000)*1_000_000 + extraNanos
	return deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(days + julianUnixEpoch)}
}

func readRows(t *testing.T, data []byte, opts Options) (*File, []Row) {
	t.Helper()
	f, err := Open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var rows []Row
	err = f.Each(func(r *Row) error {
		c := *r
		c.Raw.Identifiers = append([]validate.KV(nil), r.Raw.Identifiers...)
		c.Raw.UserProps = append([]validate.KV(nil), r.Raw.UserProps...)
		c.Raw.EventProps = append([]validate.KV(nil), r.Raw.EventProps...)
		c.Raw.PlatformProps = append([]validate.KV(nil), r.Raw.PlatformProps...)
		c.Issues = append([]validate.Issue(nil), r.Issues...)
		rows = append(rows, c)
		return nil
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	return f, rows
}

func kvs(pairs ...string) []validate.KV {
	var out []validate.KV
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, validate.KV{Key: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// TestShapes writes one row in each shape other tools produce and checks
// the Raw text pull validates.
func TestShapes(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	tests := []struct {
		name  string
		node  parquet.Node // replaces column col (nil: keep)
		col   string
		value any
		opts  Options
		get   func(*validate.Raw) any
		want  any
	}{
		{"ts millis", nil, "ts", noon + 123, Options{}, ts, "1672574400123"},
		{"ts micros", parquet.Timestamp(parquet.Microsecond), "ts", (noon+123)*1000 + 456, Options{}, ts, "1672574400123"},
		{"ts nanos", parquet.Timestamp(parquet.Nanosecond), "ts", (noon+123)*1_000_000 + 999_999, Options{}, ts, "1672574400123"},
		{"ts micros before 1970 truncates toward the past", parquet.Timestamp(parquet.Microsecond), "ts", int64(-1), Options{}, ts, "-1"},
		{"ts plain int64 is millis", parquet.Leaf(parquet.Int64Type), "ts", noon, Options{}, ts, "1672574400000"},
		{"ts INT96 (Spark)", parquet.Leaf(parquet.Int96Type), "ts", int96(noon+123, 456_789), Options{}, ts, "1672574400123"},
		{"ts string RFC 3339", parquet.String(), "ts", "2023-01-01T12:00:00.123456Z", Options{}, ts, "1672574400123"},
		{"ts string naive in source zone", parquet.String(), "ts", "2023-01-01 21:00:00", Options{Time: validate.TimeFormat{Location: seoul}}, ts, "1672574400000"},
		{"ts string unparseable kept", parquet.String(), "ts", "yesterday", Options{}, ts, "yesterday"},
		{"ts DOUBLE epoch seconds", parquet.Leaf(parquet.DoubleType), "ts", 1672574400.123, Options{}, ts, "1672574400123"},
		{"ts local (isAdjustedToUTC=false) in the source zone", parquet.TimestampAdjusted(parquet.Millisecond, false), "ts", noon + 9*3600_000, Options{Time: validate.TimeFormat{Location: seoul}}, ts, "1672574400000"},
		{"ts local (isAdjustedToUTC=false) without a zone is UTC", parquet.TimestampAdjusted(parquet.Microsecond, false), "ts", noon * 1000, Options{}, ts, "1672574400000"},
		{"ts optional null", parquet.Optional(parquet.Timestamp(parquet.Microsecond)), "ts", nil, Options{}, ts, ""},
		{"metric FLBA(4) DECIMAL(9,3) negative", parquet.Decimal(3, 9, parquet.FixedLenByteArrayType(4)), "metric_value", decBytes(big.NewInt(-1234567), 4), Options{}, metric, "-1234.567"},
		{"metric BYTE_ARRAY DECIMAL(38,10)", parquet.Decimal(10, 38, parquet.ByteArrayType), "metric_value", decBytes(bigInt("12345678901234567890123"), 0), Options{}, metric, "1234567890123.4567890123"},
		{"metric INT32 DECIMAL(9,2)", parquet.Decimal(2, 9, parquet.Int32Type), "metric_value", int32(1250), Options{}, metric, "12.50"},
		{"metric INT32 DECIMAL small fraction", parquet.Decimal(4, 9, parquet.Int32Type), "metric_value", int32(-5), Options{}, metric, "-0.0005"},
		{"metric INT64 DECIMAL(18,0)", parquet.Decimal(0, 18, parquet.Int64Type), "metric_value", int64(123456789012345678), Options{}, metric, "123456789012345678"},
		{"metric DOUBLE", parquet.Leaf(parquet.DoubleType), "metric_value", 0.1, Options{}, metric, "0.1"},
		{"metric DOUBLE large", parquet.Leaf(parquet.DoubleType), "metric_value", 1e21, Options{}, metric, "1000000000000000000000"},
		{"metric FLOAT", parquet.Leaf(parquet.FloatType), "metric_value", float32(1.1), Options{}, metric, "1.1"},
		{"metric string", parquet.String(), "metric_value", "1e3", Options{}, metric, "1e3"},
		{"metric optional null", parquet.Optional(parquet.Leaf(parquet.DoubleType)), "metric_value", nil, Options{}, metric, ""},
		{"event_key optional null", parquet.Optional(parquet.String()), "event_key", nil, Options{}, eventKey, ""},
		{"insert_id UUID FLBA(16)", parquet.UUID(), "insert_id", []byte{0x6f, 0x1c, 0x9a, 0x52, 0x3d, 0x7e, 0x4b, 0x8a, 0x9c, 0x1f, 0x2e, 0x5d, 0x7a, 0x8b, 0x9c, 0x0d}, Options{}, insertIDOf, insertID},
		{"identifiers JSON string", parquet.String(), "identifiers",
			`{"id":"u1","device_id":"d1","n":12345678901234567890,"b":true,"o":{"a": [1, 2]},"gone":null}`, Options{}, identifiers,
			kvs("id", "u1", "device_id", "d1", "n", "12345678901234567890", "b", "true", "o", `{"a":[1,2]}`)},
		{"identifiers JSON string optional null", parquet.Optional(parquet.String()), "identifiers", nil, Options{}, identifiers, []validate.KV(nil)},
		{"map with nullable values drops null keys", parquet.Map(parquet.String(), parquet.Optional(parquet.String())), "user_properties",
			[]entry{{"a", "x"}, {"b", nil}, {"c", "z"}}, Options{}, userProps, kvs("a", "x", "c", "z")},
		{"map of int64 values", parquet.Map(parquet.String(), parquet.Leaf(parquet.Int64Type)), "event_properties",
			[]entry{{"count", int64(3)}}, Options{}, eventProps, kvs("count", "3")},
		{"map with int32 keys", parquet.Map(parquet.Int(32), parquet.String()), "event_properties",
			[]entry{{int32(7), "x"}}, Options{}, eventProps, kvs("7", "x")},
		{"empty map", nil, "user_properties", []entry{}, Options{}, userProps, []validate.KV(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, row := baseShape(), baseRow()
			if tt.node != nil {
				s[tt.col] = tt.node
			}
			row[tt.col] = tt.value
			_, rows := readRows(t, build(t, s, []map[string]any{row}), tt.opts)
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want 1", len(rows))
			}
			if len(rows[0].Issues) > 0 {
				t.Fatalf("issues: %+v", rows[0].Issues)
			}
			if got := tt.get(&rows[0].Raw); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func ts(r *validate.Raw) any          { return r.TS }
func metric(r *validate.Raw) any      { return r.MetricValue }
func eventKey(r *validate.Raw) any    { return r.EventKey }
func insertIDOf(r *validate.Raw) any  { return r.InsertID }
func identifiers(r *validate.Raw) any { return r.Identifiers }
func userProps(r *validate.Raw) any   { return r.UserProps }
func eventProps(r *validate.Raw) any  { return r.EventProps }

// TestSparkFileValidates reads a file shaped like Spark's output (INT96 ts,
// DECIMAL(38,18) bytes, identifiers as JSON text, optional everything, an
// extra column) and checks every row passes the shared rules.
func TestSparkFileValidates(t *testing.T) {
	opt := func(n parquet.Node) parquet.Node { return parquet.Optional(n) }
	s := shape{
		"ts":                  opt(parquet.Leaf(parquet.Int96Type)),
		"event_key":           opt(parquet.String()),
		"identifiers":         opt(parquet.String()),
		"insert_id":           opt(parquet.String()),
		"metric_value":        opt(parquet.Decimal(18, 38, parquet.FixedLenByteArrayType(16))),
		"user_properties":     parquet.Map(parquet.String(), parquet.Optional(parquet.String())),
		"event_properties":    parquet.Map(parquet.String(), parquet.Optional(parquet.String())),
		"platform_properties": parquet.Map(parquet.String(), parquet.Optional(parquet.String())),
		"ingested_by":         opt(parquet.String()),
	}
	row := baseRow()
	row["ts"] = int96(noon, 999_999)
	row["identifiers"] = `{"id": "u1", "device_id": "d1", "session_id": null}`
	row["metric_value"] = decBytes(bigInt("12500000000000000000"), 16) // 12.5 at scale 18
	row["ingested_by"] = "spark"
	f, rows := readRows(t, build(t, s, []map[string]any{row, row}), Options{})
	if got := f.Extra(); !reflect.DeepEqual(got, []string{"ingested_by"}) {
		t.Errorf("Extra() = %v, want [ingested_by]", got)
	}
	day, _ := validate.ParseDate("2023-01-01")
	rules := validate.Rules{Time: validate.TimeFormat{Layout: validate.LayoutUnixMs}, From: day, To: day}
	for _, r := range rows {
		var ev validate.Event
		if errs, _ := rules.Check(&r.Raw, &ev); len(errs) > 0 {
			t.Fatalf("row %d rejected: %+v", r.Num, errs)
		}
		if ev.TS != noon || ev.MetricValue.String() != "12.500000" || len(ev.Identifiers) != 2 {
			t.Errorf("row %d: ts %d metric %s identifiers %v", r.Num, ev.TS, ev.MetricValue, ev.Identifiers)
		}
	}
	if len(rows) != 2 || rows[1].Num != 2 {
		t.Errorf("rows = %d, last num %d", len(rows), rows[len(rows)-1].Num)
	}
}

// TestCanonicalFile reads what our own writer produces.
func TestCanonicalFile(t *testing.T) {
	var buf bytes.Buffer
	w, err := parquetfile.NewWriter(&buf, parquetfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := validate.ParseDecimal("-3.25")
	ev := validate.Event{TS: noon, EventKey: "view", InsertID: insertID, MetricValue: d,
		Identifiers: kvs("device_id", "d1", "id", "u1"), PlatformProps: kvs("appversion", "2", "osname", "iOS")}
	if err := w.Write(&ev); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, rows := readRows(t, buf.Bytes(), Options{})
	if len(f.Extra()) != 0 || len(rows) != 1 {
		t.Fatalf("extra %v, rows %d", f.Extra(), len(rows))
	}
	r := rows[0].Raw
	want := validate.Raw{TS: "1672574400000", EventKey: "view", InsertID: insertID, MetricValue: "-3.250000",
		Identifiers: ev.Identifiers, PlatformProps: ev.PlatformProps}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name string
		edit func(shape)
		want []string // substrings of the error
	}{
		{"missing columns", func(s shape) { delete(s, "insert_id"); delete(s, "ts") }, []string{"missing required column", "ts", "insert_id"}},
		{"ts as boolean", func(s shape) { s["ts"] = parquet.Leaf(parquet.BooleanType) }, []string{"column ts"}},
		{"identifiers as a list", func(s shape) { s["identifiers"] = parquet.List(parquet.String()) }, []string{"column identifiers", "MAP"}},
		{"metric as boolean", func(s shape) { s["metric_value"] = parquet.Leaf(parquet.BooleanType) }, []string{"column metric_value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := baseShape()
			tt.edit(s)
			data := build(t, s, nil)
			_, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
			if err == nil {
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	var mce *MissingColumnError
	s := baseShape()
	delete(s, "platform_properties")
	data := build(t, s, nil)
	if _, err := Open(bytes.NewReader(data), int64(len(data)), Options{}); !errors.As(err, &mce) || mce.Columns[0] != "platform_properties" {
		t.Errorf("err = %v, want a MissingColumnError naming platform_properties", err)
	}
}

func TestBadJSONMapIsARowIssue(t *testing.T) {
	s, row := baseShape(), baseRow()
	s["identifiers"] = parquet.String()
	row["identifiers"] = "id=u1"
	_, rows := readRows(t, build(t, s, []map[string]any{row}), Options{})
	is := rows[0].Issues
	if len(is) != 1 || is[0].Reason != validate.RecordInvalid || is[0].Field != "identifiers" {
		t.Fatalf("issues = %+v", is)
	}
}

func TestScaledText(t *testing.T) {
	for _, tt := range []struct {
		u     int64
		scale int
		want  string
	}{{0, 0, "0"}, {0, 2, "0.00"}, {5, 3, "0.005"}, {-5, 1, "-0.5"}, {120, 1, "12.0"}, {-123, 0, "-123"}} {
		if got := scaledText(big.NewInt(tt.u), tt.scale); got != tt.want {
			t.Errorf("scaledText(%d, %d) = %q, want %q", tt.u, tt.scale, got, tt.want)
		}
	}
}
