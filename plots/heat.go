package plots

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grid is a metric over a two-parameter sweep, from summary.csv: the swept
// values of the x and y parameters as the experiment file writes them
// ("0.01", "50ms"), in the order to draw them (x left to right, y bottom to
// top), and Z[j][i] the metric's mean at (X[i], Y[j]). NaN marks a point
// with no value.
type Grid struct {
	X, Y []string
	Z    [][]float64
}

// gridMatrix adapts a Grid to Matrixer.
type gridMatrix Grid

func (g gridMatrix) Dims() (rows, cols int)  { return len(g.Y), len(g.X) }
func (g gridMatrix) At(row, col int) float64 { return g.Z[row][col] }

// HeatOptions configures Heat.
type HeatOptions struct {
	Title, XLabel, YLabel string
	// ZLabel names the metric beside the colour bar, and ZUnit says what
	// it measures: the bar's ticks are in the unit's scale, named after the
	// label (see Unit).
	ZLabel string
	ZUnit  Unit
	// Annotate writes each cell's value in it: by Format if given (a fmt
	// verb such as "%.3g"), otherwise in the colour bar's scale with three
	// significant digits, counts as integers and thousands as "12.3k". A
	// value too wide for its cell is left out, in every cell alike.
	Annotate bool
	Format   string
	// Min and Max fix the colour scale, so that several heat maps can share
	// it; both zero means the range of Z.
	Min, Max float64
	Theme    Theme
}

// Heat draws a heat map of a metric over a two-parameter sweep: one cell per
// point, coloured on the viridis scale, with a colour bar on the right. It
// returns ErrNoData for no x or y values or no value at all, ErrLength when
// Z's shape is not len(Y) × len(X), ErrNotFinite for an infinite value and
// ErrInvalid for Min > Max.
func Heat(g Grid, opt HeatOptions) (*Figure, error) {
	if len(g.X) == 0 || len(g.Y) == 0 {
		return nil, fmt.Errorf("heat map: %w (%d x values, %d y values)", ErrNoData, len(g.X), len(g.Y))
	}
	if len(g.Z) != len(g.Y) {
		return nil, fmt.Errorf("%w: heat map has %d rows of Z for %d y values", ErrLength, len(g.Z), len(g.Y))
	}
	for j, row := range g.Z {
		if len(row) != len(g.X) {
			return nil, fmt.Errorf("%w: heat map Z row %d has %d values for %d x values", ErrLength, j, len(row), len(g.X))
		}
	}
	cells, err := NewHeatCells(gridMatrix(g))
	if err != nil {
		return nil, err
	}
	if opt.Min != 0 || opt.Max != 0 {
		if !finite(opt.Min) || !finite(opt.Max) || opt.Min > opt.Max {
			return nil, fmt.Errorf("%w: heat map colour range [%v, %v]", ErrInvalid, opt.Min, opt.Max)
		}
		cells.Min, cells.Max = opt.Min, opt.Max
	}
	th := opt.Theme.withDefaults()
	cells.Annotate = opt.Annotate
	bar := colorBar{color: cells.Color, min: cells.Min, max: cells.Max, label: opt.ZLabel, unit: opt.ZUnit, theme: th}
	sc, suffix := opt.ZUnit.axisScale(math.Max(math.Abs(cells.Min), math.Abs(cells.Max)))
	if bar.label != "" && !strings.HasSuffix(bar.label, ")") {
		bar.label += suffix
	}
	bar.scale = sc.div
	if opt.Format != "" {
		cells.Format = opt.Format
	} else {
		cells.Label = func(v float64) string { return cellValue(v/sc.div, opt.ZUnit == Count) }
	}
	cells.TextStyle = th.text(th.NoteSize)

	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	p.Add(cells)
	nominal(&p.X, g.X)
	nominal(&p.Y, g.Y)
	fig := &Figure{Plot: p, Size: th.size(2.6 / 2.4), theme: th, side: bar}
	fitNominalLabels(p, fig.Size, bar.width(), len(g.X), len(g.Y))
	return fig, nil
}

// cellValue prints a heat-map cell's value: an integer count as it is up
// to 9999 and in thousands above ("12.3k"), anything else with three
// significant digits.
func cellValue(v float64, count bool) string {
	if a := math.Abs(v); a >= 1e4 {
		switch {
		case a >= 1e9:
			return trimNumber(strconv.FormatFloat(v/1e9, 'f', sigDecimals(v/1e9, 3), 64)) + "G"
		case a >= 1e6:
			return trimNumber(strconv.FormatFloat(v/1e6, 'f', sigDecimals(v/1e6, 3), 64)) + "M"
		}
		return trimNumber(strconv.FormatFloat(v/1e3, 'f', sigDecimals(v/1e3, 3), 64)) + "k"
	}
	if count && v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return trimNumber(strconv.FormatFloat(v, 'f', sigDecimals(v, 3), 64))
}

// fitNominalLabels keeps the tick labels of a heat map's nominal axes
// apart. It estimates the cell size from the figure size, the colour bar
// and the y labels; x labels wider than a cell are turned 45° and, if
// their rows are still closer than a line apart, 90°, and then only every
// k-th is kept; y labels closer than a line are thinned the same way.
func fitNominalLabels(p *plot.Plot, size Size, side vg.Length, nx, ny int) {
	xs, ys := p.X.Tick.Marker.Ticks(0, 0), p.Y.Tick.Marker.Ticks(0, 0)
	widest := func(sty text.Style, ts []plot.Tick) vg.Length {
		var w vg.Length
		for _, t := range ts {
			w = max(w, sty.Width(t.Label))
		}
		return w
	}
	lh := p.X.Tick.Label.Height("0")
	ylab := p.Y.Label.TextStyle.Height("0") * 1.5
	dataW := size.Width - vg.Points(8) - side - widest(p.Y.Tick.Label, ys) - ylab
	cellW := dataW / vg.Length(max(nx, 1))
	if widest(p.X.Tick.Label, xs) > cellW*0.9 {
		switch {
		case lh*1.5 <= cellW:
			p.X.Tick.Label.Rotation = math.Pi / 4
		default:
			p.X.Tick.Label.Rotation = math.Pi / 2
			p.X.Tick.Label.YAlign = draw.YCenter
			thin(&p.X, xs, int(math.Ceil(float64(lh*1.2/cellW))))
		}
		p.X.Tick.Label.XAlign = draw.XRight
		if p.X.Tick.Label.YAlign != draw.YCenter {
			p.X.Tick.Label.YAlign = draw.YTop
		}
	}
	xh := widest(p.X.Tick.Label, xs)
	if p.X.Tick.Label.Rotation == 0 {
		xh = lh
	}
	dataH := size.Height - vg.Points(40) - xh
	cellH := dataH / vg.Length(max(ny, 1))
	if k := int(math.Ceil(float64(lh * 1.1 / cellH))); k > 1 {
		thin(&p.Y, ys, k)
	}
}

// thin keeps the label of every k-th tick of a nominal axis.
func thin(a *plot.Axis, ts []plot.Tick, k int) {
	if k <= 1 {
		return
	}
	out := make([]plot.Tick, len(ts))
	for i, t := range ts {
		out[i].Value = t.Value
		if i%k == 0 {
			out[i].Label = t.Label
		}
	}
	a.Tick.Marker = plot.ConstantTicks(out)
}

// nominal makes a an axis of names at 0, 1, …, with no tick marks and no
// padding, ranging over the cells.
func nominal(a *plot.Axis, names []string) {
	ticks := make([]plot.Tick, len(names))
	for i, n := range names {
		ticks[i] = plot.Tick{Value: float64(i), Label: n}
	}
	a.Tick.Marker = plot.ConstantTicks(ticks)
	a.Tick.Length = 0
	a.Width = 0
	a.Padding = vg.Points(3)
	a.Min, a.Max = -0.5, math.Max(float64(len(names))-0.5, 0.5)
}
