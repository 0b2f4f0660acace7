package export

import (
	"encoding/binary"
	"math/rand/v2"
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

// BenchmarkIDSet adds 1M random keys; compare with BenchmarkIDMap.
func BenchmarkIDSet(b *testing.B) {
	keys := randomKeys(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		var s idSet
		for _, k := range keys {
			s.add(k)
		}
	}
}

func BenchmarkIDMap(b *testing.B) {
	keys := randomKeys(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		m := map[[16]byte]struct{}{}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				m[k] = struct{}{}
			}
		}
	}
}

func randomKeys(n int) [][16]byte {
	rnd := rand.New(rand.NewPCG(5, 6))
	keys := make([][16]byte, n)
	for i := range keys {
		binary.LittleEndian.PutUint64(keys[i][:], rnd.Uint64())
		binary.LittleEndian.PutUint64(keys[i][8:], rnd.Uint64())
	}
	return keys
}
