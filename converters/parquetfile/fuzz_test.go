package parquetfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/validate"
)

// fuzzRow is an event as parquet-go's generic writer and reader see it:
// its struct tags spell the import schema (CheckSchema accepts the files
// written from it). Maps are Go maps, so entries come back in no order.
type fuzzRow struct {
	TS            int64               `parquet:"ts,timestamp(millisecond)"`
	EventKey      string              `parquet:"event_key,dict"`
	Identifiers   map[string]string   `parquet:"identifiers" parquet-key:",dict"`
	InsertID      string              `parquet:"insert_id"`
	MetricValue   [DecimalLength]byte `parquet:"metric_value,decimal(6:24)"`
	UserProps     map[string]string   `parquet:"user_properties" parquet-key:",dict"`
	EventProps    map[string]string   `parquet:"event_properties" parquet-key:",dict"`
	PlatformProps map[string]string   `parquet:"platform_properties" parquet-key:",dict" parquet-value:",dict"`
}

func toFuzzRow(ev *validate.Event) fuzzRow {
	m := func(kvs []validate.KV) map[string]string {
		out := map[string]string{}
		for _, kv := range kvs {
			out[kv.Key] = kv.Value
		}
		return out
	}
	return fuzzRow{ev.TS, ev.EventKey, m(ev.Identifiers), ev.InsertID, ev.MetricValue,
		m(ev.UserProps), m(ev.EventProps), m(ev.PlatformProps)}
}

// fuzzInput draws values from the fuzz input; past its end, zeros.
type fuzzInput struct{ data []byte }

func (in *fuzzInput) byte() byte {
	if len(in.data) == 0 {
		return 0
	}
	b := in.data[0]
	in.data = in.data[1:]
	return b
}

func (in *fuzzInput) bytes(n int) []byte {
	n = min(n, len(in.data))
	b := in.data[:n]
	in.data = in.data[n:]
	return b
}

func (in *fuzzInput) int64() int64 {
	var b [8]byte
	copy(b[:], in.bytes(8))
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// fuzzTexts are strings worth meeting: empty, blank, multi-byte, emoji,
// a NUL, invalid UTF-8, a long value.
var fuzzTexts = []string{"", " ", "Android", "구매_완료", "김치 🌶️", "\x00", "\xff\xfe", "é\u0301", strings.Repeat("ab", 700)}

func (in *fuzzInput) string() string {
	b := in.byte()
	if b&1 == 0 {
		return fuzzTexts[int(b>>1)%len(fuzzTexts)]
	}
	return string(in.bytes(int(b >> 2)))
}

func (in *fuzzInput) ts() int64 {
	switch in.byte() % 5 {
	case 0:
		return math.MinInt64
	case 1:
		return math.MaxInt64
	case 2:
		return 0
	case 3:
		return -1
	}
	return in.int64()
}

func (in *fuzzInput) decimal() (d validate.Decimal) {
	switch in.byte() % 4 {
	case 0: // largest
		d = validate.Decimal{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	case 1: // smallest
		d = validate.Decimal{0x80}
	case 2: // zero
	default:
		copy(d[:], in.bytes(DecimalLength))
	}
	return d
}

// kvs is a map as validate.Event holds one: keys unique and sorted.
func (in *fuzzInput) kvs() []validate.KV {
	n := int(in.byte() % 9)
	m := map[string]string{}
	for range n {
		m[in.string()] = in.string()
	}
	out := make([]validate.KV, 0, len(m))
	for k, v := range m {
		out = append(out, validate.KV{Key: k, Value: v})
	}
	slices.SortFunc(out, func(a, b validate.KV) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (in *fuzzInput) event() validate.Event {
	return validate.Event{
		TS: in.ts(), EventKey: in.string(), Identifiers: in.kvs(), InsertID: in.string(),
		MetricValue: in.decimal(), UserProps: in.kvs(), EventProps: in.kvs(), PlatformProps: in.kvs(),
	}
}

// FuzzEncoder writes events drawn from the input with this package's
// encoder and with parquet-go's generic writer, decodes both files with
// parquet-go's reader and compares them row by row, and with the events.
// Every column of the schema is required, so no value is null; empty
// strings, empty maps and extreme values stand in. Rows per row group and
// compression come from the input too, so that row groups and pages end
// anywhere.
func FuzzEncoder(f *testing.F) {
	f.Add([]byte{}, uint8(0), uint8(0))
	f.Add([]byte("\x01\x05hello\x03\x02\x01a\x01b\x07\x00\x04"), uint8(1), uint8(1))
	f.Add(bytes.Repeat([]byte{0xff, 0x13, 0x42, 0x00, 0x8a}, 200), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, groupRows, codec uint8) {
		in := &fuzzInput{data: data}
		var evs []validate.Event
		for len(in.data) > 0 && len(evs) < 200 {
			evs = append(evs, in.event())
		}
		opts := Options{RowGroupRows: int(groupRows)%16 + 1, Compression: []string{"none", "snappy", "zstd", "gzip"}[codec%4]}
		ours := writeAll(t, opts, evs)
		theirs := writeGeneric(t, evs)
		for name, file := range map[string][]byte{"ours": ours, "parquet-go's": theirs} {
			if err := CheckSchema(openFile(t, file)); err != nil {
				t.Fatalf("%s file: %v", name, err)
			}
		}
		got, want := readGeneric(t, ours), readGeneric(t, theirs)
		if len(got) != len(evs) || len(want) != len(evs) {
			t.Fatalf("read %d rows from ours, %d from parquet-go's, wrote %d", len(got), len(want), len(evs))
		}
		for i := range evs {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("row %d:\n ours         %+v\n parquet-go's %+v", i, got[i], want[i])
			}
			if e := toFuzzRow(&evs[i]); !reflect.DeepEqual(got[i], e) {
				t.Fatalf("row %d:\n read  %+v\n wrote %+v", i, got[i], e)
			}
		}
		// This package's reader keeps the maps' order too.
		back := readAll(t, ours)
		for i := range evs {
			if w := normalize(evs[i]); !reflect.DeepEqual(back[i], w) {
				t.Fatalf("row %d: ReadFile %+v, want %+v", i, back[i], w)
			}
		}
	})
}

func writeGeneric(t *testing.T, evs []validate.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[fuzzRow](&buf)
	rows := make([]fuzzRow, len(evs))
	for i := range evs {
		rows[i] = toFuzzRow(&evs[i])
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readGeneric decodes a file with parquet-go's generic reader; empty maps
// come back empty, not nil.
func readGeneric(t *testing.T, data []byte) []fuzzRow {
	t.Helper()
	r := parquet.NewGenericReader[fuzzRow](bytes.NewReader(data))
	defer r.Close()
	out := make([]fuzzRow, r.NumRows())
	n, err := r.Read(out)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	out = out[:n]
	for i := range out {
		for _, m := range []*map[string]string{&out[i].Identifiers, &out[i].UserProps, &out[i].EventProps, &out[i].PlatformProps} {
			if *m == nil {
				*m = map[string]string{}
			}
		}
	}
	return out
}
