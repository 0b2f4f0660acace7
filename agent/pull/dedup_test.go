package pull

import (
	"math/rand/v2"
	"testing"
)

// TestDedupSpills pulls with so small a budget of insert_ids in memory
// that they spill to disk every few rows, and requires every duplicate to
// be dropped, in the partition and against the day before.
func TestDedupSpills(t *testing.T) {
	defer func(keys int) { dedupKeys = keys }(dedupKeys)
	dedupKeys = 5
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", rangeIDs(0, 100)...), 0)
	rnd := rand.New(rand.NewPCG(1, 2))
	var ids []int
	kept := map[int]bool{}
	var dups, earlier int64
	for range 3000 {
		n := rnd.IntN(1500)
		ids = append(ids, n)
		switch {
		case n < 100:
			earlier++
		case kept[n]:
			dups++
		}
		kept[n] = kept[n] || n >= 100
	}
	e.export("2023-01-02", events(t, "2023-01-02", ids...), 700)
	res := e.pull(e.options())
	rep, s := res.Partitions[1].Report, res.Partitions[1].Summary
	if s == nil || s.Written != int64(len(kept)-countFalse(kept)) || s.DuplicatesEarlier != earlier || s.Duplicates != dups {
		t.Fatalf("summary %+v; want written %d, duplicates %d in the partition and %d of the day before",
			s, len(kept)-countFalse(kept), dups, earlier)
	}
	if rep.Counts.Duplicates != dups+earlier || rep.Counts.Read != 3000 {
		t.Errorf("report counts %+v", rep.Counts)
	}
	var want []int
	for n, k := range kept {
		if k {
			want = append(want, n)
		}
	}
	e.checkSink("2023-01-02", want...)
}

func countFalse(m map[int]bool) (n int) {
	for _, v := range m {
		if !v {
			n++
		}
	}
	return n
}
