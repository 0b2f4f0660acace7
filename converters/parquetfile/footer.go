package parquetfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/converters/schema"
)

// magic starts and ends a Parquet file.
const magic = "PAR1"

// fileVersion is FileMetaData.version, as parquet-go writes it.
const fileVersion = 2

// schemaElements is the import schema as the footer stores it, depth first,
// with both the logical types and the legacy converted types (for older
// readers), exactly as parquet-go writes Schema. It derives from
// schema.Columns.
var schemaElements = func() []format.SchemaElement {
	elems := []format.SchemaElement{{Name: "schema", NumChildren: thrift.New(int32(len(schema.Columns)))}}
	for _, c := range schema.Columns {
		elems = append(elems, columnElements(c)...)
	}
	return elems
}()

// columnElements are a declared column's schema elements: one for a
// value, four for a map (the map, key_value, key and value).
func columnElements(c schema.Column) []format.SchemaElement {
	rep := thrift.New(format.Required)
	if !c.Required {
		rep = thrift.New(format.Optional)
	}
	if !c.Map {
		return []format.SchemaElement{valueElement(c.Name, c.Type, rep)}
	}
	required := thrift.New(format.Required)
	return []format.SchemaElement{
		{
			RepetitionType: rep,
			Name:           c.Name,
			NumChildren:    thrift.New[int32](1),
			ConvertedType:  thrift.New(deprecated.Map),
			LogicalType:    format.LogicalType{Value: &format.MapType{}},
		},
		{RepetitionType: thrift.New(format.Repeated), Name: "key_value", NumChildren: thrift.New[int32](2)},
		valueElement("key", schema.String, required),
		valueElement("value", c.Type, required),
	}
}

// valueElement is the schema element of a leaf of type t.
func valueElement(name string, t schema.Type, rep thrift.Null[format.FieldRepetitionType]) format.SchemaElement {
	e := format.SchemaElement{RepetitionType: rep, Name: name}
	switch t {
	case schema.Timestamp:
		e.Type = thrift.New(format.Int64)
		e.TypeLength = thrift.New[int32](64) // as parquet-go writes it
		e.ConvertedType = thrift.New(deprecated.TimestampMillis)
		e.LogicalType.Value = &format.TimestampType{IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.MilliSeconds{}}}
	case schema.String, schema.UUID:
		e.Type = thrift.New(format.ByteArray)
		e.ConvertedType = thrift.New(deprecated.UTF8)
		e.LogicalType.Value = &format.StringType{}
	case schema.Decimal:
		e.Type = thrift.New(format.FixedLenByteArray)
		e.TypeLength = thrift.New[int32](DecimalLength)
		e.ConvertedType = thrift.New(deprecated.Decimal)
		e.Scale = thrift.New[int32](DecimalScale)
		e.Precision = thrift.New[int32](DecimalPrecision)
		e.LogicalType.Value = &format.DecimalType{Scale: DecimalScale, Precision: DecimalPrecision}
	default:
		panic(fmt.Sprintf("parquetfile: no Parquet type for %v", t))
	}
	return e
}

// columnOrders declare every leaf's min/max in the order of its type: signed
// for ts, unsigned bytes for the strings, signed for the DECIMAL.
var columnOrders = func() []format.ColumnOrder {
	orders := make([]format.ColumnOrder, numLeafColumns)
	for i := range orders {
		orders[i].Value = &format.TypeDefinedOrder{}
	}
	return orders
}()

// metadata describes the column's finished chunk, written at offset.
func (c *columnEncoder) metadata(offset int64) format.ColumnChunk {
	ch := &c.chunk
	md := format.ColumnMetaData{
		Type:                  c.leaf.typ,
		Encoding:              c.encodings(),
		PathInSchema:          c.leaf.path,
		Codec:                 format.Uncompressed,
		NumValues:             ch.numValues,
		TotalUncompressedSize: ch.uncompressed,
		TotalCompressedSize:   ch.compressed,
		DataPageOffset:        offset + int64(len(ch.dictionaryPage)),
		Statistics:            c.statistics(ch.nulls, &ch.bounds),
		EncodingStats:         c.encodingStats(),
	}
	if c.codec != nil {
		md.Codec = c.codec.CompressionCodec()
	}
	if c.dict != nil {
		md.DictionaryPageOffset = offset
	}
	// The footer outlives the encoder's buffers.
	md.Statistics.MinValue = bytes.Clone(md.Statistics.MinValue)
	md.Statistics.MaxValue = bytes.Clone(md.Statistics.MaxValue)
	return format.ColumnChunk{MetaData: md}
}

// encodings lists every encoding in the chunk, levels included, in
// ascending order.
func (c *columnEncoder) encodings() []format.Encoding {
	var encs []format.Encoding
	if c.dict != nil || c.chunk.plainPages > 0 {
		encs = append(encs, format.Plain) // the dictionary page is PLAIN
	}
	if c.leaf.mapIndex >= 0 {
		encs = append(encs, format.RLE)
	}
	if c.chunk.dictPages > 0 {
		encs = append(encs, format.RLEDictionary)
	}
	return encs
}

// encodingStats counts the chunk's pages by type and encoding.
func (c *columnEncoder) encodingStats() []format.PageEncodingStats {
	var stats []format.PageEncodingStats
	if n := c.chunk.plainPages; n > 0 {
		stats = append(stats, format.PageEncodingStats{PageType: format.DataPage, Encoding: format.Plain, Count: n})
	}
	if n := c.chunk.dictPages; n > 0 {
		stats = append(stats, format.PageEncodingStats{PageType: format.DataPage, Encoding: format.RLEDictionary, Count: n})
	}
	if c.dict != nil {
		stats = append(stats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
	}
	return stats
}

// rowGroup describes a row group of rows rows, its column chunks written
// one after the other from offset, as the encoders left them.
func rowGroup(columns []*columnEncoder, offset int64, rows int64, ordinal int) format.RowGroup {
	rg := format.RowGroup{
		Columns:    make([]format.ColumnChunk, len(columns)),
		NumRows:    rows,
		FileOffset: offset,
		Ordinal:    int16(min(ordinal, math.MaxInt16)),
	}
	for i, c := range columns {
		rg.Columns[i] = c.metadata(offset)
		rg.TotalByteSize += c.chunk.uncompressed
		rg.TotalCompressedSize += c.chunk.compressed
		offset += int64(len(c.chunk.dictionaryPage) + len(c.chunk.pages))
	}
	return rg
}

// appendFooter appends the file metadata, its length and the closing magic.
func appendFooter(dst []byte, rows int64, rowGroups []format.RowGroup) ([]byte, error) {
	md := format.FileMetaData{
		Version:      fileVersion,
		Schema:       schemaElements,
		NumRows:      rows,
		RowGroups:    rowGroups,
		CreatedBy:    createdBy,
		ColumnOrders: columnOrders,
	}
	b, err := thrift.Marshal(compact, &md)
	if err != nil {
		return dst, err
	}
	dst = append(dst, b...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, magic...), nil
}
