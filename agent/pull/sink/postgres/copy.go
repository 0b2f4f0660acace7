package postgres

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"time"
	"unicode/utf8"

	"github.com/hackle/hackle-agent/validate"
)

// The rows go to the server in COPY's binary format, encoded here without
// reflection: per row a field count, then each field as a length and its
// binary value (https://www.postgresql.org/docs/current/sql-copy.html).

// copyHeader starts a binary COPY stream: signature, flags, no extension.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyTrailer ends it.
var copyTrailer = []byte{0xff, 0xff}

// pgEpoch is 2000-01-01T00:00:00Z, the origin of dates and timestamps.
const (
	pgEpochMicros = 946_684_800_000_000
	pgEpochDays   = 10_957
)

// rowPrefix is what every row of a load starts with: the field count and
// the source, partition_date and partition_version fields.
func rowPrefix(source string, day time.Time, version string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(columns)))
	b = appendText(b, source)
	b = binary.BigEndian.AppendUint32(b, 4)
	b = binary.BigEndian.AppendUint32(b, uint32(int32(day.Unix()/86400-pgEpochDays)))
	return appendText(b, version)
}

// appendRow encodes the rest of one row after its prefix, in columns order.
func appendRow(b []byte, ev *validate.Event) []byte {
	b = binary.BigEndian.AppendUint32(b, 8)
	b = binary.BigEndian.AppendUint64(b, uint64(ev.TS*1000-pgEpochMicros))
	b = appendText(b, ev.EventKey)
	b = appendJSONB(b, ev.Identifiers)
	k := validate.UUIDKey(ev.InsertID)
	b = binary.BigEndian.AppendUint32(b, 16)
	b = append(b, k[:]...)
	b = appendNumeric(b, &ev.MetricValue)
	b = appendJSONB(b, ev.UserProps)
	b = appendJSONB(b, ev.EventProps)
	return appendJSONB(b, ev.PlatformProps)
}

func appendText(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// appendJSONB writes a normalised map as a jsonb field: version 1, then
// the JSON object's text (values stay strings, as in the Parquet layout).
func appendJSONB(b []byte, kvs []validate.KV) []byte {
	at := len(b)
	b = append(b, 0, 0, 0, 0, 1)
	b = appendJSONObject(b, kvs)
	binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	return b
}

func appendJSONObject(b []byte, kvs []validate.KV) []byte {
	b = append(b, '{')
	for i, kv := range kvs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv.Key)
		b = append(b, ':')
		b = appendJSONString(b, kv.Value)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does, but for HTML
// characters, which it leaves as they are (jsonb stores the same value).
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		q, _ := json.Marshal(s) // replaces invalid bytes with U+FFFD
		return append(b, q...)
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendNumeric writes a DECIMAL(24,6) as a binary numeric: base-10000
// digits, the weight of the first, the sign and the display scale.
func appendNumeric(b []byte, d *validate.Decimal) []byte {
	// d is the unscaled value (×10^6), 88-bit big-endian two's complement.
	var hi, lo uint64
	for _, c := range d[:3] {
		hi = hi<<8 | uint64(c)
	}
	for _, c := range d[3:] {
		lo = lo<<8 | uint64(c)
	}
	neg := d[0]&0x80 != 0
	if neg { // negate the 88-bit value
		hi, lo = ^hi&0xFFFFFF, ^lo
		var carry uint64
		lo, carry = bits.Add64(lo, 1, 0)
		hi += carry
	}
	// |value| < 10^24, so hi < 10^6 and the integer part fits 64 bits.
	intPart, frac := bits.Div64(hi, lo, 1_000_000)
	var groups [7]uint16 // up to 5 integer groups, then 2 fraction groups
	n := 0
	var ig [5]uint16
	ni := 0
	for v := intPart; v > 0; v /= 10000 {
		ig[ni] = uint16(v % 10000)
		ni++
	}
	for i := ni - 1; i >= 0; i-- {
		groups[n] = ig[i]
		n++
	}
	f := frac * 100 // 8 fraction digits: two groups
	groups[n], groups[n+1] = uint16(f/10000), uint16(f%10000)
	n += 2
	weight := ni - 1
	first := 0
	for first < n && groups[first] == 0 {
		first++
		weight--
	}
	for n > first && groups[n-1] == 0 {
		n--
	}
	digits := groups[first:n]
	sign := uint16(0)
	if len(digits) == 0 {
		weight = 0
	} else if neg {
		sign = 0x4000
	}
	b = binary.BigEndian.AppendUint32(b, uint32(8+2*len(digits)))
	b = binary.BigEndian.AppendUint16(b, uint16(len(digits)))
	b = binary.BigEndian.AppendUint16(b, uint16(int16(weight)))
	b = binary.BigEndian.AppendUint16(b, sign)
	b = binary.BigEndian.AppendUint16(b, validate.DecimalScale)
	for _, g := range digits {
		b = binary.BigEndian.AppendUint16(b, g)
	}
	return b
}
