package link

import (
	"math"
	"testing"
)

// The statistical tests below use fixed seeds, so each one is a single,
// repeatable draw; the tolerances say how far from its expectation a
// correct implementation may land, derived from the distribution of the
// statistic (never tuned to the seed). Unless said otherwise a tolerance is
// 5 standard deviations: a correct implementation fails it with probability
// below 6·10⁻⁷ under the normal approximation, and any bug that shifts a
// statistic by more than that is caught.

// z is the number of standard deviations a statistic may stray.
const z = 5

// meanVar returns the sample mean and the unbiased sample variance of xs.
func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		d := x - mean
		variance += d * d
	}
	return mean, variance / float64(len(xs)-1)
}

// within fails t unless |got−want| ≤ tol; why says where tol comes from.
func within(t *testing.T, what string, got, want, tol float64, why string) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.6g, want %.6g ± %.3g (%s)", what, got, want, tol, why)
	}
}

// binomialTol is z standard deviations of a Binomial(n, p) count.
func binomialTol(n int, p float64) float64 {
	return z * math.Sqrt(float64(n)*p*(1-p))
}
