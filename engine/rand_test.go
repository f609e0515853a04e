package engine

import (
	"slices"
	"testing"
)

func draws(s Streams, path string, n int) []uint64 {
	r := s.Rand(path)
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

func TestStreamsAreReproducibleAndIndependent(t *testing.T) {
	base := NewStreams(42, 0)
	ref := draws(base, "link/a->b/loss", 100)
	tests := []struct {
		name     string
		s        Streams
		path     string
		wantSame bool
	}{
		{"same triple", NewStreams(42, 0), "link/a->b/loss", true},
		{"other path", base, "link/b->a/loss", false},
		{"path prefix", base, "link/a->b/los", false},
		{"other replication", NewStreams(42, 1), "link/a->b/loss", false},
		{"other seed", NewStreams(43, 0), "link/a->b/loss", false},
		{"seed and replication swapped", NewStreams(0, 42), "link/a->b/loss", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := draws(tt.s, tt.path, 100)
			if same := slices.Equal(got, ref); same != tt.wantSame {
				t.Errorf("draws equal to reference = %v, want %v", same, tt.wantSame)
			}
		})
	}
}

// TestAddingAComponentChangesNoOtherStream draws from two components in a
// run, then from the same two after a third component was created and drawn
// from in between: the first two see exactly the same numbers.
func TestAddingAComponentChangesNoOtherStream(t *testing.T) {
	run := func(extra bool) (a, b []uint64) {
		s := NewStreams(7, 3)
		ra, rb := s.Rand("host/client/isn"), s.Rand("link/c->s/delay")
		for range 50 {
			a = append(a, ra.Uint64())
			if extra {
				rx := s.Rand("link/new/dup")
				rx.Uint64()
			}
			b = append(b, rb.Uint64())
		}
		return a, b
	}
	a1, b1 := run(false)
	a2, b2 := run(true)
	if !slices.Equal(a1, a2) || !slices.Equal(b1, b2) {
		t.Error("a new component changed the draws of existing components")
	}
}

func TestStreamsLookUniform(t *testing.T) {
	// Across many (seed, path) pairs, the first draw's top bit should be set
	// about half the time. With n = 4000 draws of a fair coin, the count is
	// within 4 standard deviations (4·sqrt(n/4) ≈ 126) of n/2 with probability
	// above 0.9999.
	const n = 4000
	ones := 0
	for i := range uint64(n) {
		if NewStreams(i, 0).Rand("x").Uint64()>>63 == 1 {
			ones++
		}
	}
	if d := ones - n/2; d > 126 || d < -126 {
		t.Errorf("top bit set in %d of %d first draws, want %d±126", ones, n, n/2)
	}
}
