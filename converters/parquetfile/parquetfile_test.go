package parquetfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/validate"
)

// decimal returns unscaled (value × 10^6) as a validate.Decimal.
func decimal(unscaled int64) validate.Decimal {
	var d validate.Decimal
	fill := byte(0)
	if unscaled < 0 {
		fill = 0xff
	}
	for i := range d {
		d[i] = fill
	}
	for i := len(d) - 1; i >= len(d)-8; i-- {
		d[i] = byte(unscaled)
		unscaled >>= 8
	}
	return d
}

// decimalString formats d as DuckDB prints a DECIMAL(24,6).
func decimalString(d validate.Decimal) string {
	n := new(big.Int).SetBytes(d[:])
	if d[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), 8*DecimalLength))
	}
	s := fmt.Sprintf("%07d", new(big.Int).Abs(n))
	if n.Sign() < 0 {
		return "-" + s[:len(s)-6] + "." + s[len(s)-6:]
	}
	return s[:len(s)-6] + "." + s[len(s)-6:]
}

func kvs(pairs ...string) []validate.KV {
	var out []validate.KV
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, validate.KV{Key: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// event returns a valid-looking event numbered i.
func event(i int) validate.Event {
	return validate.Event{
		TS:            1672531200000 + int64(i)*1001,
		EventKey:      fmt.Sprintf("event_%d", i%7),
		Identifiers:   kvs("device_id", fmt.Sprintf("dev-%d", i), "id", fmt.Sprintf("user-%d", i)),
		InsertID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		MetricValue:   decimal(int64(i) * 1_500_000),
		UserProps:     kvs("grade", "gold", "tier", fmt.Sprint(i%3)),
		EventProps:    kvs("item", fmt.Sprintf("item-%d", i%11)),
		PlatformProps: kvs("appversion", "1.2.3", "osname", "Android"),
	}
}

func events(n int) []validate.Event {
	out := make([]validate.Event, n)
	for i := range out {
		out[i] = event(i)
	}
	return out
}

// special are the rows round-tripped on top of generated ones.
var special = []struct {
	name string
	ev   validate.Event
}{
	{"all maps empty", validate.Event{TS: 0, EventKey: "e", InsertID: "00000000-0000-4000-8000-000000000000"}},
	{"empty non-nil maps", validate.Event{TS: 1, EventKey: "e", Identifiers: []validate.KV{}, UserProps: []validate.KV{}, EventProps: []validate.KV{}, PlatformProps: []validate.KV{}}},
	{"korean text", validate.Event{
		TS: 1700000000123, EventKey: "구매_완료",
		Identifiers:   kvs("id", "사용자-1"),
		UserProps:     kvs("이름", "홍길동", "도시", "서울특별시"),
		EventProps:    kvs("상품", "김치 🌶️"),
		PlatformProps: kvs("language", "ko-KR"),
	}},
	{"negative decimal", validate.Event{TS: -1, EventKey: "refund", MetricValue: decimal(-12_345_679)}},
	{"max decimal", validate.Event{EventKey: "big", MetricValue: validate.Decimal{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}},
	{"min decimal", validate.Event{EventKey: "small", MetricValue: validate.Decimal{0x80}}},
	{"empty strings", validate.Event{EventKey: "", InsertID: "", UserProps: kvs("k", "")}},
	{"many entries", validate.Event{EventKey: "wide", EventProps: func() []validate.KV {
		var out []validate.KV
		for i := range 300 {
			out = append(out, validate.KV{Key: fmt.Sprintf("k%03d", i), Value: strings.Repeat("v", i)})
		}
		return out
	}()}},
}

// normalize maps empty maps to nil, as ReadFile returns them.
func normalize(ev validate.Event) validate.Event {
	for _, m := range []*[]validate.KV{&ev.Identifiers, &ev.UserProps, &ev.EventProps, &ev.PlatformProps} {
		if len(*m) == 0 {
			*m = nil
		}
	}
	return ev
}

func writeAll(t testing.TB, opts Options, evs []validate.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if err := w.Write(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != int64(len(evs)) {
		t.Fatalf("Rows() = %d, want %d", w.Rows(), len(evs))
	}
	if w.Size() != int64(buf.Len()) {
		t.Fatalf("Size() = %d, want %d bytes written", w.Size(), buf.Len())
	}
	return buf.Bytes()
}

func readAll(t testing.TB, data []byte) []validate.Event {
	t.Helper()
	var got []validate.Event
	err := ReadFile(bytes.NewReader(data), int64(len(data)), func(ev *validate.Event) error {
		got = append(got, *ev)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func checkEvents(t *testing.T, got, want []validate.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if w := normalize(want[i]); !reflect.DeepEqual(got[i], w) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], w)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		evs  []validate.Event
	}{
		{"zero rows", Options{}, nil},
		{"one row", Options{}, events(1)},
		{"many rows, default options", Options{}, events(1000)},
		{"several row groups", Options{RowGroupRows: 100}, events(1050)},
		{"row group smaller than a batch", Options{RowGroupRows: 3}, events(20)},
		{"zstd", Options{Compression: "zstd"}, events(300)},
		{"gzip", Options{Compression: "gzip"}, events(300)},
		{"none", Options{Compression: "none"}, events(300)},
	}
	for _, s := range special {
		tests = append(tests, struct {
			name string
			opts Options
			evs  []validate.Event
		}{s.name, Options{}, []validate.Event{event(1), s.ev, event(2)}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, readAll(t, writeAll(t, tt.opts, tt.evs)), tt.evs)
		})
	}
}

func TestRowGroups(t *testing.T) {
	data := writeAll(t, Options{RowGroupRows: 100}, events(250))
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, rg := range f.RowGroups() {
		sizes = append(sizes, rg.NumRows())
	}
	if want := []int64{100, 100, 50}; !reflect.DeepEqual(sizes, want) {
		t.Fatalf("row group sizes = %v, want %v", sizes, want)
	}
}

func TestDeterministic(t *testing.T) {
	evs := append(events(500), special[2].ev, special[3].ev)
	for _, opts := range []Options{{}, {Compression: "zstd"}, {Compression: "gzip"}, {Compression: "none"}, {RowGroupRows: 64}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			a, b := writeAll(t, opts, evs), writeAll(t, opts, evs)
			if !bytes.Equal(a, b) {
				t.Fatalf("two writes of the same rows differ (%d vs %d bytes)", len(a), len(b))
			}
		})
	}
}

func TestWriterErrors(t *testing.T) {
	if _, err := NewWriter(&bytes.Buffer{}, Options{Compression: "lz9"}); err == nil || !strings.Contains(err.Error(), "lz9") {
		t.Fatalf("bad compression: err = %v", err)
	}
	w, err := NewWriter(&bytes.Buffer{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ev := event(0)
	if err := w.Write(&ev); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

// TestWriteReusedEvent checks that Write does not keep ev: the caller may
// overwrite it (here its decimal and maps) right after Write returns.
func TestWriteReusedEvent(t *testing.T) {
	want := events(10)
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Options{})
	var ev validate.Event
	for i := range want {
		ev = want[i]
		ev.Identifiers = append(ev.Identifiers[:0:0], want[i].Identifiers...)
		if err := w.Write(&ev); err != nil {
			t.Fatal(err)
		}
		ev.MetricValue = decimal(-1)
		ev.Identifiers[0].Key = "overwritten"
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkEvents(t, readAll(t, buf.Bytes()), want)
}

// schemaFile writes a file with no rows whose root has the given fields.
func schemaFile(t *testing.T, fields ...parquet.Field) *parquet.File {
	t.Helper()
	var buf bytes.Buffer
	pw := parquet.NewWriter(&buf, parquet.NewSchema("schema", orderedGroup(fields)))
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// withField returns the schema's fields with the one named name replaced by
// node, or removed when node is nil.
func withField(name string, node parquet.Node) []parquet.Field {
	var out []parquet.Field
	for _, f := range Schema.Fields() {
		switch {
		case f.Name() != name:
			out = append(out, f)
		case node != nil:
			out = append(out, field(name, node))
		}
	}
	return out
}

func TestCheckSchema(t *testing.T) {
	str := parquet.String()
	fields := Schema.Fields()
	swapped := append([]parquet.Field{}, fields...)
	swapped[2], swapped[3] = swapped[3], swapped[2] // insert_id before identifiers
	tests := []struct {
		name    string
		fields  []parquet.Field
		wantErr string // "" means valid
	}{
		{"our schema", fields, ""},
		{"plain encodings are fine", withField("event_key", str), ""},
		{"nullable column", withField("event_key", parquet.Optional(str)), "column event_key: expected REQUIRED BYTE_ARRAY STRING, found OPTIONAL BYTE_ARRAY STRING"},
		{"nullable map", withField("user_properties", parquet.Optional(parquet.Map(str, str))), "column user_properties: expected REQUIRED group(1) MAP, found OPTIONAL"},
		{"nullable map value", withField("identifiers", parquet.Map(str, parquet.Optional(str))), "column identifiers.key_value.value: expected REQUIRED"},
		{"wrong column order", swapped, "column 3: expected identifiers, found insert_id"},
		{"INT96 ts", withField("ts", parquet.Leaf(parquet.Int96Type)), "column ts: expected REQUIRED INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS), found REQUIRED INT96"},
		{"micros ts", withField("ts", parquet.Timestamp(parquet.Microsecond)), "column ts: expected REQUIRED INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS), found REQUIRED INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"},
		{"local ts", withField("ts", parquet.TimestampAdjusted(parquet.Millisecond, false)), "isAdjustedToUTC=false"},
		{"decimal scale", withField("metric_value", parquet.Decimal(2, 24, parquet.FixedLenByteArrayType(11))), "column metric_value: expected REQUIRED FIXED_LEN_BYTE_ARRAY(11) DECIMAL(24,6), found REQUIRED FIXED_LEN_BYTE_ARRAY(11) DECIMAL(24,2)"},
		{"decimal length", withField("metric_value", parquet.Decimal(6, 24, parquet.FixedLenByteArrayType(16))), "FIXED_LEN_BYTE_ARRAY(16)"},
		{"identifiers as a string", withField("identifiers", str), "column identifiers: expected REQUIRED group(1) MAP, found REQUIRED BYTE_ARRAY STRING"},
		{"missing column", withField("platform_properties", nil), "expected 8 top-level columns, found 7"},
		{"extra column", append(append([]parquet.Field{}, fields...), field("extra", str)), "expected 8 top-level columns, found 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSchema(schemaFile(t, tt.fields...))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("CheckSchema: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("CheckSchema accepted the file, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("CheckSchema error %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadFileRejectsOtherSchema(t *testing.T) {
	var buf bytes.Buffer
	pw := parquet.NewWriter(&buf, parquet.NewSchema("schema", orderedGroup(withField("ts", parquet.Leaf(parquet.Int96Type)))))
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	err := ReadFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(*validate.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "column ts") {
		t.Fatalf("ReadFile err = %v, want a schema error naming ts", err)
	}
}

func TestPartName(t *testing.T) {
	for i, want := range map[int]string{0: "000000000000.parquet", 1: "000000000001.parquet", 123456789012: "123456789012.parquet"} {
		if got := PartName(i); got != want {
			t.Errorf("PartName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestParts(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		rows     int
		wantRows []int64
	}{
		{"zero rows writes no file", Options{}, 0, []int64{}},
		{"one part", Options{}, 10, []int64{10}},
		{"roll by rows", Options{PartRows: 3}, 7, []int64{3, 3, 1}},
		{"roll by rows, exact multiple", Options{PartRows: 5}, 10, []int64{5, 5}},
		{"roll by bytes at row-group flushes", Options{RowGroupRows: 2, PartBytes: 1}, 5, []int64{2, 2, 1}},
		{"bytes under the limit", Options{RowGroupRows: 2, PartBytes: 1 << 30}, 5, []int64{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			evs := events(tt.rows)
			p := NewParts(dir, tt.opts)
			for i := range evs {
				if err := p.Write(&evs[i]); err != nil {
					t.Fatal(err)
				}
			}
			infos, err := p.Close()
			if err != nil {
				t.Fatal(err)
			}
			if infos == nil {
				t.Fatal("Close returned a nil list, want an empty one")
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(tt.wantRows) || len(infos) != len(tt.wantRows) {
				t.Fatalf("%d files and %d infos, want %d", len(entries), len(infos), len(tt.wantRows))
			}
			var got []validate.Event
			for i, info := range infos {
				data, err := os.ReadFile(filepath.Join(dir, info.Name))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				if info.Name != PartName(i) || info.Size != int64(len(data)) || info.Rows != tt.wantRows[i] || info.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("part %d: info %+v; want name %s, size %d, rows %d, sha256 %x", i, info, PartName(i), len(data), tt.wantRows[i], sum)
				}
				part := readAll(t, data)
				if int64(len(part)) != info.Rows {
					t.Fatalf("part %d holds %d rows, info says %d", i, len(part), info.Rows)
				}
				got = append(got, part...)
			}
			checkEvents(t, got, evs)
		})
	}
}

func TestPartsBadOptions(t *testing.T) {
	dir := t.TempDir()
	p := NewParts(dir, Options{Compression: "lz9"})
	ev := event(0)
	if err := p.Write(&ev); err == nil {
		t.Fatal("Write with a bad compression succeeded")
	}
	if _, err := p.Close(); err == nil {
		t.Fatal("Close after a failed Write succeeded")
	}
}

func BenchmarkWriterWrite(b *testing.B) {
	evs := events(1024)
	for _, compression := range []string{"snappy", "zstd", "none"} {
		b.Run(compression, func(b *testing.B) {
			w, err := NewWriter(discard{}, Options{Compression: compression})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.Write(&evs[i%len(evs)]); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(w.Size())/float64(b.N), "file-B/row")
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
