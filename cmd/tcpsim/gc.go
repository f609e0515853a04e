package main

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// A run keeps little live data (a few MB for most experiments, tens of MB
// for the TIME-WAITs of the scale runs) and allocates little per
// connection, but a sweep of small runs allocates a network, tables and
// results per run, so Go's default collector (GOGC=100) runs many short
// cycles, and with one worker per core they take time from the workers.
// Unless the user sets GOGC or GOMEMLIMIT, tcpsim collects only when the
// heap nears gcHeapLimit: on the 2-core CI machine a 16-run sweep then runs
// 27–28 runs/s with one worker and 50–51 with two, against 22–25 and 46–47
// with GOGC=100 (BenchmarkSweepJobs). Once a collection finds more than
// gcLiveMax bytes live (hundred-million's 600,000 TIME-WAITs, or
// connections.csv's records of millions of connections), Go's pacer takes
// over with GOGC=gcLargePercent: the heap then stays within a quarter of
// the live data, so a long run's memory follows its live connections and
// not the garbage of its hours, and collections stay cheap because the
// large tables hold no pointers. The limit is low so that a large run
// reaches the pacer early. A run then makes no garbage once its population
// is steady, nor as it drains (pools and tables keep their peak), so its
// heap stays at the live data and its peak RSS does not grow with its
// length: hundred-million run to the end with 10^6 / 10^7 / 10^8
// connections peaks at 85.7 / 86.1 / 86.9 MiB (194 MiB at 10^8 when the
// limit was 512 MiB).
const (
	gcHeapLimit    = 64 << 20
	gcLiveMax      = gcHeapLimit / 2
	gcLargePercent = 25
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

// watchLiveHeap hands collection to Go's pacer (pacedGC) once a collection
// finds more than gcLiveMax bytes live. It reads the wall clock only to pace
// itself; nothing of it reaches a simulation.
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
				pacedGC(gcLargePercent)
				return
			}
		}
	}
}

// pacedGC is Go's own policy with GOGC=percent: no memory limit but
// --max-memory's.
func pacedGC(percent int) {
	debug.SetGCPercent(percent)
	lim := int64(math.MaxInt64)
	if l := heapLimit.Load(); l > 0 {
		lim = l
	}
	debug.SetMemoryLimit(lim)
}
