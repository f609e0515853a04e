package endpoint

import (
	"math/rand/v2"
	"testing"

	"tcpsim/engine"
)

// TestTwFIFOKeepsItsBlocks drives the TIME-WAIT expiry queue through long
// random walks of pushes and pops around a steady length, as a stack at a
// fixed TIME-WAIT population does, and checks that it pops in push order
// and never holds more blocks than its peak length needs: a drained block
// must be reused, not dropped for the collector (issue 17's RSS target).
func TestTwFIFOKeepsItsBlocks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		steady int // length around which the walk moves
		steps  int
		seed   uint64
	}{
		{"below one block", 100, 200000, 1},
		{"a few blocks", 3000, 500000, 2},
		{"many blocks", 60000, 2000000, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 0))
			var q twFIFO
			var want []uint32 // the reference queue: slots in push order
			next, peak := uint32(0), 0
			seen := map[*[twFIFOLen]twExpiry]bool{}
			for step := range tc.steps {
				if len(want) == 0 || len(want) < tc.steady && rng.IntN(4) > 0 || len(want) >= tc.steady && rng.IntN(2) == 0 {
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
			if !q.empty() || len(q.spare) != len(seen) {
				t.Errorf("after reset: empty %v, %d spare blocks, want true and %d", q.empty(), len(q.spare), len(seen))
			}
		})
	}
}
