package endpoint

import (
	"math/rand/v2"
	"testing"
)

// tupleTable behaves as a map under random puts and deletes, through
// growth and shrinking, for keys that cluster (one remote host, ports in a
// range) and keys spread at random.
func TestTupleTableIsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, tc := range []struct {
		name string
		key  func() uint64
	}{
		{"one peer, sequential ports", func() uint64 { return tupleKey(uint16(1024+rng.IntN(3000)), 0x0a000002, 80) }},
		{"ten server ports", func() uint64 { return tupleKey(uint16(1024+rng.IntN(500)), 0x0a000002, uint16(80+rng.IntN(10))) }},
		{"random", func() uint64 { return rng.Uint64() | 1 }},
	} {
		var tt tupleTable
		ref := map[uint64]uint32{}
		for step := range 200_000 {
			k := tc.key()
			// Fill for the first half, drain in the second, so the table
			// both grows and shrinks.
			if rng.IntN(4) != 0 == (step < 100_000) {
				v := rng.Uint32()
				tt.put(k, v)
				ref[k] = v
			} else {
				tt.del(k)
				delete(ref, k)
			}
			if step%997 == 0 {
				for k, v := range ref {
					if got, ok := tt.get(k); !ok || got != v {
						t.Fatalf("%s step %d: get(%#x) = %d, %v; want %d", tc.name, step, k, got, ok, v)
					}
				}
				if tt.n != len(ref) {
					t.Fatalf("%s step %d: %d entries, want %d", tc.name, step, tt.n, len(ref))
				}
			}
			if _, in := ref[k]; func() bool { _, ok := tt.get(k); return ok }() != in {
				t.Fatalf("%s step %d: get(%#x) disagrees with the map (%v)", tc.name, step, k, in)
			}
		}
		if len(tt.e) > 4*minTuples && tt.n < len(tt.e)/16 {
			t.Errorf("%s: %d entries in a table of %d: it did not shrink", tc.name, tt.n, len(tt.e))
		}
	}
}
