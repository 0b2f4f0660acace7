package dedup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Set is the exact set of the insert_ids seen on one day, with
// bounded memory: the newest keys are in an in-memory idSet, and when the
// keys in memory of all the sets of a Budget (the days of a run) reach it,
// the largest day's keys are sorted and written to a run file in a spill
// folder (see idRun). A day keeps its runs few by merging them: when its
// newest runMergeWidth runs are of one level, they become one run of the
// next level, so a day of N keys has at most about
// (runMergeWidth-1)·log₄(N/budget) runs, and its memory is about 1.6 bytes
// a spilled key. A lookup reads the runs' filters (overlapped, see touch)
// and, for about 0.5% of them and for the repeats, one 4 KiB block of a
// run file from the page cache.
//
// Nothing is written for a day that never spills. Its verdicts are exact:
// a key is new unless it was added before, in memory or in a run.
type Set struct {
	mem    idSet
	runs   []*idRun // oldest first; their levels never increase
	dir    string   // the spill folder, created at the first spill
	name   string   // prefix of the run files
	budget *Budget
	seq    int         // run files created
	err    error       // the first I/O error: the set is unusable
	buf    []byte      // a run block, for lookups
	keys   []hashedKey // a shard's keys, for spills
	sink   uint64      // see touch
}

// runMergeWidth is how many runs of one level are merged into one.
const runMergeWidth = 4

// newIDSpillSet returns a set whose runs are files name-N.ids in dir, and
// whose memory counts in b.
func NewSet(dir, name string, b *Budget) *Set {
	s := &Set{dir: dir, name: name, budget: b}
	b.sets = append(b.sets, s)
	return s
}

// Add inserts key and reports whether it was new. An error (a run file
// could not be written or read, this day's or another's) leaves the set
// unusable: add returns it again.
func (s *Set) Add(key [16]byte) (bool, error) {
	if s.err != nil {
		return false, s.err
	}
	lo, hi := keyWords(key)
	if lo == 0 && hi == 0 {
		return s.mem.add(key), nil
	}
	h, room := mix(lo, hi), s.mem.room
	s.touch(h)
	slot, found := s.mem.find(h, lo, hi)
	s.budget.room += s.mem.room - room
	if found {
		return false, nil
	}
	if len(s.runs) > 0 {
		if found, err := s.inRuns(hashedKey{h, lo, hi}); found || err != nil {
			return false, s.fail(err)
		}
	}
	s.mem.put(slot, h, lo, hi)
	b := s.budget
	if b.n++; b.n >= b.limit || b.room > roomPerKey*b.limit {
		return true, s.fail(b.spill())
	}
	return true, nil
}

// touch starts loading the memory that add reads for hash h: the key's
// bucket in memory and its filter block of each run. Loads that do not
// wait for one another overlap, which the branches of the lookups prevent.
func (s *Set) touch(h uint64) {
	x := s.mem.touch(h)
	for _, r := range s.runs {
		x ^= filterBlock(r.filter, h)[0]
	}
	s.sink = x
}

// inRuns reports whether a run holds k.
func (s *Set) inRuns(k hashedKey) (bool, error) {
	m := maskOf(k.h)
	for i := len(s.runs) - 1; i >= 0; i-- {
		r := s.runs[i]
		if !r.mayHave(k.h, &m) {
			continue
		}
		if s.buf == nil {
			s.buf = make([]byte, runBlockKeys*runKeyBytes)
		}
		if found, err := r.has(k, s.buf); found || err != nil {
			return found, err
		}
	}
	return false, nil
}

// fail records the first error.
func (s *Set) fail(err error) error {
	if err != nil && s.err == nil {
		s.err = err
	}
	return err
}

// spill writes the keys in memory to a new run (keeping the memory's
// room) and merges runs as needed.
func (s *Set) spill() error {
	if s.err != nil || s.mem.n == 0 {
		return s.err
	}
	if s.seq == 0 {
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return s.fail(fmt.Errorf("insert_id spill folder: %w", err))
		}
	}
	w, err := createRun(s.nextPath(), s.mem.n, 0)
	if err != nil {
		return s.fail(fmt.Errorf("insert_id spill: %w", err))
	}
	for i := 0; i < len(s.mem.shards) && err == nil; i++ {
		s.keys = s.mem.appendShard(s.keys[:0], i)
		for _, k := range s.keys {
			if err = w.add(k); err != nil {
				break
			}
		}
	}
	run, err := w.finish(err)
	if err != nil {
		return s.fail(fmt.Errorf("insert_id spill: %w", err))
	}
	s.budget.n -= s.mem.n
	s.mem.clear()
	s.runs = append(s.runs, run)
	return s.fail(s.merge())
}

// merge merges the newest runs while runMergeWidth of them share a level.
func (s *Set) merge() error {
	for len(s.runs) >= runMergeWidth {
		tail := s.runs[len(s.runs)-runMergeWidth:]
		if tail[0].level != tail[len(tail)-1].level {
			return nil
		}
		run, err := mergeRuns(s.nextPath(), tail, tail[0].level+1)
		if err != nil {
			return fmt.Errorf("insert_id merge: %w", err)
		}
		for _, r := range tail {
			err = errors.Join(err, r.close())
		}
		s.runs = append(s.runs[:len(s.runs)-runMergeWidth], run)
		if err != nil {
			return fmt.Errorf("insert_id merge: %w", err)
		}
	}
	return nil
}

func (s *Set) nextPath() string {
	s.seq++
	return filepath.Join(s.dir, fmt.Sprintf("%s-%d.ids", s.name, s.seq))
}

// Close removes the set's run files and frees its memory; the set must not
// be used after. It may be called more than once, and on nil.
func (s *Set) Close() error {
	if s == nil || s.budget == nil {
		return nil
	}
	var err error
	for _, r := range s.runs {
		err = errors.Join(err, r.close())
	}
	s.runs = nil
	b := s.budget
	b.n -= s.mem.n
	b.room -= s.mem.room
	b.sets = slices.DeleteFunc(b.sets, func(o *Set) bool { return o == s })
	s.mem.release()
	s.budget = nil
	if err != nil {
		return fmt.Errorf("insert_id spill: %w", err)
	}
	return nil
}

// Budget bounds the memory of the idSpillSets of a run (one a day),
// together: limit keys, and roomPerKey·limit bytes of room for them.
// Without the second bound, the days of a backfill sorted by time would
// each keep the room they grew to while they were filled.
type Budget struct {
	limit int // keys in memory at most
	n     int // keys in memory
	room  int // bytes of the sets' idSets
	sets  []*Set
}

// DefaultKeys is the budget of a run: about 6 MB of keys in memory,
// 10 MB at most.
const DefaultKeys = 256 << 10

// NewBudget returns a budget of keys keys in memory (at least 1): a run
// of N distinct keys then keeps about 1.6 bytes a key beyond it.
func NewBudget(keys int) *Budget { return &Budget{limit: max(1, keys)} }

// roomPerKey bounds the bytes of room a key of the budget: an idSet
// takes 19 to 24 bytes a key.
const roomPerKey = 40

// spill spills the day with the most keys in memory, which keeps its room
// for the keys to come. When the room of all is above 3/4 of its bound, it
// also spills the other days, fewest keys first, and frees their room
// until it is below, and last the room of the day with the most keys (so
// that the next spill is not one growth away).
func (b *Budget) spill() error {
	big := slices.MaxFunc(b.sets, func(x, y *Set) int { return x.mem.n - y.mem.n })
	if err := big.spill(); err != nil {
		return err
	}
	for b.room > roomPerKey*b.limit*3/4 {
		small := big
		for _, s := range b.sets {
			if s != big && s.mem.room > 0 && (small == big || s.mem.n < small.mem.n) {
				small = s
			}
		}
		if small.mem.room == 0 {
			return nil
		}
		if err := small.spill(); err != nil {
			return err
		}
		b.room -= small.mem.room
		small.mem.release()
	}
	return nil
}
