package endpoint

import (
	"fmt"
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

// BenchmarkTupleLookup compares the connection table with the Go map it
// replaced, looking up the 4-tuples of a live population (one remote
// host, ten server ports, sequential local ports) in random order: 4,000
// (a busy client), 40,000 (million-connections' TIME-WAIT) and 600,000
// (hundred-million's).
func BenchmarkTupleLookup(b *testing.B) {
	for _, n := range []int{4_000, 40_000, 600_000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = tupleKey(uint16(1024+i/10%64_000), Addr(0x0a000002+i/640_000), uint16(80+i%10))
		}
		order := rand.New(rand.NewPCG(1, uint64(n))).Perm(n)
		var tt tupleTable
		m := map[uint64]uint32{}
		for i, k := range keys {
			tt.put(k, uint32(i))
			m[k] = uint32(i)
		}
		b.Run(fmt.Sprintf("table/n=%d", n), func(b *testing.B) {
			i, sum := 0, uint32(0)
			for b.Loop() {
				r, _ := tt.get(keys[order[i]])
				sum += r
				if i++; i == n {
					i = 0
				}
			}
			_ = sum
		})
		b.Run(fmt.Sprintf("map/n=%d", n), func(b *testing.B) {
			i, sum := 0, uint32(0)
			for b.Loop() {
				sum += m[keys[order[i]]]
				if i++; i == n {
					i = 0
				}
			}
			_ = sum
		})
	}
}
