package dedup

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestIDSet compares idSet with a Go map on random keys, sequential keys
// (time-based UUIDs look like that), repeats and the all-zero key.
func TestIDSet(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var s idSet
	m := map[[16]byte]bool{}
	check := func(k [16]byte) {
		if got, want := s.add(k), !m[k]; got != want {
			t.Fatalf("add(%x) = %v, want %v (after %d keys)", k, got, want, len(m))
		}
		m[k] = true
	}
	var k [16]byte
	for i := range 300_000 {
		switch i % 3 {
		case 0:
			binary.LittleEndian.PutUint64(k[:], rnd.Uint64())
			binary.LittleEndian.PutUint64(k[8:], rnd.Uint64())
		case 1:
			k = [16]byte{}
			binary.BigEndian.PutUint64(k[8:], uint64(i))
		case 2: // a key seen before
			for old := range m {
				k = old
				break
			}
		}
		check(k)
	}
	check([16]byte{})
	check([16]byte{})
	for old := range m {
		if s.add(old) {
			t.Fatalf("%x forgotten", old)
		}
	}
}

// testKeys returns n keys, about 1% repeats of any key before.
func testKeys(n int) [][16]byte {
	rnd := rand.New(rand.NewPCG(5, 6))
	keys := make([][16]byte, n)
	for i := range keys {
		if i > 0 && rnd.IntN(100) == 0 {
			keys[i] = keys[rnd.IntN(i)]
		} else {
			keys[i] = randomKey(rnd)
		}
	}
	return keys
}

// BenchmarkIDSet adds 1M and 5M keys, about 1% repeats, to the in-memory
// idSet (unbounded), to the spilling Set with an export's budget
// and to a Go map. It reports ns/add, and heap-MB: the heap in use after
// the adds minus before.
func BenchmarkIDSet(b *testing.B) {
	for _, n := range []int{1 << 20, 5 << 20} {
		keys := testKeys(n)
		for _, kind := range []string{"mem", "spill", "map"} {
			b.Run(fmt.Sprintf("%s/%dM", kind, n>>20), func(b *testing.B) {
				b.ReportAllocs()
				var heap float64
				for b.Loop() {
					heap = addKeys(b, kind, keys)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/add")
				b.ReportMetric(heap, "heap-MB")
			})
		}
	}
}

// addKeys adds keys to a set of the kind and returns the growth of the
// heap in use, in MB. A benchmark's timer does not run while it measures.
func addKeys(tb testing.TB, kind string, keys [][16]byte) float64 {
	var before, after runtime.MemStats
	measure := func(m *runtime.MemStats) {
		if b, ok := tb.(*testing.B); ok {
			b.StopTimer()
			defer b.StartTimer()
		}
		runtime.GC()
		runtime.ReadMemStats(m)
	}
	measure(&before)
	var keep any
	switch kind {
	case "mem":
		var s idSet
		for _, k := range keys {
			s.add(k)
		}
		keep = &s
	case "spill":
		s := NewSet(tb.TempDir(), "d", NewBudget(DefaultKeys))
		defer s.Close()
		for _, k := range keys {
			if _, err := s.Add(k); err != nil {
				tb.Fatal(err)
			}
		}
		keep = s
	case "map":
		m := map[[16]byte]struct{}{}
		for _, k := range keys {
			m[k] = struct{}{}
		}
		keep = m
	}
	measure(&after)
	runtime.KeepAlive(keep)
	runtime.KeepAlive(keys)
	return float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / 1e6
}

// TestIDSpillSetHeap checks that the heap after 5M adds is close to the
// heap after 1M.
func TestIDSpillSetHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 6M keys")
	}
	h1, h5 := addKeys(t, "spill", testKeys(1<<20)), addKeys(t, "spill", testKeys(5<<20))
	t.Logf("heap in use: %.1f MB after 1M keys, %.1f MB after 5M", h1, h5)
	if h5 > h1+10 {
		t.Errorf("heap in use: %.1f MB after 1M keys, %.1f MB after 5M", h1, h5)
	}
}
