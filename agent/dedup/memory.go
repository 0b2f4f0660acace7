package dedup

import "math/bits"

// idSet is an in-memory set of 16-byte insert_ids, kept compact because it
// can hold hundreds of thousands. The keys live in 256 shards of
// open-addressed buckets of 4 slots (one cache line) and a shard grows by a
// quarter when it is 85% full, so the set takes about 21 bytes a key (a Go
// map: 30) and never copies more than a 256th of itself at once; an empty
// shard takes nothing. It holds no pointers: the garbage collector does not
// scan it.
//
// A key's shard is the top byte of its hash and its bucket the rest of the
// hash scaled to the shard, so walking the shards and buckets in order
// visits the keys nearly in hash order (Set sorts what it spills by
// hash). The all-zero key, which marks an empty slot, is kept aside.
type idSet struct {
	shards  [256]idShard
	n       int  // keys in the shards
	room    int  // bytes of the shards
	hasZero bool // the all-zero key
}

type idShard struct {
	buckets [][4][2]uint64
	n       int
}

const (
	idBucketSlots = 4
	idBucketBytes = idBucketSlots * 16
)

// add inserts key and reports whether it was new.
func (s *idSet) add(key [16]byte) bool {
	lo, hi := keyWords(key)
	if lo == 0 && hi == 0 {
		was := s.hasZero
		s.hasZero = true
		return !was
	}
	h := mix(lo, hi)
	slot, found := s.find(h, lo, hi)
	if found {
		return false
	}
	s.put(slot, h, lo, hi)
	return true
}

// keyWords reads a key as two little-endian words.
func keyWords(key [16]byte) (lo, hi uint64) {
	lo = uint64(key[0]) | uint64(key[1])<<8 | uint64(key[2])<<16 | uint64(key[3])<<24 |
		uint64(key[4])<<32 | uint64(key[5])<<40 | uint64(key[6])<<48 | uint64(key[7])<<56
	hi = uint64(key[8]) | uint64(key[9])<<8 | uint64(key[10])<<16 | uint64(key[11])<<24 |
		uint64(key[12])<<32 | uint64(key[13])<<40 | uint64(key[14])<<48 | uint64(key[15])<<56
	return lo, hi
}

// mix hashes a key; UUIDs are not all random (v1 and v7 are time based).
func mix(lo, hi uint64) uint64 {
	h, l := bits.Mul64(lo^0x9e3779b97f4a7c15, hi^0xc2b2ae3d27d4eb4f)
	return h ^ l
}

// find looks up a non-zero key of hash h. When it is absent it returns
// the slot where put may store it; the slot stays valid until the next
// find or clear (a find may grow the shard).
func (s *idSet) find(h, lo, hi uint64) (slot *[2]uint64, found bool) {
	sh := &s.shards[h>>56]
	if 20*(sh.n+1) > 17*idBucketSlots*len(sh.buckets) { // above 85% full
		s.room -= len(sh.buckets) * idBucketBytes
		sh.grow()
		s.room += len(sh.buckets) * idBucketBytes
	}
	n := uint64(len(sh.buckets))
	b, _ := bits.Mul64(h<<8, n) // h's low 56 bits, scaled to [0, n)
	for {
		bucket := &sh.buckets[b]
		for i := range bucket {
			switch slot := &bucket[i]; {
			case slot[0] == lo && slot[1] == hi:
				return slot, true
			case slot[0] == 0 && slot[1] == 0:
				return slot, false
			}
		}
		if b++; b == n {
			b = 0
		}
	}
}

// put stores the key of hash h in the empty slot find returned for it.
func (s *idSet) put(slot *[2]uint64, h, lo, hi uint64) {
	slot[0], slot[1] = lo, hi
	s.shards[h>>56].n++
	s.n++
}

// grow makes the shard a quarter bigger (at least a bucket) and puts its
// keys back.
func (sh *idShard) grow() {
	old := sh.buckets
	sh.buckets = make([][4][2]uint64, len(old)+max(1, len(old)/4))
	n := uint64(len(sh.buckets))
	for i := range old {
		for _, slot := range old[i] {
			if slot[0] == 0 && slot[1] == 0 {
				continue
			}
			b, _ := bits.Mul64(mix(slot[0], slot[1])<<8, n)
			for !sh.place(b, slot) {
				if b++; b == n {
					b = 0
				}
			}
		}
	}
}

// place puts a key in bucket b if it has room.
func (sh *idShard) place(b uint64, key [2]uint64) bool {
	for i, slot := range sh.buckets[b] {
		if slot[0] == 0 && slot[1] == 0 {
			sh.buckets[b][i] = key
			return true
		}
	}
	return false
}

// clear empties the set but keeps its shards' room (not the zero key).
func (s *idSet) clear() {
	for i := range s.shards {
		clear(s.shards[i].buckets)
		s.shards[i].n = 0
	}
	s.n = 0
}

// release empties the set and gives its memory back (not the zero key).
func (s *idSet) release() {
	for i := range s.shards {
		s.shards[i] = idShard{}
	}
	s.n, s.room = 0, 0
}

// touch starts loading the bucket of hash h from memory and returns a
// word of it (see Set.Add).
func (s *idSet) touch(h uint64) uint64 {
	sh := &s.shards[h>>56]
	if len(sh.buckets) == 0 {
		return 0
	}
	b, _ := bits.Mul64(h<<8, uint64(len(sh.buckets)))
	return sh.buckets[b][0][0]
}

// appendShard appends the keys of shard i to keys, with their hashes, in
// hash order (hashedKey.compare).
func (s *idSet) appendShard(keys []hashedKey, i int) []hashedKey {
	start, buckets := len(keys), s.shards[i].buckets
	n := uint64(len(buckets))
	// The buckets are in hash order; a key is in its own bucket or, if it
	// was full, in one of the next ones, a few at most. The keys that
	// wrapped around, into the first buckets, go last.
	wrapped := func(k hashedKey, b int) bool {
		home, _ := bits.Mul64(k.h<<8, n)
		return home > uint64(b)
	}
	for b, bucket := range buckets {
		for _, slot := range bucket {
			if slot[0] != 0 || slot[1] != 0 {
				if k := (hashedKey{mix(slot[0], slot[1]), slot[0], slot[1]}); !wrapped(k, b) {
					keys = append(keys, k)
				}
			}
		}
	}
	for b, bucket := range buckets { // no key wraps past a bucket with room
		for _, slot := range bucket {
			if slot[0] == 0 && slot[1] == 0 {
				insertionSort(keys[start:])
				return keys
			}
			if k := (hashedKey{mix(slot[0], slot[1]), slot[0], slot[1]}); wrapped(k, b) {
				keys = append(keys, k)
			}
		}
	}
	insertionSort(keys[start:])
	return keys
}

// insertionSort sorts keys that are nearly sorted, in time proportional to
// their number and how far they are from their place.
func insertionSort(keys []hashedKey) {
	for i := 1; i < len(keys); i++ {
		k := keys[i]
		j := i
		for ; j > 0 && keys[j-1].compare(k) > 0; j-- {
			keys[j] = keys[j-1]
		}
		keys[j] = k
	}
}
