package profile

import (
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

// TestValueTypeMatchesParseFloat compares the hand-written number scan with
// strconv.ParseFloat, its oracle, on values of every shape.
func TestValueTypeMatchesParseFloat(t *testing.T) {
	values := []string{"", "0", "-0", "+1", "12", "1.5", ".5", "5.", ".", "-", "+", "1e5", "1E-5", "1e", "1e+",
		"e5", "-.5e3", "1.2.3", "1,5", " 1", "1 ", "0x10", "1_000", "Inf", "NaN", "-inf", "true", "false", "True",
		"abc", "12abc", "١٢", "3.14159265358979323846264338327950288", "00012", "1e-400"}
	for _, v := range values {
		_, err := strconv.ParseFloat(v, 64)
		oracle := uint8(4)
		switch {
		case v == "true" || v == "false":
			oracle = 2
		case (err == nil || strings.Contains(err.Error(), "out of range")) && !strings.ContainsAny(v, "xXpP_iInN"):
			oracle = 1
		}
		if got := valueType(v); got != oracle {
			t.Errorf("valueType(%q) = %d, ParseFloat says %d", v, got, oracle)
		}
	}
}

func BenchmarkValueType(b *testing.B) {
	values := []string{"purchase", "12.5", "true", "ios", "a-long-ish-string-value"}
	for i := 0; i < b.N; i++ {
		valueType(values[i%len(values)])
	}
}

// TestBuilderTypesWhateverTheKeyOrder: the previous row's keys are tried
// first at each place; keys that move, appear or vanish still get every
// type their values have.
func TestBuilderTypesWhateverTheKeyOrder(t *testing.T) {
	dir := t.TempDir()
	b, err := NewBuilder(dir, "2023-01-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]validate.KV{
		{{Key: "a", Value: "1"}, {Key: "b", Value: "x"}},
		{{Key: "b", Value: "2"}, {Key: "a", Value: "true"}},
		{{Key: "a", Value: "1"}, {Key: "c", Value: "x"}},
		{{Key: "a", Value: "1"}, {Key: "c", Value: "3"}, {Key: "d", Value: "false"}},
		{},
		{{Key: "d", Value: "y"}},
	}
	for i, kvs := range rows {
		b.Add(event(i, "view", kvs...))
	}
	p, err := b.Finish(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "number,bool", "b": "number,string", "c": "number,string", "d": "bool,string"}
	if got := p.Properties["event_properties"]; !maps.Equal(got, want) {
		t.Errorf("types %v, want %v", got, want)
	}
}

// TestBuilderHour compares the cached zone offset with time.In, across
// DST changes, for negative times and at hour and second boundaries.
func TestBuilderHour(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Seoul", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("no zone data: %v", err)
		}
		b := &Builder{loc: loc}
		start := time.Date(2023, 3, 10, 0, 0, 0, 0, time.UTC).UnixMilli()
		for _, ts := range []int64{-1, -1000, -3600_001, 0, 999, 3_599_999} {
			if got, want := b.hour(ts), time.UnixMilli(ts).In(loc).Hour(); got != want {
				t.Errorf("%s: hour(%d) = %d, want %d", zone, ts, got, want)
			}
		}
		for ts := start; ts < start+40*24*3600_000; ts += 7*60_000 + 13 {
			if got, want := b.hour(ts), time.UnixMilli(ts).In(loc).Hour(); got != want {
				t.Fatalf("%s: hour(%d) = %d, want %d", zone, ts, got, want)
			}
		}
	}
}
