package plots

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ECDF is the empirical cumulative distribution function of a sample, drawn
// as a step line: F(x) is the fraction of the sample at or below x. It runs
// from the left edge of the plot at 0 to the right edge at F(max).
//
// A sample of +Inf stands for an event that never happened (a connection
// that was never established): it counts in the denominator and never in
// the numerator, so the curve levels off at the fraction that did happen.
type ECDF struct {
	draw.LineStyle

	xs []float64 // the finite samples, sorted
	n  int       // all samples, +Inf included
}

// NewECDF returns the ECDF of the values of v. It returns ErrNoData when v
// holds no finite value, and ErrNotFinite for a NaN or -Inf.
func NewECDF(v plotter.Valuer) (*ECDF, error) {
	n := v.Len()
	e := &ECDF{LineStyle: plotter.DefaultLineStyle, n: n}
	for i := 0; i < n; i++ {
		x := v.Value(i)
		if math.IsInf(x, 1) {
			continue
		}
		if err := checkFinite(x, "sample %d", i); err != nil {
			return nil, err
		}
		e.xs = append(e.xs, x)
	}
	if len(e.xs) == 0 {
		return nil, fmt.Errorf("ecdf: %w (%d samples, none finite)", ErrNoData, n)
	}
	sort.Float64s(e.xs)
	return e, nil
}

// Min returns the smallest finite sample.
func (e *ECDF) Min() float64 { return e.xs[0] }

// At returns F(x), the fraction of the sample at or below x.
func (e *ECDF) At(x float64) float64 {
	k := sort.Search(len(e.xs), func(i int) bool { return e.xs[i] > x })
	return float64(k) / float64(e.n)
}

// Plot implements plot.Plotter.
func (e *ECDF) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	pts := make([]vg.Point, 0, 2*len(e.xs)+2)
	x0 := math.Min(plt.X.Min, e.xs[0])
	pts = append(pts, vg.Point{X: trX(x0), Y: trY(0)})
	f := 0.0
	for i := 0; i < len(e.xs); {
		j := i
		for j < len(e.xs) && e.xs[j] == e.xs[i] {
			j++
		}
		x := trX(e.xs[i])
		pts = append(pts, vg.Point{X: x, Y: trY(f)})
		f = float64(j) / float64(e.n)
		pts = append(pts, vg.Point{X: x, Y: trY(f)})
		i = j
	}
	x1 := math.Max(plt.X.Max, e.xs[len(e.xs)-1])
	pts = append(pts, vg.Point{X: trX(x1), Y: trY(f)})
	c.StrokeLines(e.LineStyle, c.ClipLinesXY(pts)...)
}

// DataRange implements plot.DataRanger: the finite samples' range and [0, 1].
func (e *ECDF) DataRange() (xmin, xmax, ymin, ymax float64) {
	return e.xs[0], e.xs[len(e.xs)-1], 0, 1
}

// Thumbnail implements plot.Thumbnailer.
func (e *ECDF) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(e.LineStyle, c.Min.X, y, c.Max.X, y)
}
