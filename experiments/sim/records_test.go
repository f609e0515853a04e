package sim

import (
	"math/rand/v2"
	"testing"

	"tcpsim/endpoint"
)

// recTable behaves as a map under random sets and deletes, through growth
// and shrinking, for incarnations close together (as a run makes them)
// and far apart.
func TestRecTableIsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	recs := make([]*connRecord, 16)
	for i := range recs {
		recs[i] = &connRecord{ordinal: i}
	}
	for _, tc := range []struct {
		name string
		inc  func(step int) endpoint.Incarnation
	}{
		{"a sliding window", func(step int) endpoint.Incarnation { return endpoint.Incarnation(1 + step/4 + rng.IntN(2000)) }},
		{"random", func(int) endpoint.Incarnation { return endpoint.Incarnation(rng.Uint64() | 1) }},
	} {
		var rt recTable
		ref := map[endpoint.Incarnation]*connRecord{}
		for step := range 200_000 {
			inc := tc.inc(step)
			if rng.IntN(4) != 0 == (step < 100_000) {
				r := recs[rng.IntN(len(recs))]
				rt.set(inc, r)
				ref[inc] = r
			} else {
				rt.set(inc, nil)
				delete(ref, inc)
			}
			if got := rt.get(inc); got != ref[inc] {
				t.Fatalf("%s step %d: get(%d) = %p, want %p", tc.name, step, inc, got, ref[inc])
			}
			if step%997 == 0 {
				for k, r := range ref {
					if got := rt.get(k); got != r {
						t.Fatalf("%s step %d: get(%d) = %p, want %p", tc.name, step, k, got, r)
					}
				}
				if rt.n != len(ref) {
					t.Fatalf("%s step %d: %d entries, want %d", tc.name, step, rt.n, len(ref))
				}
			}
		}
		if len(rt.e) > 4*minRecTable && rt.n < len(rt.e)/16 {
			t.Errorf("%s: %d entries in a table of %d: it did not shrink", tc.name, rt.n, len(rt.e))
		}
	}
}
