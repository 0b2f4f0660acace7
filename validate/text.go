package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxValueBytes bounds Issue.Value: longer values are cut, with "…" appended.
const MaxValueBytes = 200

// ShortValue makes s fit in an Issue.Value: valid UTF-8 (each invalid byte
// shown as \xNN so that JSON stays readable) of at most MaxValueBytes bytes.
// Valid short text is returned as is, without allocating.
func ShortValue(s string) string {
	if len(s) <= MaxValueBytes && utf8.ValidString(s) {
		return s
	}
	const ell = "…"
	var b strings.Builder
	cut := 0 // length of the output up to the last piece that leaves room for ell
	for i := 0; i < len(s) && b.Len() <= MaxValueBytes; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[i]>>4])
			b.WriteByte("0123456789abcdef"[s[i]&15])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
		if b.Len() <= MaxValueBytes-len(ell) {
			cut = b.Len()
		}
	}
	if out := b.String(); len(out) > MaxValueBytes {
		return out[:cut] + ell
	}
	return b.String()
}

// quote is strconv.Quote of ShortValue(s), for messages and errors.
func quote(s string) string { return strconv.Quote(ShortValue(s)) }

// issue builds an Issue; value is shortened.
func issue(reason Reason, field, value, message string) Issue {
	return Issue{Reason: reason, Field: field, Message: message, Value: ShortValue(value)}
}
