package profile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/validate"
)

func TestValueType(t *testing.T) {
	for _, tc := range []struct{ v, want string }{
		{"12", "number"}, {"-1.5e3", "number"}, {"true", "bool"}, {"false", "bool"},
		{"abc", "string"}, {"", "string"}, {"NaN", "string"}, {"Inf", "string"}, {"0x10", "string"}, {"1_000", "string"},
	} {
		if got := typeText(valueType(tc.v)); got != tc.want {
			t.Errorf("valueType(%q) = %s, want %s", tc.v, got, tc.want)
		}
	}
	if got := typeText(valueType("1") | valueType("x")); got != "number,string" {
		t.Errorf("mixed = %s", got)
	}
}

func event(i int, key string, props ...validate.KV) *validate.Event {
	return &validate.Event{
		TS: int64(1672531200000 + i*3600_000), EventKey: key,
		InsertID:   fmt.Sprintf("%08x-0000-4000-8000-%012x", i*7919%1000, i),
		EventProps: props,
	}
}

// TestBuilderSortsWithBoundedChunks writes more keys than the key writer
// keeps in memory (dedup.WriterRunKeys), so the
// sidecar is merged from several runs, and checks it is sorted, complete
// and the same bytes twice; the profile too.
func TestBuilderSortsWithBoundedChunks(t *testing.T) {
	defer func(n int) { dedup.WriterRunKeys = n }(dedup.WriterRunKeys)
	dedup.WriterRunKeys = 7
	build := func() ([]byte, []byte) {
		dir := t.TempDir()
		b, err := NewBuilder(dir, "2023-01-01", nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 100 {
			b.Add(event(i, []string{"a", "b"}[i%2], validate.KV{Key: "price", Value: fmt.Sprint(i)}))
		}
		if _, err := b.Finish(dir); err != nil {
			t.Fatal(err)
		}
		ids, _ := os.ReadFile(filepath.Join(dir, IDsName))
		prof, _ := os.ReadFile(filepath.Join(dir, ProfileName))
		if left, _ := filepath.Glob(filepath.Join(dir, "*keys*")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
		return ids, prof
	}
	ids, prof := build()
	if len(ids) != 100*16 {
		t.Fatalf("%d bytes, want %d", len(ids), 100*16)
	}
	var keys [][]byte
	for i := 0; i < len(ids); i += 16 {
		keys = append(keys, ids[i:i+16])
	}
	if !slices.IsSortedFunc(keys, bytes.Compare) {
		t.Error("the keys are not sorted")
	}
	ids2, prof2 := build()
	if !bytes.Equal(ids, ids2) || !bytes.Equal(prof, prof2) {
		t.Error("two builds of the same rows differ")
	}
	for _, want := range []string{`"a": 50`, `"price": "number"`, `"rows": 100`} {
		if !bytes.Contains(prof, []byte(want)) {
			t.Errorf("profile lacks %s:\n%s", want, prof)
		}
	}
}

func TestOverlap(t *testing.T) {
	keys := func(ns ...byte) []byte {
		var b []byte
		for _, n := range ns {
			k := [16]byte{15: n}
			b = append(b, k[:]...)
		}
		return b
	}
	var got []byte
	n, err := Overlap(bytes.NewReader(keys(1, 3, 5, 7, 9)), bytes.NewReader(keys(2, 3, 4, 9, 10)), func(k [16]byte) { got = append(got, k[15]) })
	if err != nil || n != 2 || !bytes.Equal(got, []byte{3, 9}) {
		t.Errorf("Overlap = %d %v %v, want 2 [3 9]", n, got, err)
	}
	if _, err := Overlap(bytes.NewReader(keys(1)), bytes.NewReader(keys(1)[:10]), func([16]byte) {}); err == nil {
		t.Error("a truncated sidecar was accepted")
	}
}
