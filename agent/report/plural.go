package report

import "fmt"

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
