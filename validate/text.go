package validate

import (
	"encoding/binary"
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

// textFault is what is wrong with a text, the worst first.
type textFault uint8

const (
	textOK        textFault = iota
	textSurrogate           // surrogate code points only: fixSurrogates mends it, with a warning
	textNUL                 // a NUL: TextNUL
	textInvalid             // invalid UTF-8 other than a surrogate: InvalidUTF8
)

// checkText says what keeps s from being stored as it is. A surrogate code
// point (U+D800..U+DFFF) encoded in 3 bytes (ED A0..BF 80..BF, WTF-8) is
// invalid UTF-8, but the JSON scanner writes a lone \ud800 escape that way
// so that it reaches the rules: it is told apart from other invalid UTF-8.
// ASCII without NUL, most text, is checked 8 bytes at a time.
func checkText(s string) textFault {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		// A byte of 0x80 or more sets its top bit in x; a 0 byte sets it in
		// x-lanes (a borrow reaches no byte below the first 0).
		if (x|(x-lanes))&(lanes*0x80) != 0 {
			return checkTextFrom(s, i)
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= utf8.RuneSelf {
			return checkTextFrom(s, i)
		}
	}
	return textOK
}

// checkTextFrom is checkText's general path, from s[i] on.
func checkTextFrom(s string, i int) textFault {
	fault := textOK
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				fault = textNUL
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if !isSurrogate(s[i:]) {
				return textInvalid
			}
			fault, size = max(fault, textSurrogate), 3
		}
		i += size
	}
	return fault
}

// isSurrogate reports whether s starts with a surrogate code point in
// 3 bytes.
func isSurrogate(s string) bool {
	return len(s) >= 3 && s[0] == 0xed && s[1]&0xe0 == 0xa0 && s[2]&0xc0 == 0x80
}

// fixSurrogates replaces each surrogate of s (checkText said textSurrogate)
// by U+FFFD, also 3 bytes long.
func fixSurrogates(s string) string {
	b := []byte(s)
	for i := 0; i+3 <= len(b); i++ {
		if isSurrogate(string(b[i : i+3])) {
			copy(b[i:], "\ufffd")
			i += 2
		}
	}
	return string(b)
}

// textIssue is the issue of a text that checkText found at fault (not
// textOK): a rejection, or for textSurrogate a warning, the caller then
// keeping fixSurrogates of the text. what names the text in the message;
// value is the source text shown.
func textIssue(fault textFault, field, what, value string) Issue {
	switch fault {
	case textInvalid:
		return issue(InvalidUTF8, field, value, what+" is not valid UTF-8.")
	case textNUL:
		return issue(TextNUL, field, value, what+" holds a NUL character (\\u0000), which PostgreSQL text cannot store.")
	}
	return issue(LoneSurrogate, field, value, what+" holds a lone UTF-16 surrogate; it was replaced by U+FFFD.")
}
