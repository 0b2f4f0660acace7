package parquetfile

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Pages are data page v1, the most widely readable: the repetition levels
// then the definition levels (map leaves only; each a 4-byte length then the
// RLE/bit-packed hybrid), then the values: PLAIN, or RLE_DICTIONARY (a byte
// of bit width, then the indexes in the hybrid encoding). The page body is
// compressed as a whole; the header is not.

var compact = new(thrift.CompactProtocol)

// flushPage encodes and compresses the current page, if it has rows, into
// the chunk.
func (c *columnEncoder) flushPage() {
	p := &c.page
	if p.rows == 0 {
		return
	}
	c.raw = c.raw[:0]
	if c.leaf.mapIndex >= 0 {
		c.raw = c.appendLevels(c.raw, p.entries)
	}
	encoding, raw := format.Plain, p.plain // without levels, the values are the page
	switch {
	case !c.plain:
		encoding = format.RLEDictionary
		w := bitWidth(c.dict.len())
		c.raw = append(c.raw, byte(w))
		c.raw = appendHybrid(c.raw, p.indexes, w)
		raw = c.raw
		c.chunk.dictPages++
	case c.leaf.mapIndex >= 0:
		c.raw = append(c.raw, p.plain...)
		raw = c.raw
		c.chunk.plainPages++
	default:
		c.chunk.plainPages++
	}
	h := format.PageHeader{
		Type: format.DataPage,
		DataPageHeader: thrift.New(format.DataPageHeader{
			NumValues:               int32(p.values),
			Encoding:                encoding,
			DefinitionLevelEncoding: format.RLE,
			RepetitionLevelEncoding: format.RLE,
			Statistics:              c.statistics(int64(p.nulls), nil),
		}),
	}
	c.chunk.pages = c.appendPage(c.chunk.pages, &h, raw)
	c.chunk.numValues += int64(p.values)
	c.chunk.nulls += int64(p.nulls)
	*p = page{entries: p.entries[:0], indexes: p.indexes[:0], plain: p.plain[:0]}
}

// appendLevels appends the repetition and definition levels of a map leaf's
// rows of entries entries.
func (c *columnEncoder) appendLevels(dst []byte, entries []uint32) []byte {
	dst = appendMapLevels(dst, entries, false)
	if c.page.nulls == 0 { // all ones: one repeated run
		dst = binary.LittleEndian.AppendUint32(dst, uint32(uvarintLen(uint64(c.page.values)<<1)+1))
		dst = binary.AppendUvarint(dst, uint64(c.page.values)<<1)
		return append(dst, 1)
	}
	return appendMapLevels(dst, entries, true)
}

// writeDictionaryPage encodes and compresses the chunk's dictionary page.
func (c *columnEncoder) writeDictionaryPage() {
	c.raw = c.dict.appendPlain(c.raw[:0])
	h := format.PageHeader{
		Type: format.DictionaryPage,
		DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{
			NumValues: int32(c.dict.len()),
			Encoding:  format.Plain,
		}),
	}
	c.chunk.dictionaryPage = c.appendPage(c.chunk.dictionaryPage[:0], &h, c.raw)
}

// statistics are a page's or a chunk's: the null count, and the min/max of
// the columns that have them, when b is not nil. Pages have no min/max:
// readers prune by the chunks' (there is no page index). The deprecated
// min/max fields are left out: their order is not the columns' (unsigned
// for strings, signed two's complement for metric_value).
func (c *columnEncoder) statistics(nulls int64, b *bounds) format.Statistics {
	s := format.Statistics{NullCount: nulls}
	if c.leaf.compare != nil && b != nil && b.ok {
		s.MinValue, s.MaxValue = b.min, b.max
	}
	return s
}

// appendPage appends the header h, completed with the sizes and checksum, and
// raw compressed to dst.
func (c *columnEncoder) appendPage(dst []byte, h *format.PageHeader, raw []byte) []byte {
	if c.err != nil {
		return dst
	}
	body := raw
	if c.codec != nil {
		var err error
		if c.compressed, err = c.codec.Encode(c.compressed[:0], raw); err != nil {
			c.err = fmt.Errorf("compress page of %s: %w", c.leaf.path[0], err)
			return dst
		}
		body = c.compressed
	}
	if len(raw) > math.MaxInt32 || len(body) > math.MaxInt32 {
		c.err = fmt.Errorf("page of %s: %d bytes is too big", c.leaf.path[0], len(raw))
		return dst
	}
	h.UncompressedPageSize = int32(len(raw))
	h.CompressedPageSize = int32(len(body))
	h.CRC = int32(crc32.ChecksumIEEE(body))
	c.header.Reset()
	if err := thrift.NewEncoder(compact.NewWriter(&c.header)).Encode(h); err != nil {
		c.err = fmt.Errorf("page header of %s: %w", c.leaf.path[0], err)
		return dst
	}
	dst = append(dst, c.header.Bytes()...)
	dst = append(dst, body...)
	c.chunk.uncompressed += int64(c.header.Len() + len(raw))
	c.chunk.compressed += int64(c.header.Len() + len(body))
	return dst
}
