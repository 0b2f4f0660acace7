package report

import (
	"fmt"
	"strings"
)

// Noun is noun for a count of 1 and its plural (noun+"s") otherwise: the
// one place the agent's messages pluralise ("1 row", "2 rows").
func Noun(n int64, noun string) string {
	if n == 1 || n == -1 {
		return noun
	}
	return noun + "s"
}

// Count is n followed by Noun(n, noun): "1 row", "0 rows", "3 partitions".
func Count[N ~int | ~int64](n N, noun string) string {
	return fmt.Sprintf("%d %s", n, Noun(int64(n), noun))
}

// Num formats 1234567 as "1,234,567".
func Num(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
