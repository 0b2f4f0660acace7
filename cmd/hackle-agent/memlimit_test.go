package main

import (
	"context"
	"io"
	"math"
	"os"
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

// TestRowCommandsLimitMemory runs each command in this process (each
// stops at a usage error) and checks that export, pull and validate set
// the soft memory limit, and the others leave it alone.
func TestRowCommandsLimitMemory(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		args    []string
		limited bool
	}{
		{[]string{"export"}, true},
		{[]string{"pull"}, true},
		{[]string{"validate"}, true},
		{[]string{"validate", "--partition", ""}, true},
		{[]string{"policy"}, false},
		{[]string{"init"}, false},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		debug.SetMemoryLimit(math.MaxInt64)
		app := newApp()
		app.Writer, app.ErrWriter = io.Discard, io.Discard
		err := app.RunContext(ctx, append([]string{"hackle-agent"}, tc.args...))
		cancel()
		if !isUsage(err) {
			t.Errorf("%v: %v, want a usage error", tc.args, err)
		}
		if got := debug.SetMemoryLimit(-1) == memoryFloor; got != tc.limited {
			t.Errorf("%v: soft memory limit set %v, want %v", tc.args, got, tc.limited)
		}
	}
}

// TestCollectAtLimit checks that pull and validate --partition leave the
// collector to the limit, unless the user set GOGC or GOMEMLIMIT.
func TestCollectAtLimit(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	collectAtLimit()
	if pct := debug.SetGCPercent(100); pct != -1 {
		t.Errorf("GC percent %d, want -1 (off: the limit runs the collector)", pct)
	}
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "50")
			collectAtLimit()
			if pct := debug.SetGCPercent(100); pct != 100 {
				t.Errorf("with %s set: GC percent %d, want it left at 100", env, pct)
			}
		})
	}
}
