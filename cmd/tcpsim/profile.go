package main

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile starts Go's CPU profiler for run --cpuprofile, writing to
// path; stop ends it and closes the file. The profile is for `go tool
// pprof`, and merged profiles of the scale experiments are what
// cmd/tcpsim/default.pgo, the profile the Go toolchain optimizes tcpsim
// with, is made of (docs/performance.md).
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
