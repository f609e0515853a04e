package endpoint

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"tcpsim/engine"
)

// TestTwFIFOKeepsItsBlocks drives the TIME-WAIT expiry queue through long
// random walks of pushes and pops around a steady length, as a stack at a
// fixed TIME-WAIT population does, and checks that it pops in push order
// and never holds more blocks than its peak length needs: a drained block
// must be reused, not dropped for the collector (issue 17's RSS target).
// One walk instead fills the queue and drains it to empty, over and over,
// as a run whose connections come in bursts does.
func TestTwFIFOKeepsItsBlocks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		steady int // length around which the walk moves
		steps  int
		seed   uint64
		cycle  bool // fill to steady, drain to empty, and again
	}{
		{"below one block", 100, 200000, 1, false},
		{"a few blocks", 3000, 500000, 2, false},
		{"many blocks", 60000, 2000000, 3, false},
		{"fill and drain", 5000, 200000, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 0))
			var q twFIFO
			var want []uint32 // the reference queue: slots in push order
			next, peak, filling := uint32(0), 0, true
			seen := map[*[twFIFOLen]twExpiry]bool{}
			for step := range tc.steps {
				push := len(want) == 0 || len(want) < tc.steady && rng.IntN(4) > 0 || len(want) >= tc.steady && rng.IntN(2) == 0
				if tc.cycle {
					if len(want) == 0 || len(want) == tc.steady {
						filling = len(want) == 0
					}
					push = filling
				}
				if push {
					q.push(twExpiry{at: engine.Time(next), slot: next})
					want = append(want, next)
					next++
					seen[q.blocks[len(q.blocks)-1]] = true
					peak = max(peak, len(want))
					continue
				}
				if q.empty() {
					t.Fatalf("step %d: queue empty, want %d expiries", step, len(want))
				}
				if got := q.front().slot; got != want[0] {
					t.Fatalf("step %d: front slot %d, want %d", step, got, want[0])
				}
				q.pop()
				want = want[1:]
			}
			if q.empty() != (len(want) == 0) {
				t.Fatalf("empty() = %v with %d expiries queued", q.empty(), len(want))
			}
			// A queue of length L spans at most L/twFIFOLen + 2 blocks
			// (a partly drained head block and a partly written tail).
			if limit := peak/twFIFOLen + 2; len(seen) > limit {
				t.Errorf("%d blocks allocated for a peak length of %d, want at most %d", len(seen), peak, limit)
			}
			q.reset()
			spare := 0
			for _, b := range q.blocks[:cap(q.blocks)] {
				if b != nil {
					spare++
				}
			}
			if !q.empty() || spare != len(seen) {
				t.Errorf("after reset: empty %v, %d spare blocks, want true and %d", q.empty(), spare, len(seen))
			}
		})
	}
}

// TestTimeWaitDrainReusesSlots fills a stack with TIME-WAIT remnants, lets
// them all expire, and fills it again, as a run does at its end and as a
// long run does all the time. The drain must allocate nothing (a free list
// kept in a slice grew as the remnants died, and the connection table
// halved as it emptied: 30 MB of garbage at the end of hundred-million),
// and the second population must reuse the first one's slots, each with a
// new generation, and their table and expiry queue.
func TestTimeWaitDrainReusesSlots(t *testing.T) {
	const n = 60000 // one client of hundred-million.yaml
	sim := engine.New()
	st, err := NewStack(sim, addrA, DefaultConfig(), engine.NewStreams(1, 0).Rand("tw"), NewIDs(), discard{})
	if err != nil {
		t.Fatal(err)
	}
	fill := func(round int) {
		for i := range n {
			key := tupleKey(uint16(1024+i), Addr(0x0a000002), 80)
			st.tw.add(key, twEntry{key: key, inc: Incarnation(round*n + i + 1), sndNxt: 1, rcvNxt: 2}, time.Minute)
		}
	}
	fill(0)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	sim.Run()
	runtime.ReadMemStats(&m1)
	if _, tw := st.NumConns(); tw != 0 {
		t.Fatalf("%d remnants left after the drain", tw)
	}
	if got := m1.Mallocs - m0.Mallocs; got != 0 {
		t.Errorf("draining %d remnants made %d allocations, want none", n, got)
	}
	runtime.ReadMemStats(&m0)
	fill(1)
	runtime.ReadMemStats(&m1)
	// Arming the TIME-WAIT timer in the drained simulation may take the
	// engine's queue a chunk or two; the remnants' own structures take
	// nothing (a table that had shrunk, or an expiry queue that had dropped
	// its blocks, took hundreds).
	if got := m1.Mallocs - m0.Mallocs; got > 4 {
		t.Errorf("refilling %d remnants made %d allocations, want at most 4", n, got)
	}
	if st.tw.n != n {
		t.Errorf("second population of %d took %d slots, want the first one's %d", n, st.tw.n, n)
	}
	for slot := range uint32(n) {
		if e := st.tw.entry(slot); !e.live || e.gen != 1 {
			t.Fatalf("slot %d: live %v, gen %d after one reuse, want true, 1", slot, e.live, e.gen)
		}
	}
}
