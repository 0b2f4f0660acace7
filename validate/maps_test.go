package validate

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// plainKey must only say yes to keys that trimming and lowercasing leave as
// they are, and must say yes to the common ones.
func TestPlainKey(t *testing.T) {
	for _, tc := range []struct {
		key   string
		plain bool
	}{
		{"device_id", true},
		{"$app.version", true},
		{"a b", true}, // inner space is kept by TrimSpace too
		{"x", true},
		{"", false},
		{" id", false},
		{"id ", false},
		{"id\t", false},
		{"\x00id", false},
		{"Device_ID", false},
		{"deviceZ", false},
		{"@", true},
		{"[", true},
		{"키", false},
		{"id\u00a0", false}, // a no-break space, trimmed
		{"\xffid", false},
		{"session_identifier", true}, // longer than 8 bytes: the word loop
		{"session_Identifier", false},
		{"session_identifieR", false},
		{"sessionZidentifier", false},
		{"session@[identifier", true},
		{"session_id\x80ntifier", false},
		{"abcdefgh\xc3\xa9", false},
		{"a\x00b", false}, // a NUL is rejected on the general path
		{"session\x00identifier", false},
		{"session_identifie\x00", false},
	} {
		if got := plainKey(tc.key); got != tc.plain {
			t.Errorf("plainKey(%q) = %v, want %v", tc.key, got, tc.plain)
		}
		checkPlainKey(t, tc.key)
	}
}

func FuzzPlainKey(f *testing.F) {
	for _, s := range []string{"id", "ID", " id ", "a\u0085", "é", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(checkPlainKey)
}

// checkPlainKey fails when plainKey takes a key the general path would
// change, or differs from its byte-by-byte definition.
func checkPlainKey(t *testing.T, key string) {
	got := plainKey(key)
	if got && (key == "" || !utf8.ValidString(key) || strings.ToLower(strings.TrimSpace(key)) != key) {
		t.Errorf("plainKey(%q) is true, but the key is not normalised", key)
	}
	want := key != "" && key[0] > ' ' && key[len(key)-1] > ' ' &&
		!strings.ContainsFunc(key, func(r rune) bool { return r >= utf8.RuneSelf || unicode.IsUpper(r) || r == 0 })
	if got != want {
		t.Errorf("plainKey(%q) = %v, want %v", key, got, want)
	}
}

func FuzzKeyLess(f *testing.F) {
	for _, p := range [][2]string{{"a", "b"}, {"ab", "aa"}, {"", "a"}, {"a", ""}, {"id", "id"}, {"é", "z"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got := keyLess(a, b); got != (a < b) {
			t.Errorf("keyLess(%q, %q) = %v", a, b, got)
		}
	})
}
