package link

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// jitterDraws sends n packets, 1 ms apart, through a link with the given
// Delay and Jitter and JitterReorders set (so that no draw is altered by the
// ordering stage), and returns each packet's jitter (its delay minus Delay)
// in nanoseconds.
func jitterDraws(t *testing.T, delay time.Duration, jitter Dist, n int) []float64 {
	t.Helper()
	r := newRig(t, Config{Delay: delay, Jitter: jitter, JitterReorders: true}, 7).observe()
	r.sendEvery(n, 100, time.Millisecond)
	sent := r.records(Sent)
	if len(sent) != n {
		t.Fatalf("%d packets sent, want %d", len(sent), n)
	}
	xs := make([]float64, n)
	for i, rec := range sent {
		xs[i] = float64(rec.Arrival.Sub(rec.At) - delay)
	}
	return xs
}

// moments4 is a distribution's mean, variance and fourth central moment.
type moments4 struct{ mean, variance, mu4 float64 }

// fromDistuv takes the moments from a gonum distribution.
func fromDistuv(d interface {
	Mean() float64
	Variance() float64
	ExKurtosis() float64
}) moments4 {
	v := d.Variance()
	return moments4{d.Mean(), v, (d.ExKurtosis() + 3) * v * v}
}

// fromSamples takes the moments of the uniform distribution on a list.
func fromSamples(s []time.Duration) moments4 {
	var m, v, m4 float64
	for _, x := range s {
		m += float64(x)
	}
	m /= float64(len(s))
	for _, x := range s {
		d := float64(x) - m
		v += d * d
		m4 += d * d * d * d
	}
	return moments4{m, v / float64(len(s)), m4 / float64(len(s))}
}

const ms = float64(time.Millisecond)

// TestJitterMoments checks the sample mean and variance of each jitter
// distribution against the distribution's own, n = 10⁵ draws each.
//
// Mean: the sample mean of n i.i.d. draws has standard deviation σ/√n, so
// the tolerance is zσ/√n. Variance: the sample variance has asymptotic
// standard deviation √((μ₄−σ⁴)/n), μ₄ the fourth central moment, so the
// tolerance is z√((μ₄−σ⁴)/n). The moments come from gonum's distuv, built
// from the Dist's parameters independently of the link's own conversion.
func TestJitterMoments(t *testing.T) {
	const n = 100_000
	// Log-normal with mean 3 ms and standard deviation 1.5 ms: the log has
	// σ² = ln(1+0.5²), μ = ln(3 ms) − σ²/2.
	s2 := math.Log(1 + 0.25)
	empirical := []time.Duration{1e6, 2e6, 2e6, 7e6, 4e6}
	tests := []struct {
		name   string
		delay  time.Duration
		jitter Dist
		want   moments4
	}{
		{"uniform", 5 * time.Millisecond, Dist{Kind: Uniform, Min: -2 * time.Millisecond, Max: 4 * time.Millisecond},
			fromDistuv(distuv.Uniform{Min: -2 * ms, Max: 4 * ms})},
		// Delay is 10σ above 0, so truncation removes a mass of 8·10⁻²⁴.
		{"normal", 20 * time.Millisecond, Dist{Kind: Normal, StdDev: 2 * time.Millisecond},
			fromDistuv(distuv.Normal{Mu: 0, Sigma: 2 * ms})},
		{"exponential", 0, Dist{Kind: Exponential, Mean: 3 * time.Millisecond},
			fromDistuv(distuv.Exponential{Rate: 1 / (3 * ms)})},
		// Shape 5: the fourth moment is finite, as the variance bound needs.
		{"pareto", time.Millisecond, Dist{Kind: Pareto, Scale: time.Millisecond, Shape: 5},
			fromDistuv(distuv.Pareto{Xm: ms, Alpha: 5})},
		{"lognormal", 0, Dist{Kind: LogNormal, Mean: 3 * time.Millisecond, StdDev: 1500 * time.Microsecond},
			fromDistuv(distuv.LogNormal{Mu: math.Log(3*ms) - s2/2, Sigma: math.Sqrt(s2)})},
		{"empirical", 0, Dist{Kind: Empirical, Samples: empirical}, fromSamples(empirical)},
		{"constant", 0, Dist{Kind: Constant, Value: 3 * time.Millisecond}, moments4{3 * ms, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := jitterDraws(t, tt.delay, tt.jitter, n)
			mean, variance := meanVar(xs)
			w := tt.want
			within(t, "mean", mean, w.mean, z*math.Sqrt(w.variance/n), "zσ/√n")
			within(t, "variance", variance, w.variance, z*math.Sqrt((w.mu4-w.variance*w.variance)/n), "z√((μ₄−σ⁴)/n)")
		})
	}
}

// TestJitterNormalTruncated checks the normal jitter's truncation: a delay
// is never negative, and the mean is that of the truncated normal,
// σφ(α)/(1−Φ(α)) for truncation at a = ασ, not that of a normal clamped at
// zero. Tolerance zσ_T/√n with σ_T the truncated normal's standard
// deviation, σ_T² = σ²(1 + αφ(α)/(1−Φ(α)) − (φ(α)/(1−Φ(α)))²).
func TestJitterNormalTruncated(t *testing.T) {
	const n = 100_000
	sigma := 2 * ms
	for _, delay := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond} {
		t.Run(fmt.Sprint("delay=", delay), func(t *testing.T) {
			xs := jitterDraws(t, delay, Dist{Kind: Normal, StdDev: 2 * time.Millisecond}, n)
			a := -float64(delay) / sigma
			unit := distuv.UnitNormal
			h := unit.Prob(a) / unit.Survival(a) // inverse Mills ratio
			wantMean := sigma * h
			wantVar := sigma * sigma * (1 + a*h - h*h)
			mean, _ := meanVar(xs)
			within(t, "mean", mean, wantMean, z*math.Sqrt(wantVar/n), "zσ_T/√n")
			if lo := slicesMin(xs); lo < -float64(delay) {
				t.Errorf("smallest jitter %v makes the delay negative", time.Duration(lo))
			}
		})
	}
}

func slicesMin(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

// TestJitterShape is a χ² goodness-of-fit test of each continuous jitter
// distribution on k = 20 bins of equal probability (bounds from distuv's
// quantile function). Under the null hypothesis the statistic is χ² with
// k−1 = 19 degrees of freedom; the test fails above its 1−10⁻⁶ quantile
// (≈ 61.7), so a correct sampler fails with probability 10⁻⁶.
func TestJitterShape(t *testing.T) {
	const n, k = 100_000, 20
	s2 := math.Log(1 + 0.25)
	tests := []struct {
		name   string
		delay  time.Duration
		jitter Dist
		q      func(p float64) float64
	}{
		{"uniform", 5 * time.Millisecond, Dist{Kind: Uniform, Min: -2 * time.Millisecond, Max: 4 * time.Millisecond},
			distuv.Uniform{Min: -2 * ms, Max: 4 * ms}.Quantile},
		{"normal", 20 * time.Millisecond, Dist{Kind: Normal, Mean: time.Millisecond, StdDev: 2 * time.Millisecond},
			distuv.Normal{Mu: ms, Sigma: 2 * ms}.Quantile},
		{"exponential", 0, Dist{Kind: Exponential, Mean: 3 * time.Millisecond},
			distuv.Exponential{Rate: 1 / (3 * ms)}.Quantile},
		{"pareto", 0, Dist{Kind: Pareto, Scale: time.Millisecond, Shape: 1.5},
			distuv.Pareto{Xm: ms, Alpha: 1.5}.Quantile},
		{"lognormal", 0, Dist{Kind: LogNormal, Mean: 3 * time.Millisecond, StdDev: 1500 * time.Microsecond},
			distuv.LogNormal{Mu: math.Log(3*ms) - s2/2, Sigma: math.Sqrt(s2)}.Quantile},
	}
	limit := distuv.ChiSquared{K: k - 1}.Quantile(1 - 1e-6)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := jitterDraws(t, tt.delay, tt.jitter, n)
			edges := make([]float64, k-1)
			for i := range edges {
				edges[i] = tt.q(float64(i+1) / k)
			}
			var counts [k]int
			for _, x := range xs {
				counts[sort.SearchFloat64s(edges, x)]++
			}
			chi2 := 0.0
			e := float64(n) / k
			for _, c := range counts {
				chi2 += (float64(c) - e) * (float64(c) - e) / e
			}
			if chi2 > limit {
				t.Errorf("χ² = %.1f over %d bins, above the 1−10⁻⁶ quantile %.1f: counts %v", chi2, k, limit, counts)
			}
		})
	}
}

// TestEmpiricalFrequencies: an empirical jitter draws each listed sample
// with probability 1/len; a χ² test on the 3 distinct values (weights 1/4,
// 1/2, 1/4) has 2 degrees of freedom, whose survival function is e^(−x/2):
// the 10⁻⁶ threshold is 2·ln(10⁶) ≈ 27.6.
func TestEmpiricalFrequencies(t *testing.T) {
	const n = 40_000
	xs := jitterDraws(t, 0, Dist{Kind: Empirical, Samples: []time.Duration{1e6, 2e6, 3e6, 2e6}}, n)
	counts := map[float64]int{}
	for _, x := range xs {
		counts[x]++
	}
	want := map[float64]float64{1e6: n / 4, 2e6: n / 2, 3e6: n / 4}
	if len(counts) != len(want) {
		t.Fatalf("drew values %v, want only %v", counts, want)
	}
	chi2 := 0.0
	for v, e := range want {
		d := float64(counts[v]) - e
		chi2 += d * d / e
	}
	if limit := 2 * math.Log(1e6); chi2 > limit {
		t.Errorf("χ² = %.1f, above %.1f: counts %v", chi2, limit, counts)
	}
}
