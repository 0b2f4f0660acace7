package validate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShortValue(t *testing.T) {
	long := strings.Repeat("a", 300)
	korean := strings.Repeat("가", 100) // 3 bytes each
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"short kept", "hello", "hello"},
		{"exactly 200 kept", long[:200], long[:200]},
		{"long cut", long, long[:197] + "…"},
		{"cut on rune boundary", korean, strings.Repeat("가", 65) + "…"},
		{"invalid byte escaped", "a\xffb", `a\xffb`},
		{"invalid bytes escaped", "\xc3\x28", `\xc3(`},
	}
	for _, tt := range tests {
		got := ShortValue(tt.in)
		if got != tt.want {
			t.Errorf("%s: ShortValue = %q, want %q", tt.name, got, tt.want)
		}
		if len(got) > MaxValueBytes || !utf8.ValidString(got) {
			t.Errorf("%s: ShortValue gave %d bytes, valid=%v", tt.name, len(got), utf8.ValidString(got))
		}
	}
	bad := strings.Repeat("\xff", 300)
	if got := ShortValue(bad); len(got) > MaxValueBytes || !strings.HasPrefix(got, `\xff\xff`) || !strings.HasSuffix(got, "…") {
		t.Errorf("ShortValue of 300 invalid bytes = %q (%d bytes)", got, len(got))
	}
}

func TestCheckText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want textFault
	}{
		{"", textOK},
		{"purchase", textOK},
		{"a longer plain ASCII text", textOK},
		{"서울 café", textOK},
		{"\ufffd", textOK},
		{"\ud7ff\ue000", textOK}, // around the surrogates
		{"\x00", textNUL},
		{"abcdefgh\x00", textNUL},
		{"abcdefg\x00h", textNUL},
		{"\x00bcdefgh", textNUL},
		{"서울\x00", textNUL},
		{"\xed\xa0\x80", textSurrogate},
		{"abcdefgh\xed\xbf\xbf", textSurrogate},
		{"\xed\xa0\x80\x00", textNUL},
		{"\xed\xa0\x80\xff", textInvalid},
		{"\x00\xff", textInvalid},
		{"\xed\xa0", textInvalid},
		{"\xed\xc0\x80", textInvalid},
		{"\xc3\x28", textInvalid},
	} {
		if got := checkText(tt.in); got != tt.want {
			t.Errorf("checkText(%q) = %d, want %d", tt.in, got, tt.want)
		}
		checkTextDefinition(t, tt.in)
	}
}

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "a", "abcdefgh\x00", "\xed\xa0\x80", "\xed\xa0\x80\xff", "서울", "\xe1\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(checkTextDefinition)
}

// checkTextDefinition compares checkText and fixSurrogates with their
// definition by the standard library.
func checkTextDefinition(t *testing.T, s string) {
	fixed := strings.ReplaceAll(s, "\x00", "\x01")
	for r := rune(0xd800); r <= 0xdfff; r++ { // WTF-8 of each surrogate
		fixed = strings.ReplaceAll(fixed, string([]byte{0xed, byte(0x80 | (r>>6)&0x3f), byte(0x80 | r&0x3f)}), "\ufffd")
	}
	want := textOK
	switch {
	case !utf8.ValidString(fixed):
		want = textInvalid
	case strings.Contains(s, "\x00"):
		want = textNUL
	case fixed != strings.ReplaceAll(s, "\x00", "\x01"):
		want = textSurrogate
	}
	got := checkText(s)
	if got != want {
		t.Errorf("checkText(%q) = %d, want %d", s, got, want)
	}
	if got == textSurrogate {
		if f := fixSurrogates(s); f != fixed || !utf8.ValidString(f) {
			t.Errorf("fixSurrogates(%q) = %q, want %q", s, f, fixed)
		}
	}
}
