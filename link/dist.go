package link

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// DistKind names a family of distributions for delays.
type DistKind string

// The distribution families. Each takes the parameters listed; the other
// fields of Dist must stay zero.
const (
	// NoDist is the zero Dist: every draw is 0.
	NoDist DistKind = ""
	// Constant: always Value.
	Constant DistKind = "constant"
	// Uniform: uniform on [Min, Max).
	Uniform DistKind = "uniform"
	// Normal: normal with mean Mean and standard deviation StdDev, truncated
	// so that the delay it makes is never negative: draws that would make
	// it negative are drawn again (truncation, not clamping, so no
	// probability piles up at zero).
	Normal DistKind = "normal"
	// Exponential: exponential with mean Mean.
	Exponential DistKind = "exponential"
	// Pareto: Pareto with minimum Scale (x_m) and tail index Shape (α):
	// P(X > x) = (Scale/x)^Shape for x ≥ Scale. Shape must exceed 1 (a
	// finite mean); the variance is finite only if it exceeds 2.
	Pareto DistKind = "pareto"
	// LogNormal: log-normal whose own mean and standard deviation are Mean
	// and StdDev (not those of its logarithm: σ² = ln(1+StdDev²/Mean²),
	// μ = ln(Mean) − σ²/2).
	LogNormal DistKind = "lognormal"
	// Empirical: each draw is one of Samples, chosen uniformly at random
	// (resampling the list; no interpolation between samples).
	Empirical DistKind = "empirical"
)

// Dist describes a distribution of durations: a Kind and the parameters that
// kind takes. The zero Dist always draws 0.
type Dist struct {
	Kind    DistKind
	Value   time.Duration   // Constant
	Min     time.Duration   // Uniform: lower bound (inclusive)
	Max     time.Duration   // Uniform: upper bound (exclusive)
	Mean    time.Duration   // Normal, Exponential, LogNormal
	StdDev  time.Duration   // Normal, LogNormal
	Scale   time.Duration   // Pareto: the minimum value x_m
	Shape   float64         // Pareto: the tail index α
	Samples []time.Duration // Empirical
}

// distParams lists, for each kind, the parameters it takes.
var distParams = map[DistKind][]string{
	NoDist:      nil,
	Constant:    {"Value"},
	Uniform:     {"Min", "Max"},
	Normal:      {"Mean", "StdDev"},
	Exponential: {"Mean"},
	Pareto:      {"Scale", "Shape"},
	LogNormal:   {"Mean", "StdDev"},
	Empirical:   {"Samples"},
}

// setParams returns the names of the parameters that are not zero, in field
// order.
func (d Dist) setParams() []string {
	var s []string
	add := func(name string, set bool) {
		if set {
			s = append(s, name)
		}
	}
	add("Value", d.Value != 0)
	add("Min", d.Min != 0)
	add("Max", d.Max != 0)
	add("Mean", d.Mean != 0)
	add("StdDev", d.StdDev != 0)
	add("Scale", d.Scale != 0)
	add("Shape", d.Shape != 0)
	add("Samples", d.Samples != nil)
	return s
}

// Validate reports every problem with d's parameters, as Problems whose
// Field names the parameter (such as "StdDev"), or nil. It checks d on its
// own; Config.Validate also checks that the delays d makes cannot be
// negative where it is used.
func (d Dist) Validate() error {
	var ps Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	takes, ok := distParams[d.Kind]
	if !ok {
		bad("Kind", "unknown distribution %q (want constant, uniform, normal, exponential, pareto, lognormal or empirical)", string(d.Kind))
		return ps
	}
	for _, name := range d.setParams() {
		if !slices.Contains(takes, name) {
			if d.Kind == NoDist {
				bad(name, "is set but Kind is empty: name the distribution (constant, uniform, normal, …)")
			} else {
				bad(name, "is not a parameter of %s (it takes %v)", d.Kind, takes)
			}
		}
	}
	switch d.Kind {
	case Uniform:
		if d.Max < d.Min {
			bad("Max", "must not be below Min (%v < %v)", d.Max, d.Min)
		}
	case Normal:
		if d.StdDev < 0 {
			bad("StdDev", "must not be negative (got %v)", d.StdDev)
		}
	case Exponential:
		if d.Mean <= 0 {
			bad("Mean", "must be positive (got %v)", d.Mean)
		}
	case Pareto:
		if d.Scale <= 0 {
			bad("Scale", "must be positive: it is the smallest value drawn (got %v)", d.Scale)
		}
		if !(d.Shape > 1) || math.IsInf(d.Shape, 0) {
			bad("Shape", "must be a finite number above 1, or the mean delay is infinite (got %v)", d.Shape)
		}
	case LogNormal:
		if d.Mean <= 0 {
			bad("Mean", "must be positive (got %v)", d.Mean)
		}
		if d.StdDev < 0 {
			bad("StdDev", "must not be negative (got %v)", d.StdDev)
		}
	case Empirical:
		if len(d.Samples) == 0 {
			bad("Samples", "must list at least one duration")
		}
	}
	if ps == nil {
		return nil
	}
	return ps
}

// lowest returns the smallest value d can draw or, for Normal (unbounded
// below until truncated), its mean. d must be valid.
func (d Dist) lowest() time.Duration {
	switch d.Kind {
	case Constant:
		return d.Value
	case Uniform:
		return d.Min
	case Normal:
		return d.Mean
	case Pareto:
		return d.Scale
	case Empirical:
		return slices.Min(d.Samples)
	}
	return 0
}

// maxDraw caps every draw at 10^18 ns (about 31.7 years), so that heavy
// tails cannot overflow the clock.
const maxDraw = 1e18

// sampler draws durations from a validated Dist with its own random source.
type sampler struct {
	kind    DistKind
	value   time.Duration // Constant
	floor   float64       // Normal: draws below it are redrawn, in ns
	r       distuv.Rander // Uniform, Normal, Exponential, Pareto, LogNormal
	samples []time.Duration
	rng     *rand.Rand // Empirical
}

// newSampler compiles d, which must be valid and not NoDist, to draw from
// src. Normal draws below floor are redrawn; the caller guarantees that
// floor is at most the mean, so each draw is accepted with probability at
// least 1/2.
func newSampler(d Dist, src rand.Source, floor time.Duration) *sampler {
	s := &sampler{kind: d.Kind, floor: float64(floor)}
	ns := func(d time.Duration) float64 { return float64(d) }
	switch d.Kind {
	case Constant:
		s.value = d.Value
	case Uniform:
		s.r = distuv.Uniform{Min: ns(d.Min), Max: ns(d.Max), Src: src}
	case Normal:
		s.r = distuv.Normal{Mu: ns(d.Mean), Sigma: ns(d.StdDev), Src: src}
	case Exponential:
		s.r = distuv.Exponential{Rate: 1 / ns(d.Mean), Src: src}
	case Pareto:
		s.r = distuv.Pareto{Xm: ns(d.Scale), Alpha: d.Shape, Src: src}
	case LogNormal:
		s.r = logNormal(ns(d.Mean), ns(d.StdDev), src)
	case Empirical:
		s.samples = slices.Clone(d.Samples)
		s.rng = rand.New(src)
	}
	return s
}

// logNormal returns the log-normal whose own mean and standard deviation are
// mean and sd.
func logNormal(mean, sd float64, src rand.Source) distuv.LogNormal {
	v := math.Log1p(sd * sd / (mean * mean))
	return distuv.LogNormal{Mu: math.Log(mean) - v/2, Sigma: math.Sqrt(v), Src: src}
}

// draw returns the next duration.
func (s *sampler) draw() time.Duration {
	switch s.kind {
	case Constant:
		return s.value
	case Empirical:
		return s.samples[s.rng.IntN(len(s.samples))]
	case Normal:
		x := s.r.Rand()
		for x < s.floor {
			x = s.r.Rand()
		}
		return toDuration(x)
	}
	return toDuration(s.r.Rand())
}

// toDuration rounds x nanoseconds to the nearest Duration (halves up),
// capped at ±maxDraw. Floor is a single instruction on common hardware,
// where Round is not.
func toDuration(x float64) time.Duration {
	return time.Duration(math.Floor(max(-maxDraw, min(x, maxDraw)) + 0.5))
}
