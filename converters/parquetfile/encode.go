package parquetfile

import (
	"encoding/binary"
	"math/bits"
)

// Repetition and definition levels and dictionary indexes are written in the
// RLE/bit-packed hybrid encoding of the Parquet spec (Encodings.md, RLE): a
// sequence of runs, each headed by a ULEB128 varint h. When h is even, the
// run repeats one value h>>1 times, the value stored in ceil(width/8) bytes,
// little-endian. When h is odd, the run holds h>>1 groups of 8 values, each
// value packed in width bits, least significant bit first.
//
// The encoder below decides group by group, which keeps it simple and fast:
// a group of 8 equal values joins a repeated run (unless bit packing the
// run is smaller), any other group is bit packed. A last group of fewer than 8 values is repeated when its values
// are equal and bit packed, padded with zeros, otherwise: readers stop at the
// page's number of values.

// maxBitPackedGroups is the largest number of groups in one bit-packed run,
// so that its header is one byte, written before the groups are known.
const maxBitPackedGroups = 63

// hybridEncoder appends runs to dst.
type hybridEncoder struct {
	dst       []byte
	width     uint   // bits per value, 0 to 32
	bpHeader  int    // index in dst of the open bit-packed run's header; -1 if none
	bpGroups  int    // groups in the open bit-packed run
	run       uint32 // value of the pending groups of equal values
	runGroups int    // number of them; 0 if none
}

func newHybridEncoder(dst []byte, width uint) hybridEncoder {
	return hybridEncoder{dst: dst, width: width, bpHeader: -1}
}

// appendHybrid appends values in the hybrid encoding with the given bit
// width, without a length prefix. Every value must fit in width bits.
func appendHybrid[T uint8 | uint32](dst []byte, values []T, width uint) []byte {
	e := newHybridEncoder(dst, width)
	full := len(values) &^ 7
	for i := 0; i < full; i += 8 {
		g := (*[8]T)(values[i : i+8])
		if allEqual(g[:]) {
			e.equalGroup(uint32(g[0]))
		} else {
			e.packedGroup()
			e.dst = appendPacked(e.dst, g, width)
		}
	}
	return appendTail(&e, values[full:])
}

// appendTail adds the last values, fewer than 8, and returns the encoding.
func appendTail[T uint8 | uint32](e *hybridEncoder, tail []T) []byte {
	switch {
	case len(tail) == 0:
		e.flushRun()
	case allEqual(tail) && e.runGroups > 0 && uint32(tail[0]) == e.run:
		e.repeat(e.run, e.runGroups*8+len(tail))
	case allEqual(tail):
		e.flushRun()
		e.repeat(uint32(tail[0]), len(tail))
	default: // bit packed, padded with zeros
		var g [8]T
		copy(g[:], tail)
		e.packedGroup()
		e.dst = appendPacked(e.dst, &g, e.width)
	}
	return e.dst
}

func allEqual[T uint8 | uint32](values []T) bool {
	for _, v := range values[1:] {
		if v != values[0] {
			return false
		}
	}
	return true
}

// equalGroup adds a group of 8 copies of v.
func (e *hybridEncoder) equalGroup(v uint32) {
	if e.runGroups > 0 && v == e.run {
		e.runGroups++
		return
	}
	e.flushRun()
	e.run, e.runGroups = v, 1
}

// flushRun writes the pending groups of equal values, as a repeated run or,
// when that is smaller, as bit-packed groups.
func (e *hybridEncoder) flushRun() {
	groups := e.runGroups
	if groups == 0 {
		return
	}
	e.runGroups = 0
	repeated := uvarintLen(uint64(groups*8)<<1) + int(e.width+7)/8
	packed := groups * int(e.width)
	if e.bpHeader >= 0 {
		repeated++ // the bit-packed groups after it will need a new header
	} else {
		packed++
	}
	if repeated <= packed {
		e.repeat(e.run, groups*8)
		return
	}
	v := e.run
	g := [8]uint32{v, v, v, v, v, v, v, v}
	for range groups {
		e.packedGroup()
		e.dst = appendPacked(e.dst, &g, e.width)
	}
}

// repeat writes a repeated run of count copies of v.
func (e *hybridEncoder) repeat(v uint32, count int) {
	e.runGroups = 0
	e.bpHeader = -1
	e.dst = binary.AppendUvarint(e.dst, uint64(count)<<1)
	for b := uint(0); b < e.width; b += 8 {
		e.dst = append(e.dst, byte(v>>b))
	}
}

// packedGroup makes room for a bit-packed group, which the caller appends
// to e.dst: width bytes.
func (e *hybridEncoder) packedGroup() {
	e.flushRun()
	if e.bpHeader < 0 || e.bpGroups == maxBitPackedGroups {
		e.bpHeader, e.bpGroups = len(e.dst), 0
		e.dst = append(e.dst, 0)
	}
	e.bpGroups++
	e.dst[e.bpHeader] = byte(e.bpGroups<<1 | 1)
}

// appendPacked appends 8 values of w bits, least significant bit first: w
// bytes.
func appendPacked[T uint8 | uint32](dst []byte, g *[8]T, w uint) []byte {
	if w <= 8 { // the 8 values fit in 64 bits
		var acc uint64
		for i, v := range g {
			acc |= uint64(v) << (uint(i) * w)
		}
		for b := uint(0); b < w; b++ {
			dst = append(dst, byte(acc>>(8*b)))
		}
		return dst
	}
	var acc uint64
	n := uint(0) // bits in acc
	for _, v := range g {
		acc |= uint64(v) << n
		for n += w; n >= 8; n -= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
		}
	}
	return dst
}

func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// appendMapLevels appends the repetition levels, or the definition levels
// when def is set, of the values of a map leaf as a data page v1 stores
// them: a 4-byte little-endian length, then the hybrid encoding with bit
// width 1. entries has the number of entries of each row. An empty map is
// one null at definition level 0; an entry is defined at level 1 (the
// repeated key_value group) and repeats at level 1 after the row's first.
//
// The levels go straight from entries to bits, 8 levels (a byte, a group)
// at a time.
func appendMapLevels(dst []byte, entries []uint32, def bool) []byte {
	start := len(dst)
	l := levelWriter{e: newHybridEncoder(append(dst, 0, 0, 0, 0), 1)}
	for _, n := range entries {
		if n == 0 {
			l.add(0, 1)
		} else {
			l.addRow(uint(n), def)
		}
	}
	var tail [8]uint8
	for i := range l.n {
		tail[i] = uint8(l.acc >> i & 1)
	}
	dst = appendTail(&l.e, tail[:l.n])
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

// levelWriter gathers levels of 0 and 1 as bits and hands them to a
// hybridEncoder 8 at a time.
type levelWriter struct {
	e   hybridEncoder
	acc uint64 // pending levels, the first in the lowest bit
	n   uint   // number of them, less than 8 between calls
}

// add adds the n lowest bits of bits, n at most 56.
func (l *levelWriter) add(bits uint64, n uint) {
	l.acc |= bits << l.n
	if l.n += n; l.n >= 8 {
		l.flush()
	}
}

// flush hands the complete groups to the encoder.
func (l *levelWriter) flush() {
	for ; l.n >= 8; l.n -= 8 {
		switch b := byte(l.acc); b {
		case 0, 0xff:
			l.e.equalGroup(uint32(b & 1))
		default:
			l.e.packedGroup()
			l.e.dst = append(l.e.dst, b)
		}
		l.acc >>= 8
	}
}

// addRow adds the levels of a row of n entries: n ones when def is set,
// else a zero then n-1 ones.
func (l *levelWriter) addRow(n uint, def bool) {
	if n > 56 {
		l.addLongRow(n, def)
		return
	}
	bits := uint64(1)<<n - 1
	if !def {
		bits &^= 1
	}
	l.add(bits, n)
}

func (l *levelWriter) addLongRow(n uint, def bool) {
	if !def {
		l.add(0, 1)
		n--
	}
	for ; n > 56; n -= 56 {
		l.add(1<<56-1, 56)
	}
	l.add(1<<n-1, n)
}

// bitWidth is the number of bits of the indexes of a dictionary of n
// entries.
func bitWidth(n int) uint {
	if n <= 1 {
		return 0
	}
	return uint(bits.Len32(uint32(n - 1)))
}

// appendPlainByteArray appends v in the PLAIN encoding of BYTE_ARRAY: a
// 4-byte little-endian length, then the bytes.
func appendPlainByteArray(dst, v []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
	return append(dst, v...)
}
