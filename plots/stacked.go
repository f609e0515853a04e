package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Layerer is the data interface of StackedArea: Layers series of values over
// Len shared, increasing x values.
type Layerer interface {
	Len() int
	X(i int) float64
	Layers() int
	Value(layer, i int) float64
}

// StackedArea draws layers of non-negative values stacked on one another,
// layer 0 at the bottom, each a filled band between the running totals.
type StackedArea struct {
	// Colors fill the layers, in order and repeated.
	Colors []color.Color
	// LineStyle draws the top edge of each layer; a zero width draws none.
	draw.LineStyle

	xs  []float64
	cum [][]float64 // cum[l][i]: total of layers 0..l at xs[i]
}

// NewStackedArea returns the stacked areas of d. It returns ErrNoData for no
// layers or no x values, ErrNotFinite for a NaN or infinite value, and
// ErrInvalid for a negative value or x values that do not increase.
func NewStackedArea(d Layerer) (*StackedArea, error) {
	n, L := d.Len(), d.Layers()
	if n == 0 || L == 0 {
		return nil, fmt.Errorf("stacked area: %w (%d x values, %d layers)", ErrNoData, n, L)
	}
	s := &StackedArea{xs: make([]float64, n), cum: make([][]float64, L)}
	for i := range s.xs {
		s.xs[i] = d.X(i)
		if err := checkFinite(s.xs[i], "x[%d]", i); err != nil {
			return nil, err
		}
		if i > 0 && s.xs[i] <= s.xs[i-1] {
			return nil, fmt.Errorf("%w: x[%d] = %v does not increase from %v", ErrInvalid, i, s.xs[i], s.xs[i-1])
		}
	}
	for l := range s.cum {
		s.cum[l] = make([]float64, n)
		for i := range s.xs {
			v := d.Value(l, i)
			if err := checkFinite(v, "layer %d value %d", l, i); err != nil {
				return nil, err
			}
			if v < 0 {
				return nil, fmt.Errorf("%w: layer %d value %d = %v is negative", ErrInvalid, l, i, v)
			}
			if l > 0 {
				v += s.cum[l-1][i]
			}
			s.cum[l][i] = v
		}
	}
	return s, nil
}

// layerColor returns the fill of layer l.
func (s *StackedArea) layerColor(l int) color.Color {
	if len(s.Colors) == 0 {
		return color.Gray{Y: uint8(200 - 150*l/max(len(s.cum), 1))}
	}
	return s.Colors[l%len(s.Colors)]
}

// Plot implements plot.Plotter.
func (s *StackedArea) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n := len(s.xs)
	base := make([]vg.Point, n)
	for i, x := range s.xs {
		base[i] = vg.Point{X: trX(x), Y: trY(0)}
	}
	for l := range s.cum {
		top := make([]vg.Point, n)
		for i, x := range s.xs {
			top[i] = vg.Point{X: trX(x), Y: trY(s.cum[l][i])}
		}
		poly := append([]vg.Point(nil), top...)
		for i := n - 1; i >= 0; i-- {
			poly = append(poly, base[i])
		}
		if n > 1 {
			c.FillPolygon(s.layerColor(l), c.ClipPolygonXY(poly))
		}
		if s.Width > 0 && s.LineStyle.Color != nil {
			c.StrokeLines(s.LineStyle, c.ClipLinesXY(top)...)
		}
		base = top
	}
}

// DataRange implements plot.DataRanger: y from 0 to the highest total.
func (s *StackedArea) DataRange() (xmin, xmax, ymin, ymax float64) {
	top := s.cum[len(s.cum)-1]
	ymax = 0
	for _, v := range top {
		ymax = math.Max(ymax, v)
	}
	return s.xs[0], s.xs[len(s.xs)-1], 0, ymax
}

// Thumbnailer returns the legend thumbnail of layer l.
func (s *StackedArea) Thumbnailer(l int) plot.Thumbnailer {
	return swatch{fill: s.layerColor(l), outline: s.LineStyle}
}
