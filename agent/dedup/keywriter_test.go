package dedup

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestKeyWriter: keys added in any order, with duplicates, come out sorted
// and unique, whether they stayed in memory or spilled into many runs.
func TestKeyWriter(t *testing.T) {
	defer func(n int) { WriterRunKeys = n }(WriterRunKeys)
	for _, run := range []int{1 << 20, 100, 7} {
		WriterRunKeys = run
		keys := make([]Key, 1000)
		for i := range keys {
			rand.Read(keys[i][:])
		}
		dir := t.TempDir()
		w := NewKeyWriter(dir)
		for _, k := range append(keys, keys[:300]...) {
			if err := w.Add(k); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "dt=2023-01-01.keys")
		if err := w.Finish(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) != 1000*16 {
			t.Fatalf("run %d: %d bytes, %v; want %d", run, len(b), err, 1000*16)
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
		for i, k := range want {
			if !bytes.Equal(b[i*16:i*16+16], k[:]) {
				t.Fatalf("run %d: key %d is not the %d-th smallest key added", run, i, i)
			}
		}
		for i := 16; i < len(b); i += 16 {
			if bytes.Compare(b[i-16:i], b[i:i+16]) >= 0 {
				t.Fatalf("run %d: keys out of order at %d", run, i/16)
			}
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("run %d: spill files left behind: %v", run, left)
		}
	}
}

// TestSortKeys checks the bucketed sort against bytes.Compare, at sizes
// below and above its bucketing threshold, with repeats and with keys that
// share their first bytes.
func TestSortKeys(t *testing.T) {
	for _, n := range []int{0, 1, 5, 4095, 4096, 50000} {
		keys := make([]Key, n)
		for i := range keys {
			rand.Read(keys[i][:])
			if i%3 == 0 {
				keys[i][0], keys[i][1] = 7, 9 // a crowded bucket
			}
			if i%10 == 9 {
				keys[i] = keys[i/2] // a repeat
			}
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
		want = slices.Compact(want)
		if got := sortKeys(keys); !slices.Equal(got, want) {
			t.Fatalf("n=%d: sortKeys differs from a bytes.Compare sort", n)
		}
	}
}

func BenchmarkSortKeys(b *testing.B) {
	keys := make([]Key, 256<<10)
	for i := range keys {
		rand.Read(keys[i][:])
	}
	work := make([]Key, len(keys))
	for i := 0; i < b.N; i++ {
		copy(work, keys)
		sortKeys(work)
	}
}
