package results

import (
	"math"
	"testing"
)

func TestEstimate95(t *testing.T) {
	tests := []struct {
		name             string
		xs               []float64
		mean, sd, lo, hi float64
	}{
		// Values checked by hand: t(0.975, 4) = 2.776445; sd of 1..5 = sqrt(2.5).
		{"one to five", []float64{1, 2, 3, 4, 5}, 3, math.Sqrt(2.5),
			3 - 2.776445*math.Sqrt(2.5)/math.Sqrt(5), 3 + 2.776445*math.Sqrt(2.5)/math.Sqrt(5)},
		// t(0.975, 1) = 12.7062.
		{"two samples", []float64{0, 2}, 1, math.Sqrt2, 1 - 12.7062, 1 + 12.7062},
		{"constant", []float64{7, 7, 7}, 7, 0, 7, 7},
		{"single", []float64{4}, 4, 0, math.NaN(), math.NaN()},
		{"empty", nil, math.NaN(), 0, math.NaN(), math.NaN()},
	}
	near := func(a, b float64) bool {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.IsNaN(a) && math.IsNaN(b)
		}
		return math.Abs(a-b) < 1e-4
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Estimate95(tt.xs)
			if e.N != len(tt.xs) || !near(e.Mean, tt.mean) || !near(e.StdDev, tt.sd) ||
				!near(e.CILo, tt.lo) || !near(e.CIHi, tt.hi) {
				t.Errorf("Estimate95(%v) = %+v, want mean %v sd %v ci [%v, %v]",
					tt.xs, e, tt.mean, tt.sd, tt.lo, tt.hi)
			}
		})
	}
}
