package main

import (
	"context"
	"runtime/debug"
	"testing"
)

func TestMemoryLimitFor(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, memoryFloor},
		{50 << 20, memoryFloor},            // a day of any size: bounded buffers
		{memoryFloor * 2 / 3, memoryFloor}, // where the ratio takes over
		{200 << 20, 300 << 20},             // a long backfill: room to breathe
	} {
		if got := memoryLimitFor(tc.live); got != tc.want {
			t.Errorf("memoryLimitFor(%d MiB) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// TestLimitMemoryFlat checks that the collector is left to the limit,
// unless the user set GOGC.
func TestLimitMemoryFlat(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	limitMemoryFlat(ctx)
	if pct, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); pct != -1 || limit != memoryFloor {
		t.Errorf("GOGC %d, limit %d MiB; want off and %d MiB", pct, limit>>20, memoryFloor>>20)
	}
	t.Setenv("GOGC", "50")
	limitMemoryFlat(ctx)
	if pct := debug.SetGCPercent(100); pct != 100 {
		t.Errorf("with GOGC set: GC percent %d, want it left at 100", pct)
	}
}
