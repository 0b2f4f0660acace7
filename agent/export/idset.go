package export

import "math/bits"

// idSet is the set of insert_ids seen in a partition: 16-byte keys, kept
// compact because a day can hold tens of millions. The keys live in 256
// shards of open-addressed buckets of 4 slots (one cache line) and a shard
// grows by a quarter when it is 85% full, so the set takes about 21 bytes
// a key (a Go map: 30) and never copies more than a 256th of itself at
// once. It holds no pointers: the garbage collector does not scan it.
type idSet struct {
	shards  [256]idShard
	hasZero bool // the all-zero key, which marks an empty slot
}

type idShard struct {
	buckets [][4][2]uint64
	n       int
}

const idBucketSlots = 4

// add inserts key and reports whether it was new.
func (s *idSet) add(key [16]byte) bool {
	lo := uint64(key[0]) | uint64(key[1])<<8 | uint64(key[2])<<16 | uint64(key[3])<<24 |
		uint64(key[4])<<32 | uint64(key[5])<<40 | uint64(key[6])<<48 | uint64(key[7])<<56
	hi := uint64(key[8]) | uint64(key[9])<<8 | uint64(key[10])<<16 | uint64(key[11])<<24 |
		uint64(key[12])<<32 | uint64(key[13])<<40 | uint64(key[14])<<48 | uint64(key[15])<<56
	if lo == 0 && hi == 0 {
		was := s.hasZero
		s.hasZero = true
		return !was
	}
	h := mix(lo, hi)
	sh := &s.shards[h>>56]
	if 20*(sh.n+1) > 17*idBucketSlots*len(sh.buckets) { // above 85% full
		sh.grow()
	}
	if !sh.insert(h, lo, hi) {
		return false
	}
	sh.n++
	return true
}

// mix hashes a key; UUIDs are not all random (v1 and v7 are time based).
func mix(lo, hi uint64) uint64 {
	h, l := bits.Mul64(lo^0x9e3779b97f4a7c15, hi^0xc2b2ae3d27d4eb4f)
	return h ^ l
}

// insert puts the key in its bucket or the first one after it with room;
// false means it was there.
func (sh *idShard) insert(h, lo, hi uint64) bool {
	n := uint64(len(sh.buckets))
	b, _ := bits.Mul64(h<<8, n) // h's low 56 bits, scaled to [0, n)
	for {
		bucket := &sh.buckets[b]
		for i := range bucket {
			switch slot := &bucket[i]; {
			case slot[0] == lo && slot[1] == hi:
				return false
			case slot[0] == 0 && slot[1] == 0:
				slot[0], slot[1] = lo, hi
				return true
			}
		}
		if b++; b == n {
			b = 0
		}
	}
}

// grow makes the shard a quarter bigger (at least 16 buckets) and puts
// its keys back.
func (sh *idShard) grow() {
	old := sh.buckets
	sh.buckets = make([][4][2]uint64, max(16, len(old)+len(old)/4))
	for i := range old {
		for _, slot := range old[i] {
			if slot[0] != 0 || slot[1] != 0 {
				sh.insert(mix(slot[0], slot[1]), slot[0], slot[1])
			}
		}
	}
}
