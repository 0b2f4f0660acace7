package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// profileFlags are hidden global flags for performance work
// (bench/README.md): --cpuprofile FILE writes a pprof CPU profile of the
// whole run, --memprofile FILE the allocations of the whole run.
var profileFlags = []cli.Flag{
	&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to this file"},
	&cli.StringFlag{Name: "memprofile", Hidden: true, Usage: "write an allocation profile to this file at the end"},
}

// startProfile starts the profiles asked for; the returned func stops them.
func startProfile(c *cli.Context) (func(), error) {
	cpu, mem := c.String("cpuprofile"), c.String("memprofile")
	stop := func() {}
	if mem != "" {
		runtime.MemProfileRate = 64 << 10
		stop = func() {
			if f, err := os.Create(mem); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	if cpu == "" {
		return stop, nil
	}
	f, err := os.Create(cpu)
	if err != nil {
		return nil, usagef("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close(); stop() }, nil
}
