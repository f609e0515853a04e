package engine

import (
	"math/rand/v2"
	"testing"
)

// IDTable behaves as a map under random puts and deletes, through growth
// and a drain, for IDs that cluster (a sliding window, as incarnations
// and ports do) and IDs spread at random. A drained table keeps its size,
// so filling it again allocates nothing (the pools it indexes keep their
// peak too, and a table that shrank made garbage as a run drained).
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
		most := 0 // the peak of Len
		for step := range 200_000 {
			k := tc.key(step)
			// Fill for the first half, drain in the second.
			if rng.IntN(4) != 0 == (step < 100_000) {
				v := rng.Uint32()
				tt.Put(k, v)
				ref[k] = v
				most = max(most, tt.Len())
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
		// Refill to the peak: the drained table takes it without growing.
		size := len(tt.e)
		for step := 0; tt.Len() < most; step++ {
			tt.Put(tc.key(step), 1)
		}
		if len(tt.e) != size {
			t.Errorf("%s: the drained table of %d entries grew to %d to take its peak of %d keys again", tc.name, size, len(tt.e), most)
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
	tt.grow(1 << 16)
	for base := uint64(0x0a000002 << 32); base < 0x0a000002<<32+4000; base += 4 {
		g := tt.home(base) &^ 3
		for i := range uint64(4) {
			if h := tt.home(base + i); h != g+int(i) {
				t.Fatalf("home(%#x) = %d, want %d: neighbours apart", base+i, h, g+int(i))
			}
		}
	}
}
