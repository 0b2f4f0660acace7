package validate

import (
	"math/big"
	"strings"

	"github.com/hackle/hackle-agent/converters/schema"
)

// DecimalScale is the number of decimals of metric_value, DECIMAL(24,6).
const DecimalScale = schema.DecimalScale

// maxUnscaled is 10^24, one more than the largest unscaled DECIMAL(24,6).
var maxUnscaled = func() u128 {
	u := u128{0, 1}
	for range schema.DecimalPrecision {
		u = u.mul10add(0)
	}
	return u
}()

// ParseDecimal reads metric_value text exactly (no float64) into a
// DECIMAL(24,6). Surrounding white space is trimmed and "" is 0. The syntax is
// a JSON number, relaxed for CSV cells: optional sign (+ or -), digits with an
// optional fraction (".5" and "5." are accepted), optional exponent (e/E).
// reason is MetricInvalid for anything else (NaN, Inf, "1,000", "0x10") and
// MetricTooLarge when the value has more than 18 integer digits after
// applying the exponent. More than 6 decimals are rounded half-even and
// rounded is true. reason is "" when d is usable.
func ParseDecimal(text string) (d Decimal, rounded bool, reason Reason) {
	s := trimSpace(text)
	if s == "" {
		return d, false, ""
	}
	n, ok := scanNumber(s)
	if !ok {
		return d, false, MetricInvalid
	}
	q, first, rest, ok := n.scaled(DecimalScale, schema.DecimalPrecision)
	if !ok {
		return d, false, MetricTooLarge
	}
	rounded = first != 0 || rest
	if first > 5 || (first == 5 && (rest || q.lo&1 == 1)) {
		q = q.add1()
		if !q.less(maxUnscaled) {
			return d, false, MetricTooLarge
		}
	}
	return decimalOf(q, n.neg), rounded, ""
}

// decimalOf writes ±q as 11-byte big-endian two's complement.
func decimalOf(q u128, neg bool) (d Decimal) {
	if neg {
		q = q.neg()
	}
	d[0], d[1], d[2] = byte(q.hi>>16), byte(q.hi>>8), byte(q.hi)
	for i := range 8 {
		d[3+i] = byte(q.lo >> (56 - 8*i))
	}
	return d
}

// unscaled returns |d| × 10^6 and whether d is negative.
func (d Decimal) unscaled() (q u128, neg bool) {
	for _, b := range d[:3] {
		q.hi = q.hi<<8 | uint64(b)
	}
	for _, b := range d[3:] {
		q.lo = q.lo<<8 | uint64(b)
	}
	if d[0]&0x80 != 0 {
		q.hi |= ^uint64(0xFFFFFF) // sign-extend the 88-bit value
		return q.neg(), true
	}
	return q, false
}

// String writes d with exactly 6 decimals: "12.345679", "-0.500000", "0.000000".
func (d Decimal) String() string {
	q, neg := d.unscaled()
	var buf [40]byte
	i := len(buf)
	for digits := 0; digits < DecimalScale+1 || !q.isZero(); digits++ {
		if digits == DecimalScale {
			i--
			buf[i] = '.'
		}
		var r uint64
		q, r = q.divmod10()
		i--
		buf[i] = byte('0' + r)
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// Unscaled returns the value × 10^6 as a big.Int, e.g. for a database sink.
func (d Decimal) Unscaled() *big.Int {
	q, neg := d.unscaled()
	v := new(big.Int).SetUint64(q.hi)
	v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(q.lo))
	if neg {
		v.Neg(v)
	}
	return v
}

// DecimalFromUnscaled converts unscaled × 10^-scale (any scale, as a Parquet
// DECIMAL of another precision holds it) to DECIMAL(24,6), rounding half-even
// when scale > 6. Like ParseDecimal, reason is MetricTooLarge when the value
// has more than 18 integer digits, and "" when d is usable.
func DecimalFromUnscaled(unscaled *big.Int, scale int) (d Decimal, rounded bool, reason Reason) {
	v := new(big.Int).Set(unscaled)
	ten := big.NewInt(10)
	if scale <= DecimalScale {
		v.Mul(v, new(big.Int).Exp(ten, big.NewInt(int64(DecimalScale-scale)), nil))
	} else {
		div := new(big.Int).Exp(ten, big.NewInt(int64(scale-DecimalScale)), nil)
		neg := v.Sign() < 0
		v.Abs(v)
		var rem big.Int
		v.QuoRem(v, div, &rem)
		rounded = rem.Sign() != 0
		c := rem.Lsh(&rem, 1).Cmp(div) // compare 2·rem with div: > 0 more than half
		if c > 0 || (c == 0 && v.Bit(0) == 1) {
			v.Add(v, big.NewInt(1))
		}
		if neg {
			v.Neg(v)
		}
	}
	lim := new(big.Int).Exp(ten, big.NewInt(24), nil)
	if new(big.Int).Abs(v).Cmp(lim) >= 0 {
		return d, false, MetricTooLarge
	}
	var q u128
	abs := new(big.Int).Abs(v)
	q.lo = abs.Uint64()
	q.hi = abs.Rsh(abs, 64).Uint64()
	return decimalOf(q, v.Sign() < 0), rounded, ""
}

// DecimalFromBytes converts a big-endian two's complement unscaled value of
// any length (Parquet FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY decimals) with the
// given scale, as DecimalFromUnscaled does. Empty b is 0.
func DecimalFromBytes(b []byte, scale int) (d Decimal, rounded bool, reason Reason) {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return DecimalFromUnscaled(v, scale)
}

// trimSpace trims surrounding white space; it allocates nothing.
func trimSpace(s string) string { return strings.TrimSpace(s) }
