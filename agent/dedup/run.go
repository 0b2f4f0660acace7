package dedup

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"os"
	"sort"
)

// A run is a file of distinct keys, 16 bytes each (the key's bytes), sorted
// by hashedKey.compare, with two things in memory to look a key up: a
// blocked Bloom filter (one 64-byte block a key, runFilterBits bits a key)
// that answers "not here" for all but about 0.5% of absent keys, and the
// hash of the first key of every block of runBlockKeys keys, which names
// the one block (4 KiB) to read when the filter says "maybe". Together
// about 1.6 bytes a key. The file is read with ReadAt: the operating
// system's page cache holds it, not the process's memory.
type idRun struct {
	f      *os.File
	n      int         // keys
	level  int         // 0: spilled from memory; l+1: merged from runs of level l
	filter [][8]uint64 // Bloom filter; a key's block is its hash scaled to len(filter)
	first  []uint64    // hash of the first key of each block of the file
}

const (
	runKeyBytes   = 16
	runBlockKeys  = 256 // keys a lookup reads: 4 KiB
	runFilterBits = 12  // Bloom filter bits a key: about 0.5% false "maybe"
	runBufBytes   = 64 << 10
)

// hashedKey is a key (two little-endian words) with its hash (mix).
type hashedKey struct{ h, lo, hi uint64 }

// compare orders keys by hash, then by their words: the order of a run.
func (a hashedKey) compare(b hashedKey) int {
	if c := cmp.Compare(a.h, b.h); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	return cmp.Compare(a.hi, b.hi)
}

// bloomMask is the bit a key sets in each word of its filter block.
type bloomMask [8]uint64

// bloomSalts are the odd multipliers of Parquet's split-block Bloom filter.
var bloomSalts = [8]uint32{0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31}

// maskOf derives a key's bits from the low half of its hash (the block
// comes from the high half).
func maskOf(h uint64) (m bloomMask) {
	x := uint32(h)
	for i, salt := range bloomSalts {
		m[i] = 1 << ((x * salt) >> 26)
	}
	return m
}

// filterBlock returns the filter block of hash h.
func filterBlock(filter [][8]uint64, h uint64) *[8]uint64 {
	b, _ := bits.Mul64(h, uint64(len(filter)))
	return &filter[b]
}

// mayHave reports whether the key of hash h and mask m may be in the run;
// false is certain.
func (r *idRun) mayHave(h uint64, m *bloomMask) bool {
	b := filterBlock(r.filter, h)
	return ^b[0]&m[0]|^b[1]&m[1]|^b[2]&m[2]|^b[3]&m[3]|^b[4]&m[4]|^b[5]&m[5]|^b[6]&m[6]|^b[7]&m[7] == 0
}

// has reports whether the run holds k, reading one block (rarely more)
// into buf, which has room for runBlockKeys keys.
func (r *idRun) has(k hashedKey, buf []byte) (bool, error) {
	// The last block that starts at or below k.h. An earlier block can
	// hold keys of hash k.h only when this one starts with that hash.
	i := sort.Search(len(r.first), func(i int) bool { return r.first[i] > k.h }) - 1
	for ; i >= 0; i-- {
		found, err := r.inBlock(i, k, buf)
		if found || err != nil || r.first[i] != k.h {
			return found, err
		}
	}
	return false, nil
}

// inBlock binary-searches block i of the file for k.
func (r *idRun) inBlock(i int, k hashedKey, buf []byte) (bool, error) {
	n := min(runBlockKeys, r.n-i*runBlockKeys)
	buf = buf[:n*runKeyBytes]
	if _, err := r.f.ReadAt(buf, int64(i)*runBlockKeys*runKeyBytes); err != nil {
		return false, fmt.Errorf("read %s: %w", r.f.Name(), err)
	}
	j := sort.Search(n, func(j int) bool { return keyAt(buf, j).compare(k) >= 0 })
	return j < n && keyAt(buf, j) == k, nil
}

// keyAt decodes the j-th key of buf.
func keyAt(buf []byte, j int) hashedKey {
	lo := binary.LittleEndian.Uint64(buf[j*runKeyBytes:])
	hi := binary.LittleEndian.Uint64(buf[j*runKeyBytes+8:])
	return hashedKey{mix(lo, hi), lo, hi}
}

// close closes and removes the run's file.
func (r *idRun) close() error {
	err := r.f.Close()
	if rerr := os.Remove(r.f.Name()); err == nil {
		err = rerr
	}
	return err
}

// runWriter writes a run of a known number of keys, given in order, and
// builds its filter and block index as it goes.
type runWriter struct {
	run *idRun
	buf []byte
	i   int
}

// createRun starts the run file path for n keys.
func createRun(path string, n, level int) (*runWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	r := &idRun{
		f: f, n: n, level: level,
		filter: make([][8]uint64, max(1, (n*runFilterBits+511)/512)),
		first:  make([]uint64, 0, (n+runBlockKeys-1)/runBlockKeys),
	}
	return &runWriter{run: r, buf: make([]byte, 0, runBufBytes)}, nil
}

// add writes the next key.
func (w *runWriter) add(k hashedKey) error {
	if w.i%runBlockKeys == 0 {
		w.run.first = append(w.run.first, k.h)
	}
	w.i++
	b, m := filterBlock(w.run.filter, k.h), maskOf(k.h)
	for i := range b {
		b[i] |= m[i]
	}
	if len(w.buf) == cap(w.buf) {
		if err := w.flush(); err != nil {
			return err
		}
	}
	w.buf = binary.LittleEndian.AppendUint64(w.buf, k.lo)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, k.hi)
	return nil
}

func (w *runWriter) flush() error {
	_, err := w.run.f.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// finish flushes the file and returns the run; on an error it removes it.
func (w *runWriter) finish(err error) (*idRun, error) {
	if err == nil && w.i != w.run.n {
		err = fmt.Errorf("internal error: %d keys written, %d announced", w.i, w.run.n)
	}
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		w.run.close()
		return nil, fmt.Errorf("write %s: %w", w.run.f.Name(), err)
	}
	return w.run, nil
}

// mergeRuns writes the keys of runs, which are distinct, into one new run
// of the given level at path.
func mergeRuns(path string, runs []*idRun, level int) (*idRun, error) {
	n := 0
	heads := make([]*runReader, len(runs))
	for i, r := range runs {
		n += r.n
		heads[i] = &runReader{run: r, buf: make([]byte, 0, runBufBytes)}
		if err := heads[i].next(); err != nil {
			return nil, err
		}
	}
	w, err := createRun(path, n, level)
	if err != nil {
		return nil, err
	}
	for len(heads) > 0 && err == nil {
		m := 0
		for i := 1; i < len(heads); i++ {
			if heads[i].key.compare(heads[m].key) < 0 {
				m = i
			}
		}
		if err = w.add(heads[m].key); err != nil {
			break
		}
		if err = heads[m].next(); err == io.EOF {
			heads, err = append(heads[:m], heads[m+1:]...), nil
		}
	}
	return w.finish(err)
}

// runReader reads a run's keys in order.
type runReader struct {
	run  *idRun
	buf  []byte
	off  int64 // file offset of the end of buf
	pos  int
	key  hashedKey
	done int // keys read
}

// next reads the next key into key; io.EOF after the last.
func (rr *runReader) next() error {
	if rr.done == rr.run.n {
		return io.EOF
	}
	if rr.pos == len(rr.buf) {
		left := int64(rr.run.n)*runKeyBytes - rr.off
		rr.buf = rr.buf[:min(int64(cap(rr.buf)), left)]
		if _, err := rr.run.f.ReadAt(rr.buf, rr.off); err != nil {
			return fmt.Errorf("read %s: %w", rr.run.f.Name(), err)
		}
		rr.off += int64(len(rr.buf))
		rr.pos = 0
	}
	rr.key = keyAt(rr.buf, rr.pos/runKeyBytes)
	rr.pos += runKeyBytes
	rr.done++
	return nil
}
