package parquetfile

import (
	"bytes"
	"hash/maphash"
)

// dictionary numbers the distinct values of a column chunk in order of first
// appearance, which makes the dictionary page depend only on the rows. It is
// an open-addressing hash table over the entries' bytes, kept in one buffer,
// so that adding a value allocates nothing once the buffers have grown.
type dictionary struct {
	seed   maphash.Seed // any seed: the hash never reaches the file
	text   []byte       // the entries, back to back
	offs   []uint32     // entry i is text[offs[i]:offs[i+1]]; offs[0] is 0
	hashes []uint64     // hash of each entry
	table  []int32      // entry index + 1 by hash, linear probing; 0 is free
	size   int          // bytes of the entries PLAIN encoded: the dictionary page
}

const initialDictionaryTable = 256 // slots; a power of two

func newDictionary() *dictionary {
	return &dictionary{seed: maphash.MakeSeed(), offs: []uint32{0}, table: make([]int32, initialDictionaryTable)}
}

func (d *dictionary) len() int { return len(d.offs) - 1 }

// entry returns the i-th entry.
func (d *dictionary) entry(i uint32) []byte { return d.text[d.offs[i]:d.offs[i+1]] }

// index returns the index of v, adding it as the last entry if it is new.
// It keeps a copy of v.
func (d *dictionary) index(v []byte) uint32 {
	if 2*d.len() >= len(d.table) {
		d.grow()
	}
	h := maphash.Bytes(d.seed, v)
	mask := len(d.table) - 1
	for s := int(h) & mask; ; s = (s + 1) & mask {
		e := d.table[s]
		if e == 0 {
			d.table[s] = int32(d.len() + 1)
			d.text = append(d.text, v...)
			d.offs = append(d.offs, uint32(len(d.text)))
			d.hashes = append(d.hashes, h)
			d.size += 4 + len(v)
			return uint32(d.len() - 1)
		}
		if d.hashes[e-1] == h && bytes.Equal(d.entry(uint32(e-1)), v) {
			return uint32(e - 1)
		}
	}
}

// grow doubles the table and re-inserts the entries.
func (d *dictionary) grow() {
	d.table = make([]int32, 2*len(d.table))
	mask := len(d.table) - 1
	for i, h := range d.hashes {
		s := int(h) & mask
		for d.table[s] != 0 {
			s = (s + 1) & mask
		}
		d.table[s] = int32(i + 1)
	}
}

// reset empties the dictionary for the next column chunk, keeping its
// buffers.
func (d *dictionary) reset() {
	d.text, d.offs, d.hashes = d.text[:0], d.offs[:1], d.hashes[:0]
	clear(d.table)
	d.size = 0
}

// appendPlain appends the entries PLAIN encoded: the dictionary page.
func (d *dictionary) appendPlain(dst []byte) []byte {
	for i := range uint32(d.len()) {
		dst = appendPlainByteArray(dst, d.entry(i))
	}
	return dst
}
