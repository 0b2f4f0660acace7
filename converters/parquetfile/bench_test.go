//go:build linux

package parquetfile

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU returns the CPU time of the calling thread (Linux).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measureCPU reports the CPU time per op of the benchmark's goroutine,
// locked to its thread: on a busy machine, steadier than the wall time.
func measureCPU(b *testing.B) func() {
	runtime.LockOSThread()
	start := threadCPU()
	return func() {
		b.ReportMetric(float64((threadCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		runtime.UnlockOSThread()
	}
}

// BenchmarkWriteSerial measures the part of Write that runs on the caller's
// goroutine: copying rows into a batch.
func BenchmarkWriteSerial(b *testing.B) {
	evs := events(batchRows)
	batch := new(columnBatch)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		if batch.rows == batchRows {
			batch.reset()
		}
		batch.appendRow(&evs[i%len(evs)])
	}
}

// BenchmarkEncode measures the encoders' work per row, all columns on one
// goroutine: what Options.Threads goroutines share.
func BenchmarkEncode(b *testing.B) {
	for _, compression := range []string{"snappy", "none"} {
		b.Run(compression, func(b *testing.B) {
			codec, err := codecOf(compression)
			if err != nil {
				b.Fatal(err)
			}
			batch := new(columnBatch)
			evs := events(batchRows)
			for i := range evs {
				batch.appendRow(&evs[i])
			}
			var columns []*columnEncoder
			for col := range numLeafColumns {
				columns = append(columns, newColumnEncoder(col, codec))
			}
			b.ReportAllocs()
			b.ResetTimer()
			defer measureCPU(b)()
			for i := 0; i < b.N; i += batchRows {
				batch.last = (i/batchRows)%(DefaultRowGroupRows/batchRows) == 0
				for _, c := range columns {
					c.encode(batch)
					if batch.last {
						c.finish()
					}
				}
			}
		})
	}
}
