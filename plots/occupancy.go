package plots

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// StateCounts is one state's column of timeseries.csv: the number of
// connections in State at each sample time (a mean over replications may
// be fractional).
type StateCounts struct {
	State  string
	Counts []float64
}

// Occupancy is the state occupancy of a run over time, from timeseries.csv:
// Time holds the sample times in seconds, increasing, and each state's
// Counts one value per sample time.
type Occupancy struct {
	Time   []float64
	States []StateCounts
}

// OccupancyOptions configures StateOccupancy.
type OccupancyOptions struct {
	Title string
	// XLabel defaults to "time (s)" and YLabel to "connections".
	XLabel, YLabel string
	// Stacked stacks the states as filled areas, the focus state at the
	// bottom, so the total is the top edge; otherwise each state is a line.
	Stacked bool
	// Focus is the state drawn in a strong colour (and, as lines, thicker);
	// the default is TIME-WAIT.
	Focus string
	// KeepEmpty keeps states that are zero throughout; by default they are
	// left out of the plot and the legend (the focus state is always kept).
	KeepEmpty bool
	Theme     Theme
}

// layers adapts the kept states to Layerer.
type layers struct {
	time   []float64
	states []StateCounts
}

func (l layers) Len() int                   { return len(l.time) }
func (l layers) X(i int) float64            { return l.time[i] }
func (l layers) Layers() int                { return len(l.states) }
func (l layers) Value(layer, i int) float64 { return l.states[layer].Counts[i] }

// checkOccupancy validates o.
func checkOccupancy(o Occupancy) error {
	if len(o.Time) == 0 || len(o.States) == 0 {
		return fmt.Errorf("occupancy: %w (%d times, %d states)", ErrNoData, len(o.Time), len(o.States))
	}
	for i, t := range o.Time {
		if err := checkFinite(t, "occupancy time[%d]", i); err != nil {
			return err
		}
		if i > 0 && t <= o.Time[i-1] {
			return fmt.Errorf("%w: occupancy time[%d] = %v does not increase from %v", ErrInvalid, i, t, o.Time[i-1])
		}
	}
	seen := map[string]bool{}
	for _, s := range o.States {
		if seen[s.State] {
			return fmt.Errorf("%w: occupancy state %q given twice", ErrInvalid, s.State)
		}
		seen[s.State] = true
		if len(s.Counts) != len(o.Time) {
			return fmt.Errorf("%w: occupancy state %q has %d counts for %d times", ErrLength, s.State, len(s.Counts), len(o.Time))
		}
		for i, v := range s.Counts {
			if err := checkFinite(v, "occupancy state %q count[%d]", s.State, i); err != nil {
				return err
			}
			if v < 0 {
				return fmt.Errorf("%w: occupancy state %q count[%d] = %v is negative", ErrInvalid, s.State, i, v)
			}
		}
	}
	return nil
}

// StateOccupancy draws the number of connections in each state over time,
// the focus state (TIME-WAIT by default) in vermillion and the others in
// soft colours grouped by phase of the connection. States are ordered as in
// RFC 9293, any others after them. It returns ErrNoData for no times or no
// states, ErrLength for a state with as many counts as times, ErrNotFinite
// for a NaN or infinite value, and ErrInvalid for times that do not
// increase, a negative count or a state given twice.
func StateOccupancy(o Occupancy, opt OccupancyOptions) (*Figure, error) {
	if err := checkOccupancy(o); err != nil {
		return nil, err
	}
	th := opt.Theme.withDefaults()
	if opt.XLabel == "" {
		opt.XLabel = "time (s)"
	}
	if opt.YLabel == "" {
		opt.YLabel = "connections"
	}
	if opt.Focus == "" {
		opt.Focus = "TIME-WAIT"
	}
	var kept []StateCounts
	for _, s := range o.States {
		if opt.KeepEmpty || s.State == opt.Focus || !allZero(s.Counts) {
			kept = append(kept, s)
		}
	}
	rank := func(s StateCounts) int {
		if s.State == opt.Focus {
			return -1
		}
		if i := stateIndex(s.State); i >= 0 {
			return i
		}
		return len(RFC9293States)
	}
	sort.SliceStable(kept, func(a, b int) bool { return rank(kept[a]) < rank(kept[b]) })

	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	p.Add(th.grid())
	fig := &Figure{Plot: p, Size: OneColumn, theme: th}
	if opt.Stacked {
		sa, err := NewStackedArea(layers{time: o.Time, states: kept})
		if err != nil {
			return nil, err
		}
		sa.Colors = make([]color.Color, 0, len(kept))
		for _, s := range kept {
			c := stateColor(s.State, false)
			if s.State == opt.Focus {
				c = focusColor
			}
			sa.Colors = append(sa.Colors, c)
		}
		sa.LineStyle = draw.LineStyle{Color: colWhite, Width: th.LineWidth / 3}
		p.Add(sa)
		for l, s := range kept {
			fig.Legend = append(fig.Legend, LegendEntry{Name: s.State, Thumbs: []plot.Thumbnailer{sa.Thumbnailer(l)}})
		}
		p.Y.Min = 0
		return fig, nil
	}
	var focus plot.Plotter
	for _, s := range kept {
		xys := make(plotter.XYs, len(o.Time))
		for i := range xys {
			xys[i].X, xys[i].Y = o.Time[i], s.Counts[i]
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("occupancy state %q: %w", s.State, err)
		}
		l.LineStyle = draw.LineStyle{Color: stateColor(s.State, true), Width: th.LineWidth * 0.8}
		if s.State == opt.Focus {
			l.LineStyle = draw.LineStyle{Color: focusColor, Width: th.LineWidth * 2}
			focus = l
		} else {
			p.Add(l)
		}
		fig.Legend = append(fig.Legend, LegendEntry{Name: s.State, Thumbs: []plot.Thumbnailer{l}})
	}
	if focus != nil {
		p.Add(focus) // on top of the others
	}
	p.Y.Min = 0
	return fig, nil
}

// allZero reports whether every value of xs is 0.
func allZero(xs []float64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}
