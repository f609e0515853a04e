package plots

import (
	"fmt"
	"slices"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StateCounts is one state's column of timeseries.csv: the number of
// connections in State at each sample time (a mean over replications may
// be fractional).
type StateCounts struct {
	State  string
	Counts []float64
	// End is the end of the connections counted, such as "client" or
	// "server"; "" counts both. The same state may appear once per end.
	End string
}

// name is the counts' name in a legend: "TIME-WAIT (server)".
func (s StateCounts) name() string {
	if s.End == "" {
		return s.State
	}
	return s.State + " (" + s.End + ")"
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
	// XLabel defaults to "Time" and YLabel to "Connections"; the x axis is
	// in seconds (its label gets the unit) and the y axis counts.
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
		if seen[s.name()] {
			return fmt.Errorf("%w: occupancy state %q given twice", ErrInvalid, s.name())
		}
		seen[s.name()] = true
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

// OccupancyPanel is one small multiple of StateOccupancyPanels: the
// occupancy of one run, such as one sweep point's, under its own title.
type OccupancyPanel struct {
	Title string
	Occupancy
}

// StateOccupancy draws the number of connections in each state over time,
// the focus state (TIME-WAIT by default) in vermillion and the others in
// soft colours grouped by phase of the connection; counts of the server
// end are dashed, the client's solid. States are ordered as in RFC 9293,
// any others after them. It returns ErrNoData for no times or no states,
// ErrLength for a state with as many counts as times, ErrNotFinite for a
// NaN or infinite value, and ErrInvalid for times that do not increase, a
// negative count or a state given twice for one end.
func StateOccupancy(o Occupancy, opt OccupancyOptions) (*Figure, error) {
	return StateOccupancyPanels([]OccupancyPanel{{Occupancy: o}}, opt)
}

// StateOccupancyPanels draws several occupancies as small multiples, such
// as one per sweep point: a grid of panels with one y scale, one legend and
// the axis labels along the outer edges; in the paper style up to three
// panels stack in one column, more take two columns, and in the slides
// style up to three stand side by side. Each
// panel is drawn as StateOccupancy draws its only one; the errors are
// StateOccupancy's, for the first panel that has one.
func StateOccupancyPanels(panels []OccupancyPanel, opt OccupancyOptions) (*Figure, error) {
	if len(panels) == 0 {
		return nil, fmt.Errorf("occupancy: %w (no panels)", ErrNoData)
	}
	for k, pn := range panels {
		if err := checkOccupancy(pn.Occupancy); err != nil {
			if len(panels) > 1 {
				return nil, fmt.Errorf("panel %d (%q): %w", k, pn.Title, err)
			}
			return nil, err
		}
	}
	th := opt.Theme.withDefaults()
	if opt.XLabel == "" {
		opt.XLabel = "Time"
	}
	if opt.YLabel == "" {
		opt.YLabel = "Connections"
	}
	if opt.Focus == "" {
		opt.Focus = "TIME-WAIT"
	}
	// The curves every panel draws: those not empty in some panel.
	type key struct{ state, end string }
	var keys []key
	var ends []string
	nonEmpty := map[key]bool{}
	ymax, tmax := 0.0, 0.0
	for _, pn := range panels {
		tmax = max(tmax, pn.Time[len(pn.Time)-1])
		total := make([]float64, len(pn.Time))
		for _, s := range pn.States {
			k := key{s.State, s.End}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
			if s.End != "" && !slices.Contains(ends, s.End) {
				ends = append(ends, s.End)
			}
			if !allZero(s.Counts) {
				nonEmpty[k] = true
			}
			for i, v := range s.Counts {
				total[i] += v
				ymax = max(ymax, v)
			}
		}
		if opt.Stacked {
			for _, v := range total {
				ymax = max(ymax, v)
			}
		}
	}
	keys = slices.DeleteFunc(keys, func(k key) bool { return !opt.KeepEmpty && k.state != opt.Focus && !nonEmpty[k] })
	rank := func(k key) int {
		if k.state == opt.Focus {
			return -1
		}
		if i := stateIndex(k.state); i >= 0 {
			return i
		}
		return len(RFC9293States)
	}
	sort.SliceStable(keys, func(a, b int) bool {
		if ra, rb := rank(keys[a]), rank(keys[b]); ra != rb {
			return ra < rb
		}
		return slices.Index(ends, keys[a].end) < slices.Index(ends, keys[b].end)
	})
	// Ends differ by dash pattern when there are several, else states do
	// (the focus state solid), so that grey print still tells them apart.
	dashes := func(k key) []vg.Length {
		if len(ends) > 0 {
			return th.dashes(max(slices.Index(ends, k.end), 0))
		}
		return th.dashes(slices.Index(keys, k))
	}

	fig := &Figure{theme: th}
	// A tall theme (paper) stacks up to three panels in its column, then
	// goes to two columns; a wide one (slides) puts up to three side by
	// side.
	wide := th.Size.Width > 1.6*th.Size.Height
	cols := 1
	switch {
	case wide:
		cols = min(len(panels), 3)
	case len(panels) > 3:
		cols = 2
	}
	rows := (len(panels) + cols - 1) / cols
	for r := 0; r < rows; r++ {
		var row []*plot.Plot
		for c := 0; c < cols; c++ {
			k := r*cols + c
			if k >= len(panels) {
				row = append(row, nil)
				continue
			}
			pn := panels[k]
			title := pn.Title
			if len(panels) == 1 {
				title = opt.Title
			}
			xl, yl := opt.XLabel, opt.YLabel
			if r != rows-1 && k+cols < len(panels) {
				xl = ""
			}
			if c != 0 {
				yl = ""
			}
			p := th.newPlot(title, xl, yl)
			if len(panels) > 1 {
				p.Title.TextStyle.Font.Size = th.LabelSize
			}
			p.Add(th.grid())
			setAxisUnit(&p.X, Seconds, false, tmax)
			setAxisUnit(&p.Y, Count, false, ymax)
			if xl == "" {
				p.X.Label.Text = ""
			}
			if yl == "" {
				p.Y.Label.Text = ""
			}
			p.Y.Min, p.Y.Max = 0, max(ymax, 1)
			p.X.Min, p.X.Max = 0, tmax
			counts := func(k key) []float64 {
				for _, s := range pn.States {
					if s.State == k.state && s.End == k.end {
						return s.Counts
					}
				}
				return make([]float64, len(pn.Time))
			}
			legend := len(fig.Legend) == 0
			if opt.Stacked {
				ls := make([]StateCounts, len(keys))
				for i, k := range keys {
					ls[i] = StateCounts{State: k.state, End: k.end, Counts: counts(k)}
				}
				sa, err := NewStackedArea(layers{time: pn.Time, states: ls})
				if err != nil {
					return nil, err
				}
				for _, k := range keys {
					c := stateColor(k.state, false)
					if k.state == opt.Focus {
						c = focusColor
					}
					sa.Colors = append(sa.Colors, c)
				}
				sa.LineStyle = draw.LineStyle{Color: colWhite, Width: th.LineWidth / 3}
				p.Add(sa)
				for l, k := range keys {
					if legend {
						fig.Legend = append(fig.Legend, LegendEntry{Name: StateCounts{State: k.state, End: k.end}.name(), Thumbs: []plot.Thumbnailer{sa.Thumbnailer(l)}})
					}
				}
			} else {
				var focus []plot.Plotter
				for _, k := range keys {
					cs := counts(k)
					xys := make(plotter.XYs, len(pn.Time))
					for i := range xys {
						xys[i].X, xys[i].Y = pn.Time[i], cs[i]
					}
					l, err := plotter.NewLine(xys)
					if err != nil {
						return nil, fmt.Errorf("occupancy state %q: %w", k.state, err)
					}
					l.LineStyle = draw.LineStyle{Color: stateColor(k.state, true), Width: th.LineWidth * 0.8, Dashes: dashes(k)}
					if k.state == opt.Focus {
						l.LineStyle = draw.LineStyle{Color: focusColor, Width: th.LineWidth * 2, Dashes: dashes(k)}
						focus = append(focus, l)
					} else {
						p.Add(l)
					}
					if legend {
						fig.Legend = append(fig.Legend, LegendEntry{Name: StateCounts{State: k.state, End: k.end}.name(), Thumbs: []plot.Thumbnailer{l}})
					}
				}
				p.Add(focus...) // on top of the others
			}
			row = append(row, p)
		}
		fig.panels = append(fig.panels, row)
	}
	if len(panels) == 1 {
		fig.Plot = fig.panels[0][0]
		fig.panels = nil
		fig.Size = th.size(1)
		return fig, nil
	}
	fig.Plot = th.newPlot(opt.Title, "", "")
	fig.Size = Size{Width: th.Size.Width, Height: th.Size.Height * (0.3 + 0.6*vg.Length(rows))}
	if !wide {
		fig.Size.Width *= vg.Length(cols)
	}
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
