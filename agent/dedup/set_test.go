package dedup

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keyStream makes the keys of TestIDSpillSet.
type keyStream func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte

var keyStreams = []struct {
	name string
	next keyStream
}{
	{"random with repeats of old keys", func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte {
		if len(seen) > 0 && rnd.IntN(4) == 0 {
			return seen[rnd.IntN(len(seen))]
		}
		return randomKey(rnd)
	}},
	{"v7-like sequential", func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte {
		if len(seen) > 0 && rnd.IntN(10) == 0 {
			return seen[rnd.IntN(len(seen))]
		}
		var k [16]byte
		binary.BigEndian.PutUint64(k[:], uint64(1_700_000_000_000+i/8)<<16|0x7000|uint64(i%8))
		binary.BigEndian.PutUint64(k[8:], 0x8000_0000_0000_0000|uint64(i%3))
		return k
	}},
	{"equal but for one byte", func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte {
		if len(seen) > 0 && rnd.IntN(3) == 0 {
			k := seen[rnd.IntN(len(seen))]
			if rnd.IntN(2) == 0 {
				k[rnd.IntN(16)] ^= byte(1 + rnd.IntN(255))
			}
			return k
		}
		var k [16]byte // few distinct bytes: many keys one byte apart
		k[rnd.IntN(16)] = byte(rnd.IntN(256))
		k[rnd.IntN(16)] = byte(rnd.IntN(4))
		return k
	}},
	{"one hash for many keys", func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte {
		// mix(c1^a, c2^b) is the product a·b when it fits 64 bits: the
		// divisor pairs of a highly composite number share a hash, and
		// span blocks of the runs.
		const n = 735134400 // 1344 divisors
		a := sameHashDivisors[rnd.IntN(len(sameHashDivisors))]
		if rnd.IntN(2) == 0 {
			a = uint64(i) // and keys of other hashes
		}
		var k [16]byte
		binary.LittleEndian.PutUint64(k[:], a^0x9e3779b97f4a7c15)
		binary.LittleEndian.PutUint64(k[8:], n/max(a, 1)^0xc2b2ae3d27d4eb4f)
		return k
	}},
	{"repeats in bursts", func(rnd *rand.Rand, i int, seen [][16]byte) [16]byte {
		if len(seen) > 0 && i%50 < 10 { // the last few keys, as client retries send them
			return seen[max(0, len(seen)-1-rnd.IntN(20))]
		}
		return randomKey(rnd)
	}},
}

var sameHashDivisors = func() (ds []uint64) {
	for d := uint64(1); d <= 735134400; d++ {
		if 735134400%d == 0 {
			ds = append(ds, d)
		}
	}
	return ds
}()

func randomKey(rnd *rand.Rand) (k [16]byte) {
	binary.LittleEndian.PutUint64(k[:], rnd.Uint64())
	binary.LittleEndian.PutUint64(k[8:], rnd.Uint64())
	return k
}

// TestIDSpillSet compares Set with a Go map, with a budget so small
// that it spills and merges hundreds of times.
func TestIDSpillSet(t *testing.T) {
	for _, limit := range []int{10, 300} {
		for _, ks := range keyStreams {
			t.Run(ks.name, func(t *testing.T) {
				rnd := rand.New(rand.NewPCG(uint64(limit), 9))
				b := NewBudget(limit)
				s := NewSet(t.TempDir(), "dt=2023-01-01", b)
				defer s.Close()
				o := newOracle(t, s)
				n := 20_000
				if limit < 100 {
					n = 5000 // hundreds of runs already
				}
				o.check([16]byte{})
				for i := range n {
					o.check(ks.next(rnd, i, o.keys))
				}
				o.check([16]byte{})
				for _, k := range o.keys {
					o.check(k)
				}
				if b.n > limit || b.n != s.mem.n {
					t.Errorf("%d keys in memory, budget %d, counted %d", s.mem.n, limit, b.n)
				}
				if s.runs[0].level < 2 {
					t.Errorf("runs of levels %v: no merge of merged runs", levels(s.runs))
				}
				t.Logf("%d distinct keys: runs of levels %v", len(o.keys), levels(s.runs))
			})
		}
	}
}

// oracle checks a set against a map.
type oracle struct {
	t    *testing.T
	s    *Set
	m    map[[16]byte]bool
	keys [][16]byte // distinct, in order
}

func newOracle(t *testing.T, s *Set) *oracle {
	return &oracle{t: t, s: s, m: map[[16]byte]bool{}}
}

func (o *oracle) check(k [16]byte) {
	o.t.Helper()
	got, err := o.s.Add(k)
	if err != nil {
		o.t.Fatal(err)
	}
	if want := !o.m[k]; got != want {
		o.t.Fatalf("add(%x) = %v, want %v (after %d keys, runs of levels %v)", k, got, want, len(o.keys), levels(o.s.runs))
	}
	if got {
		o.m[k] = true
		o.keys = append(o.keys, k)
	}
}

func levels(runs []*idRun) []int {
	var l []int
	for _, r := range runs {
		l = append(l, r.level)
	}
	return l
}

// TestIDSpillSetDays runs days side by side on one budget: interleaved, as
// a backfill from one stream, and one after another, as a time-sorted one
// (with late rows for the days before). Memory stays within the budget.
func TestIDSpillSetDays(t *testing.T) {
	for _, tc := range []struct {
		name string
		day  func(rnd *rand.Rand, i int) int
	}{
		{"interleaved", func(rnd *rand.Rand, i int) int { return rnd.IntN(8) }},
		{"one after another", func(rnd *rand.Rand, i int) int {
			if rnd.IntN(20) == 0 {
				return rnd.IntN(i/12_500 + 1)
			}
			return i / 12_500
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(1, 2))
			dir := t.TempDir()
			b := NewBudget(5000)
			var oracles []*oracle
			for d := range 8 {
				oracles = append(oracles, newOracle(t, NewSet(dir, "dt="+string(rune('a'+d)), b)))
			}
			maxRoom := 0
			for i := range 100_000 {
				o := oracles[tc.day(rnd, i)]
				o.check(keyStreams[0].next(rnd, i, o.keys))
				room := 0
				for _, o := range oracles {
					room += o.s.mem.room
				}
				maxRoom = max(maxRoom, room)
				if b.n > b.limit || b.room != room {
					t.Fatalf("%d keys in memory, budget %d; room %d, counted %d", b.n, b.limit, room, b.room)
				}
			}
			for _, o := range oracles {
				for _, k := range o.keys {
					o.check(k)
				}
			}
			if maxRoom > roomPerKey*b.limit+4096 {
				t.Errorf("the days took %d bytes of room, budget %d keys", maxRoom, b.limit)
			}
			for _, o := range oracles {
				if err := o.s.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Errorf("%d files left after close", len(left))
			}
			if len(b.sets) != 0 || b.n != 0 {
				t.Errorf("budget after close: %d sets, %d keys", len(b.sets), b.n)
			}
		})
	}
}

// TestIDSpillSetFiles checks that files are made only when a day spills
// and removed on close.
func TestIDSpillSetFiles(t *testing.T) {
	base := t.TempDir()
	quiet := NewSet(filepath.Join(base, "quiet"), "q", NewBudget(100))
	busy := NewSet(filepath.Join(base, "busy"), "b", NewBudget(100))
	rnd := rand.New(rand.NewPCG(1, 1))
	quiet.Add(randomKey(rnd))
	for range 5000 {
		if _, err := busy.Add(randomKey(rnd)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(base, "quiet")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a day that never spilled has a spill folder (%v)", err)
	}
	if files, _ := os.ReadDir(filepath.Join(base, "busy")); len(files) != len(busy.runs) || len(files) == 0 {
		t.Errorf("%d files for %d runs", len(files), len(busy.runs))
	}
	for _, s := range []*Set{quiet, busy, busy, nil} {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if files, _ := os.ReadDir(filepath.Join(base, "busy")); len(files) != 0 {
		t.Errorf("%d files left after close", len(files))
	}
}

// TestIDSpillSetErrors checks that I/O errors come out of add, with the
// file's name, and stay.
func TestIDSpillSetErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, dir string, s *Set)
		want   string
	}{
		{"folder cannot be made", func(t *testing.T, dir string, s *Set) {
			os.WriteFile(dir, nil, 0o644) // a file where the folder should be
		}, "insert_id spill folder"},
		{"folder removed", func(t *testing.T, dir string, s *Set) {
			spillUntilRuns(t, s, 1)
			os.RemoveAll(dir)
		}, "insert_id spill: open " + "DIR"},
		{"run unreadable", func(t *testing.T, dir string, s *Set) {
			spillUntilRuns(t, s, 3)
			for _, r := range s.runs {
				r.f.Close()
			}
		}, "read DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "spill")
			s := NewSet(dir, "d", NewBudget(50))
			defer s.Close()
			tc.break_(t, dir, s)
			rnd := rand.New(rand.NewPCG(7, 7))
			var err error
			for i := 0; i < 1000 && err == nil; i++ {
				_, err = s.Add(randomKey(rnd))
			}
			want := strings.ReplaceAll(tc.want, "DIR", dir)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want one with %q", err, want)
			}
			if _, again := s.Add([16]byte{1}); again != err {
				t.Errorf("next add: %v, want the same error", again)
			}
		})
	}
}

func spillUntilRuns(t *testing.T, s *Set, runs int) {
	rnd := rand.New(rand.NewPCG(8, 8))
	for len(s.runs) < runs {
		if _, err := s.Add(randomKey(rnd)); err != nil {
			t.Fatal(err)
		}
	}
}
