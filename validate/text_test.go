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
