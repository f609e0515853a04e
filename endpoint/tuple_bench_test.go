package endpoint

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"tcpsim/engine"
)

// BenchmarkTupleLookup compares the connection table (an engine.IDTable)
// with the Go map it replaced, looking up the 4-tuples of a live
// population (one remote host, ten server ports, sequential local ports)
// in random order: 4,000 (a busy client), 40,000 (million-connections'
// TIME-WAIT) and 600,000 (hundred-million's).
func BenchmarkTupleLookup(b *testing.B) {
	for _, n := range []int{4_000, 40_000, 600_000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = tupleKey(uint16(1024+i/10%64_000), Addr(0x0a000002+i/640_000), uint16(80+i%10))
		}
		order := rand.New(rand.NewPCG(1, uint64(n))).Perm(n)
		var tt engine.IDTable[uint64, uint32]
		m := map[uint64]uint32{}
		for i, k := range keys {
			tt.Put(k, uint32(i))
			m[k] = uint32(i)
		}
		b.Run(fmt.Sprintf("table/n=%d", n), func(b *testing.B) {
			i, sum := 0, uint32(0)
			for b.Loop() {
				r, _ := tt.Get(keys[order[i]])
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
