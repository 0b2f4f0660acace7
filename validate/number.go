package validate

import "math/bits"

// number is the exact value of a number's text, read without float64:
// the digits d[0] … d[nd-1] of its mantissa with the decimal point after
// point() of them (point may be negative or beyond nd). It refers to the
// text and allocates nothing.
type number struct {
	neg              bool
	s                string
	intStart, intEnd int // integer digits: s[intStart:intEnd]
	frcStart, frcEnd int // fraction digits: s[frcStart:frcEnd]
	exp              int // exponent, clamped to ±maxExp
}

// maxExp bounds exponents: any larger one gives a value far outside every
// range this package accepts, so clamping changes no outcome.
const maxExp = 1 << 20

// scanNumber reads JSON-number syntax, relaxed for hand-written CSV cells:
// an optional sign (+ or -), digits with an optional fraction (".5" and "5."
// are accepted), and an optional exponent (e or E). s must already be trimmed.
func scanNumber(s string) (n number, ok bool) {
	n.s = s
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		n.neg = s[i] == '-'
		i++
	}
	n.intStart = i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n.intEnd = i
	n.frcStart, n.frcEnd = i, i
	if i < len(s) && s[i] == '.' {
		i++
		n.frcStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		n.frcEnd = i
	}
	if n.intEnd == n.intStart && n.frcEnd == n.frcStart {
		return n, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			if n.exp < maxExp {
				n.exp = n.exp*10 + int(s[i]-'0')
			}
			i++
		}
		if i == start {
			return n, false
		}
		n.exp = min(n.exp, maxExp)
		if eneg {
			n.exp = -n.exp
		}
	}
	return n, i == len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (n *number) nd() int    { return n.intEnd - n.intStart + n.frcEnd - n.frcStart }
func (n *number) point() int { return n.intEnd - n.intStart + n.exp }

// digit returns mantissa digit i, or 0 outside [0, nd).
func (n *number) digit(i int) uint64 {
	il := n.intEnd - n.intStart
	switch {
	case i < 0:
		return 0
	case i < il:
		return uint64(n.s[n.intStart+i] - '0')
	case i < n.nd():
		return uint64(n.s[n.frcStart+i-il] - '0')
	}
	return 0
}

// firstNonZero returns the index of the first non-zero digit, nd when the value is 0.
func (n *number) firstNonZero() int {
	nd := n.nd()
	for i := 0; i < nd; i++ {
		if n.digit(i) != 0 {
			return i
		}
	}
	return nd
}

// intDigits is how many digits the integer part of |value| has (0 for |value| < 1).
func (n *number) intDigits() int {
	return max(0, n.point()-n.firstNonZero())
}

// scaled returns the integer part q of |value| × 10^k as a 128-bit number,
// the first dropped digit and whether any later dropped digit is non-zero.
// ok is false when q would have more than maxDigits digits (maxDigits ≤ 38).
func (n *number) scaled(k, maxDigits int) (q u128, first uint64, rest bool, ok bool) {
	p := n.point() + k
	nd := n.nd()
	fnz := n.firstNonZero()
	if fnz < nd && p-fnz > maxDigits {
		return q, 0, false, false
	}
	for i := fnz; i < p; i++ {
		q = q.mul10add(n.digit(i))
	}
	first = n.digit(p)
	for i := max(p+1, 0); i < nd && !rest; i++ {
		rest = n.digit(i) != 0
	}
	return q, first, rest, true
}

// u128 is an unsigned 128-bit integer, enough for DECIMAL(24,6) (< 2^80).
type u128 struct{ hi, lo uint64 }

func (u u128) mul10add(d uint64) u128 {
	h, l := bits.Mul64(u.lo, 10)
	l, c := bits.Add64(l, d, 0)
	return u128{u.hi*10 + h + c, l}
}

func (u u128) add1() u128 {
	l, c := bits.Add64(u.lo, 1, 0)
	return u128{u.hi + c, l}
}

func (u u128) less(v u128) bool { return u.hi < v.hi || (u.hi == v.hi && u.lo < v.lo) }

func (u u128) isZero() bool { return u.hi == 0 && u.lo == 0 }

// neg returns the two's complement of u.
func (u u128) neg() u128 {
	l, c := bits.Add64(^u.lo, 1, 0)
	return u128{^u.hi + c, l}
}

// divmod10 returns u / 10 and u % 10.
func (u u128) divmod10() (u128, uint64) {
	qh, r := u.hi/10, u.hi%10
	ql, r := bits.Div64(r, u.lo, 10)
	return u128{qh, ql}, r
}
