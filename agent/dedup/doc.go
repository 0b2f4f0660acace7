// Package dedup is an exact set of 16-byte keys (packed insert_ids) with
// bounded memory, for deduplicating a partition of any size: export, pull
// and `validate --partition` keep the first row of each insert_id with it.
//
// A Set keeps its newest keys in a compact in-memory hash set. When the
// sets of a Budget hold as many keys in memory as it allows, the largest
// one writes its keys, sorted, to a run file on disk and keeps only a
// Bloom filter and a sparse index of it (about 1.6 bytes a key); runs are
// merged four at a time. Add is exact: a key is new unless it was added
// to that set before.
//
//	b := dedup.NewBudget(dedup.DefaultKeys)
//	s := dedup.NewSet(tmpDir, "dt=2024-05-01", b)
//	defer s.Close()
//	isNew, err := s.Add(key)
package dedup
