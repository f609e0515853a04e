package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The collector policy: off with a heap limit by default, untouched when
// the user set GOGC or GOMEMLIMIT, and Go's pacer with gcLargePercent once
// the live heap passes gcLiveMax.
func TestTuneGC(t *testing.T) {
	defer pacedGC(100)
	for _, tc := range []struct {
		env     map[string]string
		percent int
		limit   int64
	}{
		{nil, -1, gcHeapLimit},
		{map[string]string{"GOGC": "200"}, 100, -1},
		{map[string]string{"GOMEMLIMIT": "2GiB"}, 100, -1},
	} {
		pacedGC(100)
		stop := tuneGC(func(k string) string { return tc.env[k] })
		percent := debug.SetGCPercent(100)
		debug.SetGCPercent(percent)
		limit := debug.SetMemoryLimit(-1)
		stop()
		if percent != tc.percent || tc.limit >= 0 && limit != tc.limit {
			t.Errorf("env %v: GC percent %d, limit %d; want %d, %d", tc.env, percent, limit, tc.percent, tc.limit)
		}
	}
	// A live heap above gcLiveMax hands collection to the pacer.
	pacedGC(100)
	debug.SetGCPercent(-1)
	ballast := make([]byte, gcLiveMax+1<<20)
	runtime.GC()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() { watchLiveHeap(done, time.Millisecond); close(finished) }()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		close(done)
		t.Fatal("the watcher did not notice a live heap above gcLiveMax")
	}
	runtime.KeepAlive(ballast)
	if p := debug.SetGCPercent(100); p != gcLargePercent {
		t.Errorf("GC percent %d after a large live heap, want %d", p, gcLargePercent)
	}
}
