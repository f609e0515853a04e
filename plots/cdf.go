package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
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
	// YLabel defaults to "cumulative fraction".
	YLabel string
	// LogX puts x on a log scale; every finite sample must be positive.
	LogX  bool
	Theme Theme
}

// cdfDashes tell the series apart in grey print: solid, dashed, dotted,
// dash-dotted.
var cdfDashes = [][]vg.Length{nil, {4, 2}, {1.2, 1.5}, {5, 1.5, 1.2, 1.5}, {2.5, 2.5}}

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
		opt.YLabel = "cumulative fraction"
	}
	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	setScales(p, opt.LogX, false)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"},
	})
	p.Add(th.grid())
	fig := &Figure{Plot: p, Size: OneColumn, theme: th}
	lowest := math.Inf(1)
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
		e.LineStyle = draw.LineStyle{Color: th.color(k), Width: th.LineWidth, Dashes: cdfDashes[k%len(cdfDashes)]}
		p.Add(e)
		name := s.Name
		if f := e.At(math.MaxFloat64); f < 1 {
			name = fmt.Sprintf("%s (%.3g%% never)", s.Name, 100*(1-f))
		}
		fig.Legend = append(fig.Legend, LegendEntry{Name: name, Thumbs: []plot.Thumbnailer{e}})
	}
	if !opt.LogX && lowest >= 0 {
		p.X.Min = 0 // latencies and durations: start the axis at zero
	}
	return fig, nil
}
