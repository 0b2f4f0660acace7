package storetest

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

// PutMemory streams sizeMiB of generated data of unknown length into st
// and fails when the Go heap in use grows by more than limitMiB meanwhile:
// a streaming Put holds a few parts, whatever the object's size. The size
// can be raised with HACKLE_TEST_BIG_MB (e.g. 1024 for the README figure).
func PutMemory(t *testing.T, st store.Store, sizeMiB, limitMiB int) {
	if v, err := strconv.Atoi(os.Getenv("HACKLE_TEST_BIG_MB")); err == nil && v > 0 {
		sizeMiB = v
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	start := time.Now()
	size := int64(sizeMiB) << 20
	err := st.Put(context.Background(), "big/generated.bin", &generated{left: size}, -1)
	close(done)
	if err != nil {
		t.Fatalf("Put %d MiB: %v", sizeMiB, err)
	}
	grow := int64(peak.Load()) - int64(base)
	t.Logf("Put %d MiB in %v: heap grew by at most %.1f MiB; process peak RSS %s",
		sizeMiB, time.Since(start).Round(time.Millisecond), float64(grow)/(1<<20), peakRSS())
	if grow > int64(limitMiB)<<20 {
		t.Fatalf("heap grew by %.1f MiB putting %d MiB, want at most %d MiB", float64(grow)/(1<<20), sizeMiB, limitMiB)
	}
	oi, err := st.Stat(context.Background(), "big/generated.bin")
	if err != nil || oi.Size != size {
		t.Fatalf("Stat after Put: size %d, %v; want %d", oi.Size, err, size)
	}
	st.Delete(context.Background(), "big/generated.bin")
}

// generated is a reader of n bytes that allocates nothing.
type generated struct{ left, off int64 }

func (g *generated) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	for i := range p {
		p[i] = byte((g.off + int64(i)) * 31 >> 3)
	}
	g.off += int64(len(p))
	g.left -= int64(len(p))
	return len(p), nil
}

// peakRSS is VmHWM from /proc/self/status (Linux), or "unknown".
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}
