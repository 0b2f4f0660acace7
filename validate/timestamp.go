package validate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Layouts of TimeFormat besides Go time layouts.
const (
	LayoutAuto    = "auto"    // the default: see ParseTimestamp
	LayoutRFC3339 = "rfc3339" // RFC 3339 with any fraction, T or space separator, Z or ±hh:mm
	LayoutUnixS   = "unix_s"  // epoch seconds, fractions allowed
	LayoutUnixMs  = "unix_ms" // epoch milliseconds
	LayoutUnixUs  = "unix_us" // epoch microseconds
	LayoutUnixNs  = "unix_ns" // epoch nanoseconds
)

// Cut-offs of epoch numbers in auto mode, by the magnitude of the number's
// integer part: below 1e11 it is seconds (1e11 s is the year 5138), below
// 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. So every
// timestamp between 1973-03-03 and 5138 is read right in every unit.
const (
	autoSecondsBelow = 1e11
	autoMillisBelow  = 1e14
	autoMicrosBelow  = 1e17
)

// TimeFormat says how to read a timestamp's source text.
type TimeFormat struct {
	// Layout is "" or "auto" (the default), "rfc3339", "unix_s", "unix_ms",
	// "unix_us", "unix_ns", or a Go time layout such as "2006-01-02 15:04:05".
	Layout string
	// Location is the zone of naive times (text without an offset); nil = UTC.
	Location *time.Location
}

// Validate reports a Layout that can never match: one that is neither a
// keyword above nor a Go layout holding a year (2006 or 06), such as a
// misspelt "unix_msec". Check it once at configuration time.
func (f TimeFormat) Validate() error {
	switch f.Layout {
	case "", LayoutAuto, LayoutRFC3339, LayoutUnixS, LayoutUnixMs, LayoutUnixUs, LayoutUnixNs:
		return nil
	}
	if !strings.Contains(f.Layout, "06") {
		return fmt.Errorf("timestamp format %q is neither auto, rfc3339, unix_s, unix_ms, unix_us, unix_ns "+
			"nor a Go layout with a year such as \"2006-01-02 15:04:05\"", f.Layout)
	}
	return nil
}

// ParseTimestamp reads text (surrounding white space trimmed) as milliseconds
// since the Unix epoch. Anything below a millisecond is truncated toward the
// past, never rounded: "2023-01-01T00:00:00.9999999Z" is …00.999.
//
// In auto mode it accepts, without allocating:
//   - RFC 3339 with any fraction, T or space separator, Z or ±hh:mm;
//   - "2006-01-02 15:04:05[.fff…]" optionally followed, with or without a
//     space, by "UTC", "Z" or an offset "+09:00", "+0900" or "+09";
//   - naive times (no zone), read in f.Location;
//   - epoch numbers (integer, decimal or with exponent), whose unit is chosen
//     by magnitude: see autoSecondsBelow and the following constants.
//
// "unix_*" layouts force the unit; "rfc3339" requires a zone; any other
// layout goes to time.ParseInLocation. The error names the bad value.
func ParseTimestamp(text string, f TimeFormat) (millis int64, err error) {
	s := trimSpace(text)
	switch f.Layout {
	case "", LayoutAuto:
		if n, ok := scanNumber(s); ok {
			return epochAuto(text, &n)
		}
		return parseDateTime(text, s, f.Location, false)
	case LayoutRFC3339:
		return parseDateTime(text, s, f.Location, true)
	case LayoutUnixS:
		return epoch(text, s, 3)
	case LayoutUnixMs:
		return epoch(text, s, 0)
	case LayoutUnixUs:
		return epoch(text, s, -3)
	case LayoutUnixNs:
		return epoch(text, s, -6)
	}
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(f.Layout, s, loc)
	if err != nil {
		return 0, fmt.Errorf("timestamp %s does not match the layout %q", quote(text), f.Layout)
	}
	return t.UnixMilli(), nil
}

func epochAuto(text string, n *number) (int64, error) {
	// The magnitude thresholds are powers of ten: compare digit counts.
	switch d := n.intDigits(); {
	case d <= 11:
		return epochMillis(text, n, 3)
	case d <= 14:
		return epochMillis(text, n, 0)
	case d <= 17:
		return epochMillis(text, n, -3)
	default:
		return epochMillis(text, n, -6)
	}
}

func epoch(text, s string, k int) (int64, error) {
	n, ok := scanNumber(s)
	if !ok {
		return 0, fmt.Errorf("timestamp %s is not an epoch number", quote(text))
	}
	return epochMillis(text, &n, k)
}

// epochMillis returns floor(value × 10^k): the value in milliseconds.
func epochMillis(text string, n *number, k int) (int64, error) {
	q, first, rest, ok := n.scaled(k, 18)
	if !ok {
		return 0, fmt.Errorf("timestamp %s is too far from 1970 to be an epoch time", quote(text))
	}
	ms := int64(q.lo)
	if n.neg {
		if first != 0 || rest {
			ms++ // truncate toward the past, as for -0.5 ms → -1 ms
		}
		ms = -ms
	}
	if ms < minEpochMillis || ms > maxEpochMillis {
		return 0, fmt.Errorf("timestamp %s is outside the years 0001 to 9999", quote(text))
	}
	return ms, nil
}

// Epoch numbers must fall in the years 0001 to 9999, as text timestamps do.
const (
	minEpochMillis = -62135596800000 // 0001-01-01T00:00:00Z
	maxEpochMillis = 253402300799999 // 9999-12-31T23:59:59.999Z
)

var errLayout = errors.New(`want RFC 3339, "2006-01-02 15:04:05[.fff][ UTC|±hh:mm]" or an epoch number`)

// parseDateTime reads YYYY-MM-DD[T ]hh:mm:ss[.f…][zone]; strict (RFC 3339)
// requires the zone to be Z or ±hh:mm right after the time.
func parseDateTime(text, s string, loc *time.Location, strict bool) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("timestamp %s is not a valid timestamp: %s", quote(text), why)
	}
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
		(s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return bad(errLayout.Error())
	}
	y, ok1 := atoiFixed(s[0:4])
	mo, ok2 := atoiFixed(s[5:7])
	d, ok3 := atoiFixed(s[8:10])
	h, ok4 := atoiFixed(s[11:13])
	mi, ok5 := atoiFixed(s[14:16])
	sec, ok6 := atoiFixed(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return bad(errLayout.Error())
	}
	switch {
	case mo < 1 || mo > 12:
		return bad("month out of range")
	case d < 1 || d > daysIn(time.Month(mo), y):
		return bad("day out of range")
	case h > 23:
		return bad("hour out of range")
	case mi > 59:
		return bad("minute out of range")
	case sec > 59:
		return bad("second out of range")
	}
	i, frac := 19, int64(0)
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			if i-start < 3 {
				frac = frac*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return bad("no digits after the decimal point")
		}
		for n := i - start; n < 3; n++ {
			frac *= 10
		}
	}
	offset, naive, ok := parseZone(s[i:], strict)
	if !ok {
		return bad("unknown time zone " + quote(s[i:]) + ": " + errLayout.Error())
	}
	if naive && loc != nil && loc != time.UTC {
		t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
		return t.Unix()*1000 + frac, nil
	}
	days := daysFromCivil(y, time.Month(mo), d)
	secs := days*86400 + int64(h*3600+mi*60+sec) - int64(offset)
	return secs*1000 + frac, nil
}

// parseZone reads what follows the time: "" (naive), Z, UTC, ±hh, ±hhmm or
// ±hh:mm, optionally after one space. It returns the offset east of UTC in seconds.
func parseZone(z string, strict bool) (offset int, naive, ok bool) {
	if z == "" {
		return 0, true, !strict
	}
	if !strict && z[0] == ' ' {
		z = z[1:]
	}
	switch z {
	case "Z", "z":
		return 0, false, true
	case "UTC":
		return 0, false, !strict
	}
	if z[0] != '+' && z[0] != '-' {
		return 0, false, false
	}
	var hh, mm string
	switch {
	case len(z) == 6 && z[3] == ':':
		hh, mm = z[1:3], z[4:6]
	case len(z) == 5 && !strict:
		hh, mm = z[1:3], z[3:5]
	case len(z) == 3 && !strict:
		hh, mm = z[1:3], "00"
	default:
		return 0, false, false
	}
	h, ok1 := atoiFixed(hh)
	m, ok2 := atoiFixed(mm)
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false, false
	}
	offset = h*3600 + m*60
	if z[0] == '-' {
		offset = -offset
	}
	return offset, false, true
}
