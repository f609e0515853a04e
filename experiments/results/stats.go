package results

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Estimate summarises independent samples of one metric.
type Estimate struct {
	N      int
	Mean   float64
	StdDev float64 // sample standard deviation (n-1 denominator); 0 if N < 2
	// CILo and CIHi bound the 95 % confidence interval of the mean, from
	// Student's t with N-1 degrees of freedom. With N < 2 there is no
	// interval and both are NaN.
	CILo, CIHi float64
}

// HalfWidth returns half the width of the confidence interval (NaN if none).
func (e Estimate) HalfWidth() float64 { return (e.CIHi - e.CILo) / 2 }

// Estimate95 returns the mean, sample standard deviation and Student-t 95 %
// confidence interval of xs.
func Estimate95(xs []float64) Estimate {
	e := Estimate{N: len(xs), CILo: math.NaN(), CIHi: math.NaN()}
	switch len(xs) {
	case 0:
		e.Mean = math.NaN()
		return e
	case 1:
		e.Mean = xs[0]
		return e
	}
	e.Mean, e.StdDev = stat.MeanStdDev(xs, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(0.975)
	h := t * e.StdDev / math.Sqrt(float64(len(xs)))
	e.CILo, e.CIHi = e.Mean-h, e.Mean+h
	return e
}
