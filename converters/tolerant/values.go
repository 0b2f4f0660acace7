package tolerant

import (
	"encoding/hex"
	"math/big"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/validate"
)

// julianUnixEpoch is the Julian day number of 1970-01-01, the epoch of
// Spark's INT96 timestamps (nanoseconds of the day, then the Julian day).
const julianUnixEpoch = 2_440_588

// tsText renders ts as milliseconds since the epoch: TIMESTAMP columns by
// their unit, plain INT64 as millis, INT96 as Spark writes it, and text
// and DOUBLE epochs (unit by magnitude) through validate.ParseTimestamp
// (text that does not parse is kept, for validation to reject with its own
// message). Sub-millisecond parts are
// truncated toward the past. Null is "" (missing).
func (f *File) tsText(v parquet.Value, leaf *parquet.Column) string {
	if v.IsNull() {
		return ""
	}
	switch v.Kind() {
	case parquet.Int64:
		ts := timestampOf(leaf)
		ms := toMillis(v.Int64(), ts)
		if ts != nil && !ts.IsAdjustedToUTC {
			ms = localMillis(ms, f.opts.Time.Location)
		}
		return strconv.FormatInt(ms, 10)
	case parquet.Int96:
		return strconv.FormatInt(int96Millis(v.Int96()), 10)
	}
	var s string
	if v.Kind() == parquet.Double {
		s = strconv.FormatFloat(v.Double(), 'f', -1, 64)
	} else {
		s = string(v.ByteArray())
	}
	if ms, err := validate.ParseTimestamp(s, f.opts.Time); err == nil {
		return strconv.FormatInt(ms, 10)
	}
	return s
}

// localMillis reads a TIMESTAMP with isAdjustedToUTC=false (Snowflake's
// TIMESTAMP_NTZ, a BigQuery DATETIME): its millis are a wall-clock time,
// here taken in loc (the source time zone; nil = UTC).
func localMillis(ms int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return ms
	}
	w := time.UnixMilli(ms).UTC()
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc).UnixMilli()
}

func toMillis(n int64, ts *format.TimestampType) int64 {
	if ts == nil || ts.Unit.Value == nil {
		return n
	}
	switch ts.Unit.Value.(type) {
	case *format.MicroSeconds:
		return floorDiv(n, 1_000)
	case *format.NanoSeconds:
		return floorDiv(n, 1_000_000)
	}
	return n
}

// int96Millis reads an INT96 timestamp: the low 8 bytes are nanoseconds of
// the day and the high 4 bytes the Julian day, both little-endian.
func int96Millis(i [3]uint32) int64 {
	nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
	days := int64(i[2]) - julianUnixEpoch
	return days*86_400_000 + floorDiv(nanos, 1_000_000)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// text renders a value as the source text validation reads: strings as
// they are, DECIMALs exactly, floats with the shortest exact form ('f', -1),
// integers in base 10, booleans as true/false, UUIDs as 8-4-4-4-12 hex.
// Null is "".
func text(v parquet.Value, leaf *parquet.Column) string {
	if v.IsNull() {
		return ""
	}
	if d := decimalOf(leaf); d != nil {
		return decimalText(v, int(d.Scale))
	}
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Int96:
		return v.Int96().String()
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'f', -1, 32)
	case parquet.Double:
		return strconv.FormatFloat(v.Double(), 'f', -1, 64)
	case parquet.FixedLenByteArray:
		if b := v.ByteArray(); len(b) == 16 && isUUID(leaf) {
			return uuidText(b)
		}
	}
	return string(v.ByteArray())
}

func isUUID(leaf *parquet.Column) bool {
	lt := leaf.Type().LogicalType()
	if lt == nil {
		return false
	}
	_, ok := lt.Value.(*format.UUIDType)
	return ok
}

func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// decimalText renders an unscaled DECIMAL value of any physical type.
func decimalText(v parquet.Value, scale int) string {
	var u *big.Int
	switch v.Kind() {
	case parquet.Int32:
		u = big.NewInt(int64(v.Int32()))
	case parquet.Int64:
		u = big.NewInt(v.Int64())
	default:
		b := v.ByteArray()
		u = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
	}
	return scaledText(u, scale)
}

// scaledText writes unscaled × 10^-scale exactly: (12345, 2) is "123.45".
func scaledText(u *big.Int, scale int) string {
	s := new(big.Int).Abs(u).String()
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if u.Sign() < 0 {
		s = "-" + s
	}
	return s
}
