package main

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// A run keeps little live data (a few MB for most experiments, about 100 MB
// for a million connections) but allocates per connection, so Go's default
// collector (GOGC=100) runs many short cycles, and with one worker per core
// they take time from the workers. Unless the user sets GOGC or GOMEMLIMIT,
// tcpsim collects only when the heap nears gcHeapLimit: on the 2-core CI
// machine a 16-run sweep then runs about 1.2x as fast with one worker and
// its two-worker speed-up rises from about 1.8 to 2 (BenchmarkSweepJobs).
// Should the live heap itself grow past gcLiveMax (connections.csv of
// millions of connections, say), collecting only near the limit would
// collect all the time, and the default collector comes back.
const (
	gcHeapLimit = 512 << 20
	gcLiveMax   = gcHeapLimit / 2
)

// tuneGC applies the policy above unless getenv finds GOGC or GOMEMLIMIT
// set. The returned function stops watching the live heap.
func tuneGC(getenv func(string) string) (stop func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcHeapLimit)
	done := make(chan struct{})
	go watchLiveHeap(done, 250*time.Millisecond)
	return func() { close(done) }
}

// watchLiveHeap restores the default collector once a collection finds more
// than gcLiveMax bytes live. It reads the wall clock only to pace itself;
// nothing of it reaches a simulation.
func watchLiveHeap(done <-chan struct{}, every time.Duration) {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 && live[0].Value.Uint64() > gcLiveMax {
				restoreDefaultGC()
				return
			}
		}
	}
}

// restoreDefaultGC is Go's own policy: GOGC=100, no memory limit but
// --max-memory's.
func restoreDefaultGC() {
	debug.SetGCPercent(100)
	lim := int64(math.MaxInt64)
	if l := heapLimit.Load(); l > 0 {
		lim = l
	}
	debug.SetMemoryLimit(lim)
}
