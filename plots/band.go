package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Intervaler is the data interface of Band: an interval [lo, hi] at each of
// Len x values.
type Intervaler interface {
	Len() int
	X(i int) float64
	Interval(i int) (lo, hi float64)
}

// Band is a shaded region between a lower and an upper curve, such as a
// confidence band around a mean.
type Band struct {
	// Color fills the band; a translucent colour lets lines beneath show.
	Color color.Color
	// LineStyle outlines the band's two edges; a zero width draws none.
	draw.LineStyle

	xs, lo, hi []float64
}

// NewBand returns a band through the intervals of d, in increasing x. It
// returns ErrNoData for no points, ErrNotFinite for a NaN or infinite value
// and ErrInvalid for an interval with lo > hi.
func NewBand(d Intervaler) (*Band, error) {
	n := d.Len()
	if n == 0 {
		return nil, fmt.Errorf("band: %w", ErrNoData)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
		lo, hi := d.Interval(i)
		for _, c := range []struct {
			v    float64
			name string
		}{{d.X(i), "x"}, {lo, "lo"}, {hi, "hi"}} {
			if err := checkFinite(c.v, "band point %d %s", i, c.name); err != nil {
				return nil, err
			}
		}
		if lo > hi {
			return nil, fmt.Errorf("%w: band point %d: lo %v > hi %v", ErrInvalid, i, lo, hi)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return d.X(idx[a]) < d.X(idx[b]) })
	b := &Band{Color: color.NRGBA{A: 0x40}, xs: make([]float64, n), lo: make([]float64, n), hi: make([]float64, n)}
	for k, i := range idx {
		b.xs[k] = d.X(i)
		b.lo[k], b.hi[k] = d.Interval(i)
	}
	return b, nil
}

// Plot implements plot.Plotter.
func (b *Band) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n := len(b.xs)
	upper := make([]vg.Point, n)
	lower := make([]vg.Point, n)
	for i := range b.xs {
		upper[i] = vg.Point{X: trX(b.xs[i]), Y: trY(b.hi[i])}
		lower[i] = vg.Point{X: trX(b.xs[i]), Y: trY(b.lo[i])}
	}
	poly := make([]vg.Point, 0, 2*n)
	poly = append(poly, upper...)
	for i := n - 1; i >= 0; i-- {
		poly = append(poly, lower[i])
	}
	if b.Color != nil && n > 1 {
		c.FillPolygon(b.Color, c.ClipPolygonXY(poly))
	}
	if b.Width > 0 && b.LineStyle.Color != nil {
		c.StrokeLines(b.LineStyle, c.ClipLinesXY(upper, lower)...)
	}
}

// DataRange implements plot.DataRanger.
func (b *Band) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := range b.xs {
		ymin = math.Min(ymin, b.lo[i])
		ymax = math.Max(ymax, b.hi[i])
	}
	return b.xs[0], b.xs[len(b.xs)-1], ymin, ymax
}

// Thumbnail implements plot.Thumbnailer: a filled swatch.
func (b *Band) Thumbnail(c *draw.Canvas) {
	swatch{fill: b.Color}.Thumbnail(c)
}
