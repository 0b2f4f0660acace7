package validate

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf8"
)

// normMap appends src to dst with keys trimmed and lowercased, sorted by key,
// keeping the first of keys equal after lowercasing (warning DuplicateKey).
// An empty key is dropped with the warning EmptyKey; invalid UTF-8 or a NUL
// in a key or value rejects the row (InvalidUTF8, TextNUL), a lone
// surrogate is replaced by U+FFFD with the warning LoneSurrogate. Values
// are otherwise kept as given.
func normMap(field string, src, dst []KV, errs, warns []Issue) ([]KV, []Issue, []Issue) {
	sorted := len(dst) == 0
	for _, kv := range src {
		key, value := kv.Key, kv.Value
		if !plainKey(key) {
			key = trimSpace(key)
			if f := checkText(key); f != textOK {
				if f == textSurrogate {
					key = fixSurrogates(key)
				}
				is := textIssue(f, field+"."+keyName(key), "a key of "+field, kv.Key)
				if f != textSurrogate {
					errs = append(errs, is)
					continue
				}
				warns = append(warns, is)
			}
			key = strings.ToLower(key)
			if key == "" {
				warns = append(warns, issue(EmptyKey, field, kv.Value,
					"an entry of "+field+" has an empty key and was dropped."))
				continue
			}
		}
		if f := checkText(value); f != textOK {
			is := textIssue(f, field+"."+keyName(key), field+"."+keyName(key), value)
			if f == textSurrogate {
				warns, value = append(warns, is), fixSurrogates(value)
			} else {
				errs = append(errs, is)
			}
		}
		if n := len(dst); n > 0 && sorted && keyLess(key, dst[n-1].Key) {
			sorted = false
		}
		dst = append(dst, KV{Key: key, Value: value})
	}
	if !sorted { // exports often list keys in order already
		slices.SortStableFunc(dst, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	}
	w := 0
	for i := range dst {
		if w > 0 && dst[w-1].Key == dst[i].Key {
			warns = append(warns, issue(DuplicateKey, field+"."+dst[i].Key, dst[i].Value,
				field+"."+dst[i].Key+" appears more than once after lowercasing keys; the first was kept."))
			continue
		}
		dst[w] = dst[i]
		w++
	}
	return dst[:w], errs, warns
}

// keyLess is key < prev, decided by the first bytes when they differ, as
// they mostly do, without a call.
func keyLess(key, prev string) bool {
	if key != "" && prev != "" && key[0] != prev[0] {
		return key[0] < prev[0]
	}
	return key < prev
}

// plainKey reports whether a key is already what normMap makes of it:
// non-empty printable ASCII without upper case letters or NUL, and nothing to trim
// at either end (all white space that strings.TrimSpace trims is either at
// most ' ' or not ASCII). Most keys are; they skip the slower general path.
func plainKey(s string) bool {
	if s == "" || s[0] <= ' ' || s[len(s)-1] <= ' ' {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 { // 8 bytes at a time
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		// For bytes below 0x80 the sums carry into no other byte; a byte's
		// top bit ends up set in upper iff it is in 'A'..'Z'. A 0 byte
		// sets it in x-lanes (a borrow reaches no byte below the first 0).
		upper := (x + lanes*(0x80-'A')) &^ (x + lanes*(0x80-'Z'-1))
		if (x|upper|(x-lanes))&(lanes*0x80) != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c-'A' < 26 || c == 0 {
			return false
		}
	}
	return true
}

// lanes has 1 in each byte of a uint64: lanes*c is c in every byte.
const lanes = 0x0101010101010101

// keyName is a key as a field name: shortened, a NUL shown as \u0000.
func keyName(key string) string {
	key = ShortValue(key)
	if strings.IndexByte(key, 0) >= 0 {
		key = strings.ReplaceAll(key, "\x00", `\u0000`)
	}
	return key
}
