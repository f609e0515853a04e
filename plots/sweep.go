package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SweepPoint is one metric's estimate at one sweep point: a row of
// summary.csv.
type SweepPoint struct {
	// X is the value of the swept parameter (seconds for a duration).
	X float64
	// Mean is the mean of the metric over the point's replications. NaN
	// means "no value" (no replication had one) and leaves the point out.
	Mean float64
	// Lo and Hi bound the 95 % confidence interval of the mean
	// (summary.csv's ci95_lo and ci95_hi). Both NaN means there is none,
	// as with a single replication.
	Lo, Hi float64
}

// SweepSeries is one line of a sweep figure, such as one protocol variant.
type SweepSeries struct {
	Name   string
	Points []SweepPoint
}

// Analytic is a model curve drawn over a sweep figure's x range, such as
// HandshakeModel's mean time as a function of the loss probability. F may
// return NaN where the model is undefined; the curve has a gap there.
type Analytic struct {
	Name string
	F    func(x float64) float64
}

// SweepOptions configures Sweep.
type SweepOptions struct {
	Title, XLabel, YLabel string
	// LogX and LogY put the axis on a log scale; every value on it must
	// then be positive.
	LogX, LogY bool
	// Band draws each confidence interval as a shaded band instead of
	// error bars.
	Band bool
	// Analytic curves are drawn as dashed dark lines over the data.
	Analytic []Analytic
	// XUnit and YUnit are what x and y measure: they choose the tick
	// labels and the unit appended to each label (see Unit). A label that
	// already ends in ")" is left as it is.
	XUnit, YUnit Unit
	// XNames makes x a nominal axis: the points' X are indices into it
	// (0, 1, …), labelled with the names, for a parameter whose values are
	// not numbers (time_wait: [2msl, 200ms, none]). Points are not joined
	// by lines then. It excludes LogX and Analytic.
	XNames []string
	Theme  Theme
}

// nominalDodge is how far apart, in units of the nominal axis, the series'
// markers stand around a name.
const nominalDodge = 0.12

// sweepGlyphs are the series markers, distinguishable in grey print.
var sweepGlyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{},
	draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
}

// analyticDashes are the dash patterns of analytic curves, in points.
var analyticDashes = [][]vg.Length{{4, 2}, {1.2, 1.5}, {5, 1.5, 1.2, 1.5}, {2.5, 2.5}}

// sweepData is a series' points in increasing x with values, in the forms
// gonum's plotters read.
type sweepData []SweepPoint

func (d sweepData) Len() int                        { return len(d) }
func (d sweepData) XY(i int) (x, y float64)         { return d[i].X, d[i].Mean }
func (d sweepData) X(i int) float64                 { return d[i].X }
func (d sweepData) Interval(i int) (lo, hi float64) { return d[i].Lo, d[i].Hi }
func (d sweepData) YError(i int) (lo, hi float64) {
	return d[i].Mean - d[i].Lo, d[i].Hi - d[i].Mean
}

// checkSweepSeries returns the series' points that have a value, in
// increasing x, and those of them with an interval.
func checkSweepSeries(k int, s SweepSeries, opt SweepOptions) (all, withCI sweepData, err error) {
	where := func(i int) string { return fmt.Sprintf("sweep series %d (%q) point %d", k, s.Name, i) }
	for i, p := range s.Points {
		if err := checkFinite(p.X, "%s x", where(i)); err != nil {
			return nil, nil, err
		}
		if opt.LogX {
			if err := checkPositive(p.X, "%s x", where(i)); err != nil {
				return nil, nil, err
			}
		}
		if math.IsNaN(p.Mean) {
			continue
		}
		if err := checkFinite(p.Mean, "%s mean", where(i)); err != nil {
			return nil, nil, err
		}
		if opt.LogY {
			if err := checkPositive(p.Mean, "%s mean", where(i)); err != nil {
				return nil, nil, err
			}
		}
		all = append(all, p)
		switch {
		case math.IsNaN(p.Lo) && math.IsNaN(p.Hi):
		case !finite(p.Lo) || !finite(p.Hi):
			return nil, nil, fmt.Errorf("%w: %s interval [%v, %v]", ErrNotFinite, where(i), p.Lo, p.Hi)
		case p.Lo > p.Mean || p.Hi < p.Mean:
			return nil, nil, fmt.Errorf("%w: %s interval [%v, %v] does not contain the mean %v", ErrInvalid, where(i), p.Lo, p.Hi, p.Mean)
		case opt.LogY && p.Lo <= 0:
			return nil, nil, fmt.Errorf("%w: %s interval [%v, %v]", ErrLogScale, where(i), p.Lo, p.Hi)
		default:
			withCI = append(withCI, p)
		}
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("sweep series %d (%q): %w (no point has a value)", k, s.Name, ErrNoData)
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].X < all[b].X })
	sort.SliceStable(withCI, func(a, b int) bool { return withCI[a].X < withCI[b].X })
	for i := 1; i < len(all); i++ {
		if all[i].X == all[i-1].X {
			return nil, nil, fmt.Errorf("%w: sweep series %d (%q) has x = %v twice", ErrInvalid, k, s.Name, all[i].X)
		}
	}
	return all, withCI, nil
}

// Sweep draws a metric against a swept parameter: for each series the mean
// at each point joined by a line, with a marker, and its 95 % confidence
// interval as error bars or a band; then the analytic curves. It returns
// ErrNoData for no series or a series with no value, ErrNotFinite for a NaN
// or infinite x or mean or a half-NaN interval, ErrLogScale for a
// non-positive value on a log axis, and ErrInvalid for an interval that
// does not contain its mean, an x given twice in a series, or a nil
// analytic function.
func Sweep(series []SweepSeries, opt SweepOptions) (*Figure, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("sweep: %w (no series)", ErrNoData)
	}
	if opt.XNames != nil && (opt.LogX || len(opt.Analytic) > 0) {
		return nil, fmt.Errorf("%w: a nominal x axis (XNames) cannot be logarithmic or carry analytic curves", ErrInvalid)
	}
	for k, s := range series {
		for i, pt := range s.Points {
			if opt.XNames != nil && (pt.X != math.Trunc(pt.X) || pt.X < 0 || int(pt.X) >= len(opt.XNames)) {
				return nil, fmt.Errorf("%w: sweep series %d (%q) point %d: x %v is not an index into XNames (%d names)",
					ErrInvalid, k, s.Name, i, pt.X, len(opt.XNames))
			}
		}
	}
	th := opt.Theme.withDefaults()
	p := th.newPlot(opt.Title, opt.XLabel, opt.YLabel)
	setScales(p, opt.LogX, opt.LogY)
	if opt.XNames != nil {
		nominal(&p.X, opt.XNames)
		p.X.Tick.Length = vg.Points(3) // points sit on the ticks, unlike a heat map's cells
	}
	p.Add(th.grid())
	fig := &Figure{Plot: p, Size: th.size(1), theme: th}

	xmin, xmax := math.Inf(1), math.Inf(-1)
	var ymag float64
	var lines []plot.Plotter
	for k, s := range series {
		all, withCI, err := checkSweepSeries(k, s, opt)
		if err != nil {
			return nil, err
		}
		if opt.XNames != nil && len(series) > 1 {
			// Side by side around each name, so that markers do not hide
			// one another.
			d := nominalDodge * (float64(k) - float64(len(series)-1)/2)
			for i := range all {
				all[i].X += d
			}
			for i := range withCI {
				withCI[i].X += d
			}
		}
		xmin, xmax = math.Min(xmin, all[0].X), math.Max(xmax, all[len(all)-1].X)
		for _, pt := range all {
			ymag = math.Max(ymag, math.Abs(pt.Mean))
			if finite(pt.Hi) {
				ymag = math.Max(ymag, math.Max(math.Abs(pt.Lo), math.Abs(pt.Hi)))
			}
		}
		col := th.color(k)
		entry := LegendEntry{Name: s.Name}
		if len(withCI) > 0 {
			if opt.Band {
				b, err := NewBand(withCI)
				if err != nil {
					return nil, err
				}
				b.Color = translucent(col, 0x48)
				p.Add(b)
				entry.Thumbs = append(entry.Thumbs, b)
			} else {
				eb, err := plotter.NewYErrorBars(withCI)
				if err != nil {
					return nil, fmt.Errorf("sweep series %d (%q): %w", k, s.Name, err)
				}
				eb.LineStyle = draw.LineStyle{Color: col, Width: th.LineWidth * 0.6}
				eb.CapWidth = vg.Points(4) * th.scale()
				lines = append(lines, eb)
			}
		}
		l, sc, err := plotter.NewLinePoints(all)
		if err != nil {
			return nil, fmt.Errorf("sweep series %d (%q): %w", k, s.Name, err)
		}
		l.LineStyle = draw.LineStyle{Color: col, Width: th.LineWidth, Dashes: th.dashes(k)}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.2) * th.scale(), Shape: sweepGlyphs[k%len(sweepGlyphs)]}
		if opt.XNames != nil {
			// Nominal values have no order to connect: markers only.
			sc.GlyphStyle.Radius = vg.Points(3) * th.scale()
			lines = append(lines, sc)
			entry.Thumbs = append(entry.Thumbs, sc)
		} else {
			lines = append(lines, l, sc)
			entry.Thumbs = append(entry.Thumbs, l, sc)
		}
		fig.Legend = append(fig.Legend, entry)
	}
	p.Add(lines...)
	if opt.XNames == nil {
		setAxisUnit(&p.X, opt.XUnit, opt.LogX, math.Max(math.Abs(xmin), math.Abs(xmax)))
	}
	setAxisUnit(&p.Y, opt.YUnit, opt.LogY, ymag)
	for k, a := range opt.Analytic {
		if a.F == nil {
			return nil, fmt.Errorf("%w: analytic curve %d (%q) has no function", ErrInvalid, k, a.Name)
		}
		fl, err := NewFuncLine(a.F, xmin, xmax)
		if err != nil {
			return nil, err
		}
		if xmin == xmax {
			fl.XMin, fl.XMax = 0, 0 // a single x: span the plot
		}
		fl.LineStyle = draw.LineStyle{Color: color.Gray{Y: 0x30}, Width: th.LineWidth * 0.9, Dashes: analyticDashes[k%len(analyticDashes)]}
		p.Add(fl)
		fig.Legend = append(fig.Legend, LegendEntry{Name: a.Name, Thumbs: []plot.Thumbnailer{fl}})
	}
	return fig, nil
}

// setScales puts the plot's axes on log scales as asked.
func setScales(p *plot.Plot, logX, logY bool) {
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
}

// translucent returns c with alpha a, as a non-premultiplied colour.
func translucent(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}
