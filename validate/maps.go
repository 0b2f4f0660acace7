package validate

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// normMap appends src to dst with keys trimmed and lowercased, sorted by key,
// keeping the first of keys equal after lowercasing (warning DuplicateKey).
// An empty key is dropped with the warning EmptyKey; invalid UTF-8 in a key
// or value rejects the row (InvalidUTF8). Values are kept as given.
func normMap(field string, src, dst []KV, errs, warns []Issue) ([]KV, []Issue, []Issue) {
	sorted := len(dst) == 0
	for _, kv := range src {
		key := trimSpace(kv.Key)
		if !utf8.ValidString(key) {
			errs = append(errs, issue(InvalidUTF8, field+"."+ShortValue(key), kv.Key,
				"a key of "+field+" is not valid UTF-8."))
			continue
		}
		key = strings.ToLower(key)
		if key == "" {
			warns = append(warns, issue(EmptyKey, field, kv.Value,
				"an entry of "+field+" has an empty key and was dropped."))
			continue
		}
		if !utf8.ValidString(kv.Value) {
			errs = append(errs, issue(InvalidUTF8, field+"."+key, kv.Value,
				field+"."+key+" is not valid UTF-8."))
		}
		if n := len(dst); n > 0 && key < dst[n-1].Key {
			sorted = false
		}
		dst = append(dst, KV{Key: key, Value: kv.Value})
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
