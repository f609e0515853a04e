package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// SampleSeries is one curve of a CDF figure: the samples of one metric, such
// as the handshake latencies (seconds) of one variant's connections from
// connections.csv. +Inf stands for a connection that never got there; see
// ECDF.
type SampleSeries struct {
	Name    string
	Samples []float64
}

// CDFOptions configures CDF.
type CDFOptions struct {
	Title, XLabel string
	// YLabel defaults to "Cumulative fraction".
	YLabel string
	// LogX puts x on a log scale; every finite sample must be positive.
	LogX bool
	// XUnit is what the samples measure (see Unit).
	XUnit Unit
	Theme Theme
}

// CDF draws the empirical distribution function of each series as a step
// line, y from 0 to 1, x from 0 on a linear axis when no sample is
// negative. It returns ErrNoData for no series or a series with
// no finite sample, ErrNotFinite for a NaN or -Inf sample and ErrLogScale for
// a non-positive sample on a log x axis.
func CDF(series []SampleSeries, opt CDFOptions) (*Figure, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("cdf: %w (no series)", ErrNoData)
	}
	th := opt.Theme.withDefaults()
	if opt.YLabel == "" {
		opt.YLabel = "Cumulative fraction"
	}
	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	setScales(p, opt.LogX, false)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"},
	})
	p.Add(th.grid())
	fig := &Figure{Plot: p, Size: th.size(1), theme: th}
	lowest, highest := math.Inf(1), 0.0
	for k, s := range series {
		e, err := NewECDF(plotter.Values(s.Samples))
		if err != nil {
			return nil, fmt.Errorf("cdf series %d (%q): %w", k, s.Name, err)
		}
		if opt.LogX {
			if err := checkPositive(e.Min(), "cdf series %d (%q) smallest sample", k, s.Name); err != nil {
				return nil, err
			}
		}
		lowest = math.Min(lowest, e.Min())
		for _, x := range s.Samples {
			if finite(x) {
				highest = math.Max(highest, math.Abs(x))
			}
		}
		e.LineStyle = draw.LineStyle{Color: th.color(k), Width: th.LineWidth, Dashes: th.dashes(k)}
		p.Add(e)
		name := s.Name
		if f := e.At(math.MaxFloat64); f < 1 {
			name = fmt.Sprintf("%s (%.3g%% never)", s.Name, 100*(1-f))
		}
		fig.Legend = append(fig.Legend, LegendEntry{Name: name, Thumbs: []plot.Thumbnailer{e}})
	}
	setAxisUnit(&p.X, opt.XUnit, opt.LogX, math.Max(highest, math.Abs(lowest)))
	if !opt.LogX && lowest >= 0 {
		p.X.Min = 0 // latencies and durations: start the axis at zero
	}
	return fig, nil
}
