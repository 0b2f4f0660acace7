package parquetfile

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestCompareSigned(t *testing.T) {
	tests := []struct {
		a, b int64
		want int
	}{
		{0, 0, 0},
		{-1, 0, -1},
		{0, -1, 1},
		{-5, 3, -1},
		{3, -5, 1},
		{-5, -4, -1},
		{1 << 40, 1<<40 + 1, -1},
		{-1 << 50, 1, -1},
	}
	for _, tt := range tests {
		a, b := decimal(tt.a), decimal(tt.b)
		if got := compareSigned(a[:], b[:]); sign(got) != tt.want {
			t.Errorf("compareSigned(%d, %d) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// TestDecimalStatistics checks that metric_value's min/max in the column
// chunk statistics are signed: an unsigned order would give min 0.5 and max
// -5 for these rows.
func TestDecimalStatistics(t *testing.T) {
	evs := events(3)
	for i, unscaled := range []int64{500_000, -5_000_000, 3_000_000} {
		evs[i].MetricValue = decimal(unscaled)
	}
	data := writeAll(t, Options{}, evs)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	wantMin, wantMax := decimal(-5_000_000), decimal(3_000_000)
	stats := f.Metadata().RowGroups[0].Columns[colMetricValue].MetaData.Statistics
	if !bytes.Equal(stats.MinValue, wantMin[:]) || !bytes.Equal(stats.MaxValue, wantMax[:]) {
		t.Errorf("chunk statistics min %x max %x, want %x %x", stats.MinValue, stats.MaxValue, wantMin[:], wantMax[:])
	}
	checkEvents(t, readAll(t, data), evs)
}
