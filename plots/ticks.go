package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks is a plot.Ticker for linear axes: about N labelled ticks at a
// step of 1, 2 or 5 times a power of ten, all labels with the same number of
// decimals, and unlabelled minor ticks between them.
type niceTicks struct{ N int }

// niceStep returns the step, among 1, 2 and 5 times a power of ten, that
// puts the number of ticks in [lo, hi] closest to n, and its decimals.
func niceStep(lo, hi float64, n int) (step float64, decimals int) {
	if n < 2 {
		n = 2
	}
	raw := (hi - lo) / float64(n-1)
	if !(raw > 0) || !finite(raw) {
		return 1, 0
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	best, bestDiff := 0.0, math.MaxInt
	for _, s := range []float64{mag / 2, mag, 2 * mag, 5 * mag, 10 * mag, 20 * mag} {
		count := int(math.Floor(hi/s+1e-9) - math.Ceil(lo/s-1e-9) + 1)
		if d := abs(count - n); d <= bestDiff {
			best, bestDiff = s, d
		}
	}
	return best, max(0, -int(math.Floor(math.Log10(best)+1e-9)))
}

// abs returns |x|.
func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatTick(lo, 0)}}
	}
	step, dec := niceStep(lo, hi, t.N)
	minor := step / 5
	if r := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(r-2) < 1e-9 {
		minor = step / 4
	}
	var ticks []plot.Tick
	first := math.Ceil(lo/minor - 1e-9)
	for i := first; i*minor <= hi+minor*1e-9; i++ {
		v := i * minor
		if math.Abs(v) < minor*1e-9 {
			v = 0
		}
		q := v / step
		if math.Abs(q-math.Round(q)) < 1e-6 {
			ticks = append(ticks, plot.Tick{Value: v, Label: formatTick(v, dec)})
		} else {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
}

// formatTick formats a tick value with the given decimals, switching to
// exponent form for very large or small magnitudes.
func formatTick(v float64, dec int) string {
	if a := math.Abs(v); a != 0 && (a >= 1e6 || a < 1e-4) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if s[0] == '-' && strconv.FormatFloat(-v, 'f', dec, 64) == s[1:] && v > -math.Pow(10, -float64(dec))/2 {
		s = s[1:]
	}
	return s
}

// logTicks is a plot.Ticker for log axes: labelled ticks at the powers of
// ten, and also at 2 and 5 times them when the axis spans too little for
// two powers, and unlabelled minor ticks at the other multiples.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) {
		return nil
	}
	k0 := int(math.Floor(math.Log10(lo) + 1e-9))
	k1 := int(math.Ceil(math.Log10(hi) - 1e-9))
	in := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }
	powers := 0
	for k := k0; k <= k1; k++ {
		if in(math.Pow10(k)) {
			powers++
		}
	}
	labelled := map[int]bool{1: true}
	if powers < 2 {
		labelled[2], labelled[5] = true, true
	}
	var ticks []plot.Tick
	for k := k0; k <= k1; k++ {
		p := math.Pow10(k)
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] {
				t.Label = formatTick(v, max(0, -k))
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
