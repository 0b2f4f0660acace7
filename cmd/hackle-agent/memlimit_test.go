package main

import "testing"

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
