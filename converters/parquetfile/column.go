package parquetfile

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/converters/schema"
)

// Page boundaries. A page ends after the row that brings it to pageMaxRows
// rows or pageMaxBytes bytes of PLAIN-encoded values (counted so whether the
// page is dictionary encoded or not), so pages depend only on the rows.
// Pages always end at a row boundary.
const (
	pageMaxRows  = 20_000  // as parquet-mr's page.row.count.limit
	pageMaxBytes = 1 << 20 // as parquet-go's page buffer
)

// leaf describes one leaf column of the import schema.
type leaf struct {
	path     []string
	typ      format.Type
	mapIndex int  // index of the map the leaf belongs to; -1 for a top-level column
	dict     bool // dictionary encoded (until the dictionary outgrows dictionaryMaxBytes)
	// compare orders the PLAIN-encoded values for the min/max statistics;
	// nil for the map leaves, which have none.
	compare func(a, b []byte) int
}

const numMaps = 4

// leaves are the leaf columns in file order, derived from schema.Columns:
// one per column, two per map (key, then value). A map's key leaf is
// dictionary encoded, and its value leaf when the column is. The encoder
// fills them by the col* indexes, which TestLeavesFollowSchema checks.
var leaves = func() (out [numLeafColumns]leaf) {
	var all []leaf
	for _, c := range schema.Columns {
		if !c.Map {
			all = append(all, valueLeaf([]string{c.Name}, c.Type, -1, c.Dictionary))
			continue
		}
		m := slices.Index(schema.MapNames(), c.Name)
		all = append(all,
			valueLeaf([]string{c.Name, "key_value", "key"}, schema.String, m, true),
			valueLeaf([]string{c.Name, "key_value", "value"}, c.Type, m, c.Dictionary))
	}
	copy(out[:], all) // a mismatch fails TestLeavesFollowSchema
	return out
}()

// valueLeaf is a leaf of values of type t; mapIndex is -1 outside a map.
// Map leaves have no statistics.
func valueLeaf(path []string, t schema.Type, mapIndex int, dict bool) leaf {
	l := leaf{path: path, mapIndex: mapIndex, dict: dict}
	switch t {
	case schema.Timestamp:
		l.typ, l.compare = format.Int64, compareInt64
	case schema.String, schema.UUID:
		l.typ, l.compare = format.ByteArray, bytes.Compare
	case schema.Decimal:
		l.typ, l.compare = format.FixedLenByteArray, compareSigned
	}
	if mapIndex >= 0 {
		l.compare = nil
	}
	return l
}

// compareInt64 compares PLAIN-encoded INT64 values.
func compareInt64(a, b []byte) int {
	return cmp.Compare(int64(binary.LittleEndian.Uint64(a)), int64(binary.LittleEndian.Uint64(b)))
}

// maxHints bounds the places in a row for which a dictionary remembers the
// index of the previous row's value.
const maxHints = 64

// noHint is a hint that matches no dictionary entry.
const noHint = ^uint32(0)

// columnEncoder encodes one leaf column, batch after batch, into the pages of
// its current column chunk. One goroutine at a time uses it: an encoder
// while a batch is encoded, the Writer while the finished chunk is written.
type columnEncoder struct {
	col   int
	leaf  *leaf
	codec compress.Codec // nil: uncompressed
	dict  *dictionary    // nil for a column without one
	plain bool           // values are PLAIN encoded: no dictionary, or it outgrew dictionaryMaxBytes in this chunk
	// dictFull is set when the dictionary outgrows dictionaryMaxBytes: the
	// page ends with the row, and the chunk goes on in PLAIN.
	dictFull bool
	// hints[j] is the dictionary index of the j-th value of the previous
	// row: the index of the j-th value of this one, more often than not
	// (the same event name, a map's keys in the same order).
	hints []uint32
	page  page
	chunk chunk
	err   error // first error; the column encodes nothing after it

	raw        []byte       // the uncompressed page being written
	compressed []byte       // the compressed page being written
	header     bytes.Buffer // the page header being written
}

// page is the current data page of a column, not yet encoded.
type page struct {
	rows, values, nulls int
	entries             []uint32 // for a map leaf, each row's entries, from which the levels derive
	indexes             []uint32 // dictionary indexes of the non-null values, when dictionary encoded
	plain               []byte   // the non-null values PLAIN encoded, when not
	size                int      // bytes of the non-null values PLAIN encoded
}

// chunk is the encoded pages of a column chunk, kept until the row group is
// written.
type chunk struct {
	dictionaryPage []byte // header then body; nil without a dictionary
	pages          []byte // data pages, header then body each, in order
	numValues      int64  // values, nulls included
	nulls          int64
	uncompressed   int64 // bytes of all pages, headers included
	compressed     int64
	dictPages      int32  // data pages RLE_DICTIONARY encoded
	plainPages     int32  // data pages PLAIN encoded
	bounds         bounds // min and max, for the columns that have them
	finished       bool   // complete; the next batch starts a new chunk
}

// bounds are the smallest and largest of some PLAIN-encoded values (without
// length prefix), copied.
type bounds struct {
	min, max []byte
	ok       bool
}

func (b *bounds) observe(v []byte, compare func(a, b []byte) int) {
	switch {
	case !b.ok:
		b.min, b.max, b.ok = append(b.min[:0], v...), append(b.max[:0], v...), true
	case compare(v, b.min) < 0:
		b.min = append(b.min[:0], v...)
	case compare(v, b.max) > 0:
		b.max = append(b.max[:0], v...)
	}
}

func newColumnEncoder(col int, codec compress.Codec) *columnEncoder {
	c := &columnEncoder{col: col, leaf: &leaves[col], codec: codec, plain: !leaves[col].dict}
	if c.leaf.dict {
		c.dict = newDictionary()
	}
	return c
}

// encode appends a batch's values of the column to its pages.
func (c *columnEncoder) encode(b *columnBatch) {
	if c.chunk.finished {
		c.startChunk()
	}
	switch {
	case c.leaf.mapIndex >= 0:
		c.encodeMap(b.entries[c.leaf.mapIndex], &b.strings[c.col])
	case c.col == colTS:
		c.encodeTS(b.ts)
	case c.col == colMetricValue:
		c.encodeDecimals(b.metric)
	default:
		c.encodeStrings(&b.strings[c.col])
	}
}

func (c *columnEncoder) encodeTS(values []int64) {
	if len(values) == 0 {
		return
	}
	lo, hi := values[0], values[0]
	p := &c.page
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
		p.plain = binary.LittleEndian.AppendUint64(p.plain, uint64(v))
		p.values++
		p.size += 8
		if p.rows++; c.pageFull() {
			c.endPage()
		}
	}
	var b [8]byte
	c.chunk.bounds.observe(binary.LittleEndian.AppendUint64(b[:0], uint64(lo)), compareInt64)
	c.chunk.bounds.observe(binary.LittleEndian.AppendUint64(b[:0], uint64(hi)), compareInt64)
}

func (c *columnEncoder) encodeDecimals(values []byte) {
	if len(values) == 0 {
		return
	}
	var r signedRange
	p := &c.page
	for i := 0; i < len(values); i += DecimalLength {
		v := values[i : i+DecimalLength]
		r.observe(v)
		p.plain = append(p.plain, v...)
		p.values++
		p.size += DecimalLength
		if p.rows++; c.pageFull() {
			c.endPage()
		}
	}
	c.chunk.bounds.observe(r.lo, compareSigned)
	c.chunk.bounds.observe(r.hi, compareSigned)
}

// encodeStrings encodes a top-level STRING column, with min/max.
func (c *columnEncoder) encodeStrings(s *stringColumn) {
	var r stringRange
	p := &c.page
	start := uint32(0)
	for _, end := range s.ends {
		v := s.text[start:end]
		start = end
		r.observe(v)
		if c.plain {
			p.plain = appendPlainByteArray(p.plain, v)
		} else {
			p.indexes = append(p.indexes, c.lookup(v, 0))
		}
		p.values++
		p.size += 4 + len(v)
		if p.rows++; c.pageFull() {
			c.endPage()
		}
	}
	if len(s.ends) > 0 {
		c.chunk.bounds.observe(r.lo, bytes.Compare)
		c.chunk.bounds.observe(r.hi, bytes.Compare)
	}
}

// encodeMap encodes a map leaf: entries has the number of entries of each
// row, s their keys or values.
func (c *columnEncoder) encodeMap(entries []uint32, s *stringColumn) {
	p := &c.page
	start, i := uint32(0), 0
	first := 0 // the first row whose entries are not in p.entries yet
	for r, n := range entries {
		if n == 0 { // a null
			p.values++
			p.nulls++
		} else {
			p.values += int(n)
			p.size += 4*int(n) + int(s.ends[i+int(n)-1]-start)
		}
		if c.plain {
			for range n {
				end := s.ends[i]
				p.plain = appendPlainByteArray(p.plain, s.text[start:end])
				start, i = end, i+1
			}
		} else {
			for j := range n {
				end := s.ends[i]
				p.indexes = append(p.indexes, c.lookup(s.text[start:end], j))
				start, i = end, i+1
			}
		}
		if p.rows++; c.pageFull() {
			p.entries = append(p.entries, entries[first:r+1]...)
			first = r + 1
			c.endPage()
		}
	}
	p.entries = append(p.entries, entries[first:]...)
}

// lookup returns the dictionary index of v, the j-th value of its row.
func (c *columnEncoder) lookup(v []byte, j uint32) uint32 {
	if j < uint32(len(c.hints)) {
		if h := c.hints[j]; h < uint32(c.dict.len()) && bytes.Equal(c.dict.entry(h), v) {
			return h
		}
	}
	return c.lookupSlow(v, j)
}

func (c *columnEncoder) lookupSlow(v []byte, j uint32) uint32 {
	i := c.dict.index(v)
	c.dictFull = c.dict.size > dictionaryMaxBytes
	if j < maxHints {
		for uint32(len(c.hints)) <= j {
			c.hints = append(c.hints, noHint)
		}
		c.hints[j] = i
	}
	return i
}

// pageFull reports whether the page must end after the row just added: it
// is full, or the dictionary is.
func (c *columnEncoder) pageFull() bool {
	return c.page.rows >= pageMaxRows || c.page.size >= pageMaxBytes || c.dictFull
}

// endPage ends the page, and when the dictionary is full goes on in PLAIN
// for the rest of the chunk.
func (c *columnEncoder) endPage() {
	c.flushPage()
	if c.dictFull {
		c.plain, c.dictFull = true, false
	}
}

// signedRange tracks the smallest and largest of some metric values,
// deciding by their first 8 bytes when it can.
type signedRange struct {
	lo, hi       []byte
	loKey, hiKey int64
}

func (r *signedRange) observe(v []byte) {
	k := int64(binary.BigEndian.Uint64(v))
	switch {
	case r.lo == nil:
		r.lo, r.hi, r.loKey, r.hiKey = v, v, k, k
	case k > r.loKey && k < r.hiKey:
	case compareSigned(v, r.lo) < 0:
		r.lo, r.loKey = v, k
	case compareSigned(v, r.hi) > 0:
		r.hi, r.hiKey = v, k
	}
}

// stringRange tracks the smallest and largest of some strings, deciding by
// their first 8 bytes when it can.
type stringRange struct {
	lo, hi       []byte
	loKey, hiKey uint64
	ok           bool
}

func (r *stringRange) observe(v []byte) {
	k := prefixKey(v)
	switch {
	case !r.ok:
		r.lo, r.hi, r.loKey, r.hiKey, r.ok = v, v, k, k, true
	case k > r.loKey && k < r.hiKey:
	case bytes.Compare(v, r.lo) < 0:
		r.lo, r.loKey = v, k
	case bytes.Compare(v, r.hi) > 0:
		r.hi, r.hiKey = v, k
	}
}

// prefixKey is the first 8 bytes of v, big-endian, padded with zeros: when
// the keys of two strings differ, the strings compare as their keys.
func prefixKey(v []byte) uint64 {
	if len(v) >= 8 {
		return binary.BigEndian.Uint64(v)
	}
	var b [8]byte
	copy(b[:], v)
	return binary.BigEndian.Uint64(b[:])
}

// finish ends the column chunk: its last data page and its dictionary page.
func (c *columnEncoder) finish() {
	c.flushPage()
	if c.dict != nil {
		c.writeDictionaryPage()
	}
	c.chunk.finished = true
}

// startChunk empties the finished chunk, once written, for the next row
// group.
func (c *columnEncoder) startChunk() {
	ch := &c.chunk
	*ch = chunk{dictionaryPage: ch.dictionaryPage[:0], pages: ch.pages[:0], bounds: bounds{min: ch.bounds.min, max: ch.bounds.max}}
	if c.dict != nil {
		c.dict.reset()
		c.plain = false
	}
}
