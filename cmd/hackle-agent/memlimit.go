package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/urfave/cli/v2"
)

// The export's memory is mostly bounded buffers (chunks in flight, one row
// group of pages per day, the in-memory part of the dedup set): 45–60 MB
// live. With the default GOGC the heap grows to twice the live heap at its
// last collection, so the peak depended on when the collector happened to
// run (1M rows peaked 40 MB below 5M rows). A soft limit a little above the
// live heap keeps the peak flat at little cost, as an export allocates
// ~50 bytes a row once its buffers have grown (bench/README.md).
const (
	memoryFloor = 88 << 20 // the limit while the live heap is small
	// memoryGrowth is the limit's ratio to the live heap beyond that: a
	// backfill of many days, or a day of a hundred million rows (the
	// dedup set's filters take 1.6 bytes a key), must not make the
	// collector run back to back.
	memoryGrowth = 1.5
	memoryPoll   = 250 * time.Millisecond
)

// memoryLimitFor is the soft memory limit for a live heap of live bytes.
func memoryLimitFor(live uint64) int64 {
	return max(memoryFloor, int64(float64(live)*memoryGrowth))
}

// withMemoryLimit makes cmd run under limitMemory.
func withMemoryLimit(cmd *cli.Command) *cli.Command {
	action := cmd.Action
	cmd.Action = func(c *cli.Context) error {
		limitMemory(c.Context)
		return action(c)
	}
	return cmd
}

// limitMemory keeps the soft memory limit at memoryLimitFor the live heap
// until ctx ends, unless GOMEMLIMIT is set (the user's limit stands).
func limitMemory(ctx context.Context) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(memoryFloor)
	debug.SetMemoryLimit(limit)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(memoryPoll)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return // not reported by this runtime: keep the floor
			}
			if l := memoryLimitFor(sample[0].Value.Uint64()); l != limit {
				limit = l
				debug.SetMemoryLimit(limit)
			}
		}
	}()
}

// collectAtLimit leaves the collector to the soft limit (withMemoryLimit)
// alone, for the commands whose live heap is well below its floor
// (validate --partition: ~25-35 MB, pull: ~40-60 MB). With GOGC the peak
// is twice the live heap, which grows by the dedup set's 1.6 bytes a
// spilled insert_id: 5M rows peaked 22% above 1M. At the limit the peak
// is the same for a day of any size, and the collector runs less. GOGC or
// GOMEMLIMIT, when set, stand.
func collectAtLimit() {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(-1)
}
