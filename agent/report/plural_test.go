package report

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0 rows"}, {1, "1 row"}, {2, "2 rows"}, {1000, "1000 rows"}} {
		if got := Count(tc.n, "row"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := Count(1, "partition"); got != "1 partition" {
		t.Errorf("Count(1, partition) = %q", got)
	}
}
