package main

import (
	"os"
	"time"

	"github.com/hackle/hackle-agent/agent/export"

	"github.com/schollz/progressbar/v3"
)

// newProgress returns a progress callback drawing a bar on stderr when it is
// a terminal (and not --quiet or --log-format json), or nil. total is the input size in bytes, or
// -1 when unknown (stdin).
func newProgress(quiet bool, total int64) (update func(bytes, rows int64), done func()) {
	if quiet || !isTerminal(os.Stderr) || !run.humanText() { // --log-format json: JSON lines only
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
	return func(bytes, rows int64) { bar.Set64(bytes) }, func() { bar.Finish() }
}

// inputSize sums the sizes of the inputs; -1 when one is unknown (stdin).
func inputSize(inputs []export.Input) int64 {
	var total int64
	for _, in := range inputs {
		if in.Size < 0 {
			return -1
		}
		total += in.Size
	}
	return total
}
