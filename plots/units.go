package plots

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// Unit is what an axis's numbers measure. It chooses the tick labels and
// the unit written after the axis label: a linear axis shows plain numbers
// in a unit scaled to its range, named in the label ("Mean connect time
// (ms)"); a logarithmic or nominal axis, whose values span several scales,
// writes the unit in each tick label ("120 ms", "2.6 s").
type Unit uint8

// The units.
const (
	// NoUnit is a plain number.
	NoUnit Unit = iota
	// Count is a number of things: ticks fall on integers and print as
	// integers.
	Count
	// Seconds is a duration, printed in s, ms or µs.
	Seconds
	// Fraction is a probability or share in [0, 1], printed in percent.
	Fraction
	// BitRate is bits per second, printed in b/s, kb/s, Mb/s or Gb/s.
	BitRate
	// Bytes is a size, printed in B, KiB or MiB.
	Bytes
)

// scale is one way of printing a unit: values are divided by div and
// followed by name.
type scale struct {
	div  float64
	name string
}

// scales lists, for each unit, its scales from the largest down.
var scales = map[Unit][]scale{
	Seconds:  {{1, "s"}, {1e-3, "ms"}, {1e-6, "µs"}},
	Fraction: {{0.01, "%"}},
	BitRate:  {{1e9, "Gb/s"}, {1e6, "Mb/s"}, {1e3, "kb/s"}, {1, "b/s"}},
	Bytes:    {{1 << 20, "MiB"}, {1 << 10, "KiB"}, {1, "B"}},
}

// scaleFor returns the scale that prints magnitude m with at least one
// digit before the point (the smallest one for 0).
func (u Unit) scaleFor(m float64) (scale, bool) {
	ss, ok := scales[u]
	if !ok {
		return scale{div: 1}, false
	}
	for _, s := range ss {
		if m >= s.div*(1-1e-9) {
			return s, true
		}
	}
	return ss[len(ss)-1], true
}

// axisScale returns the scale of a linear axis whose largest magnitude is
// m, and the text to append to its label: " (ms)", or "" for a unit that
// has none.
func (u Unit) axisScale(m float64) (scale, string) {
	s, ok := u.scaleFor(m)
	if !ok {
		return s, ""
	}
	return s, " (" + s.name + ")"
}

// FormatValue prints v in unit u for a tick or a name, with at least two
// significant digits and a non-breaking space before the unit: "2.6 s",
// "120 ms", "1 %", "10 Mb/s", "4 KiB"; a Count as an integer when it is
// one ("2990") and with three significant digits otherwise; NoUnit with
// three significant digits.
func FormatValue(v float64, u Unit) string {
	if math.IsNaN(v) {
		return "–"
	}
	switch u {
	case Count:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return trimNumber(strconv.FormatFloat(v, 'f', sigDecimals(v, 3), 64))
	case NoUnit:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	if v == 0 {
		return "0"
	}
	s, _ := u.scaleFor(math.Abs(v))
	x := v / s.div
	return trimNumber(strconv.FormatFloat(x, 'f', sigDecimals(x, 2), 64)) + "\u00a0" + s.name
}

// sigDecimals returns the decimals that print x with at least sig
// significant digits, at most 6.
func sigDecimals(x float64, sig int) int {
	if x == 0 {
		return 0
	}
	d := sig - 1 - int(math.Floor(math.Log10(math.Abs(x))))
	return min(max(d, 0), 6)
}

// trimNumber drops trailing zeros after a decimal point: "2.50" → "2.5",
// "3.0" → "3".
func trimNumber(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// unitTicks is a plot.Ticker for a linear axis in a unit: niceTicks on the
// scaled values (integers only for a Count), labelled in the scale's
// numbers.
type unitTicks struct {
	N    int
	Unit Unit
	// Scale divides the values; zero means 1.
	Scale float64
}

// Ticks implements plot.Ticker.
func (t unitTicks) Ticks(lo, hi float64) []plot.Tick {
	div := t.Scale
	if div == 0 {
		div = 1
	}
	ticks := niceTicks{N: t.N}.Ticks(lo/div, hi/div)
	if t.Unit == Count {
		// Whole numbers only: a count of 2.5 connections is not a tick.
		step, _ := niceStep(lo, hi, t.N)
		if step < 1 {
			ticks = ticks[:0]
			for v := math.Ceil(lo); v <= hi; v++ {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
			}
			if len(ticks) > 2*t.N { // a tall axis of small counts: thin out
				ticks = niceTicks{N: t.N}.Ticks(lo, hi)
			}
			return ticks
		}
	}
	for i := range ticks {
		ticks[i].Value *= div
	}
	return ticks
}

// logUnitTicks is logTicks with each label printed in its unit.
type logUnitTicks struct{ Unit Unit }

// Ticks implements plot.Ticker.
func (t logUnitTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := logTicks{}.Ticks(lo, hi)
	if t.Unit == NoUnit {
		return ticks
	}
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = FormatValue(ticks[i].Value, t.Unit)
		}
	}
	return ticks
}

// setAxisUnit sets a's ticker for unit u and appends the scale's name to
// its label: a linear axis whose values reach magnitude m is scaled to it;
// a log axis writes the unit in each tick label.
func setAxisUnit(a *plot.Axis, u Unit, log bool, m float64) {
	if log {
		a.Tick.Marker = logUnitTicks{Unit: u}
		return
	}
	s, suffix := u.axisScale(m)
	a.Tick.Marker = unitTicks{N: 5, Unit: u, Scale: s.div}
	if a.Label.Text != "" && !strings.HasSuffix(a.Label.Text, ")") {
		a.Label.Text += suffix
	}
}
