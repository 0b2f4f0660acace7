package parquetfile

import "bytes"

// compareSigned compares equal-length big-endian two's complement integers:
// the order of metric_value's DECIMAL, which its min/max statistics follow
// (an unsigned byte order would put negative values above positive ones,
// and readers that prune on the statistics would skip matching row groups).
func compareSigned(a, b []byte) int {
	if len(a) == 0 || len(b) == 0 {
		return len(a) - len(b)
	}
	if a[0]^0x80 != b[0]^0x80 {
		return int(a[0]^0x80) - int(b[0]^0x80)
	}
	return bytes.Compare(a[1:], b[1:])
}
