package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FuncLine draws y = F(x), such as an analytic model beside measurements.
// It samples F at Samples points between XMin and XMax (between the plot's
// x limits when both are zero), evenly on a linear x axis and geometrically
// on a log one, and leaves a gap wherever F is NaN or infinite.
type FuncLine struct {
	F       func(x float64) float64
	Samples int
	// XMin and XMax bound the curve; when both are zero it spans the plot.
	XMin, XMax float64
	draw.LineStyle
}

// NewFuncLine returns a FuncLine for f over [xmin, xmax] with 256 samples.
// It returns ErrInvalid for a nil f or xmin > xmax, and ErrNotFinite for a
// NaN or infinite bound.
func NewFuncLine(f func(float64) float64, xmin, xmax float64) (*FuncLine, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: nil function", ErrInvalid)
	}
	if err := checkFinite(xmin, "xmin"); err != nil {
		return nil, err
	}
	if err := checkFinite(xmax, "xmax"); err != nil {
		return nil, err
	}
	if xmin > xmax {
		return nil, fmt.Errorf("%w: function range [%v, %v]", ErrInvalid, xmin, xmax)
	}
	return &FuncLine{F: f, Samples: 256, XMin: xmin, XMax: xmax, LineStyle: plotter.DefaultLineStyle}, nil
}

// samples returns the x values at which F is evaluated over [lo, hi].
func (l *FuncLine) samples(lo, hi float64, log bool) []float64 {
	n := l.Samples
	if n < 2 {
		n = 2
	}
	xs := make([]float64, n)
	for i := range xs {
		t := float64(i) / float64(n-1)
		if log && lo > 0 {
			xs[i] = lo * math.Pow(hi/lo, t)
		} else {
			xs[i] = lo + t*(hi-lo)
		}
	}
	return xs
}

// Plot implements plot.Plotter.
func (l *FuncLine) Plot(c draw.Canvas, plt *plot.Plot) {
	lo, hi := l.XMin, l.XMax
	if lo == 0 && hi == 0 {
		lo, hi = plt.X.Min, plt.X.Max
	}
	_, log := plt.X.Scale.(plot.LogScale)
	_, logY := plt.Y.Scale.(plot.LogScale)
	trX, trY := plt.Transforms(&c)
	var lines [][]vg.Point
	var cur []vg.Point
	for _, x := range l.samples(lo, hi, log) {
		y := l.F(x)
		if !finite(y) || (log && x <= 0) || (logY && y <= 0) {
			if len(cur) > 1 {
				lines = append(lines, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, vg.Point{X: trX(x), Y: trY(y)})
	}
	if len(cur) > 1 {
		lines = append(lines, cur)
	}
	c.StrokeLines(l.LineStyle, c.ClipLinesXY(lines...)...)
}

// DataRange implements plot.DataRanger. With no range of its own the line
// leaves the plot's limits to the other plotters.
func (l *FuncLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	inf := math.Inf(1)
	if l.XMin == 0 && l.XMax == 0 {
		return inf, -inf, inf, -inf
	}
	ymin, ymax = inf, -inf
	for _, x := range l.samples(l.XMin, l.XMax, false) {
		if y := l.F(x); finite(y) {
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	return l.XMin, l.XMax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer.
func (l *FuncLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}
