package engine

import (
	"math/rand/v2"
	"testing"
)

// IDTable behaves as a map under random puts and deletes, through growth
// and shrinking, for IDs that cluster (a sliding window, as incarnations
// and ports do) and IDs spread at random.
func TestIDTableIsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, tc := range []struct {
		name string
		key  func(step int) uint64
	}{
		{"a sliding window", func(step int) uint64 { return uint64(1 + step/4 + rng.IntN(2000)) }},
		{"ports of one peer", func(int) uint64 { return uint64(1024+rng.IntN(3000))<<48 | 0x0a000002<<16 | 80 }},
		{"random", func(int) uint64 { return rng.Uint64() | 1 }},
	} {
		var tt IDTable[uint64, uint32]
		ref := map[uint64]uint32{}
		for step := range 200_000 {
			k := tc.key(step)
			// Fill for the first half, drain in the second, so the table
			// both grows and shrinks.
			if rng.IntN(4) != 0 == (step < 100_000) {
				v := rng.Uint32()
				tt.Put(k, v)
				ref[k] = v
			} else {
				tt.Delete(k)
				delete(ref, k)
			}
			if want, in := ref[k]; func() bool { got, ok := tt.Get(k); return ok != in || got != want }() {
				t.Fatalf("%s step %d: Get(%#x) disagrees with the map (%d, %v)", tc.name, step, k, want, in)
			}
			if step%997 == 0 {
				for k, v := range ref {
					if got, ok := tt.Get(k); !ok || got != v {
						t.Fatalf("%s step %d: Get(%#x) = %d, %v; want %d", tc.name, step, k, got, ok, v)
					}
				}
				if tt.Len() != len(ref) {
					t.Fatalf("%s step %d: %d entries, want %d", tc.name, step, tt.Len(), len(ref))
				}
			}
		}
		// After the drain a quarter of the peak is left at most: the table
		// must have shrunk below four times its minimum or to 16 per entry.
		if len(tt.e) > 4*minIDTable && tt.n < len(tt.e)/16 {
			t.Errorf("%s: %d entries in a table of %d: it did not shrink", tc.name, tt.n, len(tt.e))
		}
	}
	var tt IDTable[uint64, int]
	if _, ok := tt.Get(0); ok {
		t.Error("Get(0) on an empty table found something")
	}
	tt.Put(5, 1)
	if _, ok := tt.Get(0); ok {
		t.Error("Get(0) found something: 0 marks empty entries")
	}
}

// Keys that differ in their two low bits share one aligned group of four
// entries (a cache line of 16-byte entries).
func TestIDTableNeighboursShareAGroup(t *testing.T) {
	// A table of 2^16 entries and a run of 1,000 groups: the groups are
	// spread over the table, so one group's home never depends on another.
	var tt IDTable[uint64, uint32]
	tt.resize(1 << 16)
	for base := uint64(0x0a000002 << 32); base < 0x0a000002<<32+4000; base += 4 {
		g := tt.home(base) &^ 3
		for i := range uint64(4) {
			if h := tt.home(base + i); h != g+int(i) {
				t.Fatalf("home(%#x) = %d, want %d: neighbours apart", base+i, h, g+int(i))
			}
		}
	}
}
