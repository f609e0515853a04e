package plots

import (
	"math"
	"testing"
)

// TestErlangB checks the recurrence against values computed by hand.
func TestErlangB(t *testing.T) {
	for _, tc := range []struct {
		k    int
		a    float64
		want float64
	}{{0, 5, 1}, {1, 1, 0.5}, {2, 1, 0.2}, {1, 3, 0.75}, {3, 2, 4.0 / 19}} {
		if got := ErlangB(tc.k, tc.a); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ErlangB(%d, %v) = %v, want %v", tc.k, tc.a, got, tc.want)
		}
	}
}
