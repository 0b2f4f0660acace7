package main

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// newProgress returns a progress callback drawing a bar on stderr when it is
// a terminal (and not --quiet), or nil. total is the input size in bytes, or
// -1 when unknown (stdin).
func newProgress(quiet bool, total int64) (update func(bytes, rows int64), done func()) {
	if quiet || !isTerminal(os.Stderr) {
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

// inputSize sums the sizes of local inputs; -1 when one is stdin.
func inputSize(inputs []string) int64 {
	var total int64
	for _, in := range inputs {
		fi, err := os.Stat(in)
		if in == "-" || err != nil {
			return -1
		}
		total += fi.Size()
	}
	return total
}
