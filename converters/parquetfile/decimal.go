package parquetfile

import (
	"bytes"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// signedDecimalType is the FIXED_LEN_BYTE_ARRAY(11) under metric_value,
// ordering values as signed two's complement integers, as the Parquet spec
// requires for DECIMAL. parquet-go v0.32.0 orders FIXED_LEN_BYTE_ARRAY bytes
// unsigned, so negative values would sort above positive ones in the min/max
// statistics and the column index, and readers that prune on them (Spark,
// Trino, pyarrow datasets) could skip row groups that match a filter.
// Everything but ordering is the plain type's.
type signedDecimalType struct{ parquet.Type }

func newSignedDecimalType() parquet.Type {
	return signedDecimalType{parquet.FixedLenByteArrayType(DecimalLength)}
}

func (t signedDecimalType) Compare(a, b parquet.Value) int {
	return compareSigned(a.ByteArray(), b.ByteArray())
}

func (t signedDecimalType) NewColumnBuffer(columnIndex, numValues int) parquet.ColumnBuffer {
	return signedBuffer{t.Type.NewColumnBuffer(columnIndex, numValues)}
}

func (t signedDecimalType) NewColumnIndexer(int) parquet.ColumnIndexer {
	return new(signedIndexer)
}

// compareSigned compares equal-length big-endian two's complement integers.
func compareSigned(a, b []byte) int {
	if len(a) == 0 || len(b) == 0 {
		return len(a) - len(b)
	}
	if a[0]^0x80 != b[0]^0x80 {
		return int(a[0]^0x80) - int(b[0]^0x80)
	}
	return bytes.Compare(a[1:], b[1:])
}

// signedBuffer is a column buffer whose pages have signed bounds.
type signedBuffer struct{ parquet.ColumnBuffer }

func (b signedBuffer) Page() parquet.Page          { return signedPage{b.ColumnBuffer.Page()} }
func (b signedBuffer) Clone() parquet.ColumnBuffer { return signedBuffer{b.ColumnBuffer.Clone()} }

type signedPage struct{ parquet.Page }

func (p signedPage) Slice(i, j int64) parquet.Page { return signedPage{p.Page.Slice(i, j)} }

// Bounds returns the smallest and largest values of the page, signed.
func (p signedPage) Bounds() (min, max parquet.Value, ok bool) {
	values := p.Page.Data()
	data, size := values.FixedLenByteArray()
	if size <= 0 || len(data) < size {
		return min, max, false
	}
	lo, hi := data[:size], data[:size]
	for i := size; i+size <= len(data); i += size {
		v := data[i : i+size]
		if compareSigned(v, lo) < 0 {
			lo = v
		}
		if compareSigned(v, hi) > 0 {
			hi = v
		}
	}
	col := p.Page.Column()
	return parquet.FixedLenByteArrayValue(lo).Level(0, 0, col),
		parquet.FixedLenByteArrayValue(hi).Level(0, 0, col), true
}

// signedIndexer builds metric_value's column index from the signed page
// bounds. It declares the boundary order UNORDERED, which is always valid.
type signedIndexer struct {
	nullPages  []bool
	nullCounts []int64
	minValues  [][]byte
	maxValues  [][]byte
}

func (x *signedIndexer) Reset() { *x = signedIndexer{} }

func (x *signedIndexer) IndexPage(numValues, numNulls int64, min, max parquet.Value) {
	x.nullPages = append(x.nullPages, numValues == numNulls)
	x.nullCounts = append(x.nullCounts, numNulls)
	x.minValues = append(x.minValues, bytes.Clone(min.ByteArray()))
	x.maxValues = append(x.maxValues, bytes.Clone(max.ByteArray()))
}

func (x *signedIndexer) ColumnIndex() format.ColumnIndex {
	return format.ColumnIndex{
		NullPages:     x.nullPages,
		NullCounts:    x.nullCounts,
		MinValues:     x.minValues,
		MaxValues:     x.maxValues,
		BoundaryOrder: format.Unordered,
	}
}
