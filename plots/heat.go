package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
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
	// ZLabel names the metric beside the colour bar.
	ZLabel string
	// Annotate writes each cell's value in it, formatted by Format
	// (default "%.3g").
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
	if opt.Format != "" {
		cells.Format = opt.Format
	}
	cells.TextStyle = th.text(th.NoteSize)

	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	p.Add(cells)
	nominal(&p.X, g.X)
	nominal(&p.Y, g.Y)
	fig := &Figure{Plot: p, Size: OneColumn.WithHeight(2.6 * vg.Inch), theme: th,
		side: colorBar{color: cells.Color, min: cells.Min, max: cells.Max, label: opt.ZLabel, theme: th}}
	return fig, nil
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
