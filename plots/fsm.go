package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Transition is the number of times a run (or several) made one state
// transition of a TCB.
type Transition struct {
	From, To string
	Count    int
}

// TransitionMatrix draws a from-state × to-state matrix of transition
// counts: from-states are rows, the first at the top (y = n−1 … 0), and
// to-states columns (x = 0 … n−1). Legal transitions are outlined; a legal
// one that happened is shaded by its count (log scale) and labelled with
// it; an illegal one that happened is filled red, framed in dark red, with
// its count after a "!", so it cannot be missed; the rest are pale. (No
// bold type: gonum/plot's PDF backend v0.17 cannot set bold or italic faces
// of an embedded font.)
type TransitionMatrix struct {
	// LegalOutline outlines the legal cells.
	LegalOutline draw.LineStyle
	// IllegalColor fills the cells of illegal transitions that happened.
	IllegalColor color.Color
	// TextStyle is the style of the counts.
	TextStyle text.Style

	states []string
	counts [][]int
	legal  [][]bool
	max    int
}

// Fills of the matrix: the lightest and darkest shade of a legal
// transition's count, and the fill of a transition that did not happen.
var (
	coverLight  = color.RGBA{0xde, 0xeb, 0xf7, 0xff}
	coverDark   = color.RGBA{0x08, 0x51, 0x9c, 0xff}
	coverUnused = color.RGBA{0xf4, 0xf4, 0xf4, 0xff}
)

// NewTransitionMatrix returns the matrix of counts over states (in that
// order), with legal deciding which cells are outlined. Counts of the same
// transition are added up. It returns ErrNoData for no states, and
// ErrInvalid for a nil legal, a state named twice, a negative count, or a
// count whose from- or to-state is not in states: a transition must never
// vanish from a coverage figure because of a misspelt state.
func NewTransitionMatrix(states []string, counts []Transition, legal func(from, to string) bool) (*TransitionMatrix, error) {
	if len(states) == 0 {
		return nil, fmt.Errorf("transition matrix: %w (no states)", ErrNoData)
	}
	if legal == nil {
		return nil, fmt.Errorf("%w: transition matrix: nil legality", ErrInvalid)
	}
	index := make(map[string]int, len(states))
	for i, s := range states {
		if _, dup := index[s]; dup {
			return nil, fmt.Errorf("%w: transition matrix: state %q named twice", ErrInvalid, s)
		}
		index[s] = i
	}
	n := len(states)
	m := &TransitionMatrix{
		LegalOutline: draw.LineStyle{Color: color.Gray{Y: 0x20}, Width: vg.Points(1)},
		IllegalColor: colRed,
		TextStyle:    DefaultTheme.text(DefaultTheme.NoteSize),
		states:       append([]string(nil), states...),
		counts:       make([][]int, n),
		legal:        make([][]bool, n),
	}
	for i := range m.counts {
		m.counts[i] = make([]int, n)
		m.legal[i] = make([]bool, n)
		for j := range m.legal[i] {
			m.legal[i][j] = legal(states[i], states[j])
		}
	}
	for k, t := range counts {
		i, ok1 := index[t.From]
		j, ok2 := index[t.To]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: transition %d: %s → %s names a state not in %q", ErrInvalid, k, t.From, t.To, states)
		}
		if t.Count < 0 {
			return nil, fmt.Errorf("%w: transition %d: %s → %s count %d is negative", ErrInvalid, k, t.From, t.To, t.Count)
		}
		m.counts[i][j] += t.Count
		m.max = max(m.max, m.counts[i][j])
	}
	return m, nil
}

// Coverage returns how many legal transitions happened, how many are legal,
// how many illegal transitions happened and how often.
func (m *TransitionMatrix) Coverage() (usedLegal, legal, illegal, illegalEvents int) {
	for i := range m.counts {
		for j, c := range m.counts[i] {
			switch {
			case m.legal[i][j]:
				legal++
				if c > 0 {
					usedLegal++
				}
			case c > 0:
				illegal++
				illegalEvents += c
			}
		}
	}
	return
}

// shade returns the fill of a legal transition that happened c times.
func (m *TransitionMatrix) shade(c int) color.Color {
	t := 1.0
	if m.max > 1 {
		t = 0.15 + 0.85*math.Log(float64(c))/math.Log(float64(m.max))
	}
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-t) + float64(b)*t)) }
	return color.RGBA{mix(coverLight.R, coverDark.R), mix(coverLight.G, coverDark.G), mix(coverLight.B, coverDark.B), 0xff}
}

// compactCount formats a count to fit a cell: 987, 12k, 1.2k, 3.4M.
func compactCount(c int) string {
	switch {
	case c < 1000:
		return fmt.Sprint(c)
	case c < 10_000:
		return fmt.Sprintf("%.1fk", float64(c)/1e3)
	case c < 1_000_000:
		return fmt.Sprintf("%.0fk", float64(c)/1e3)
	default:
		return fmt.Sprintf("%.1fM", float64(c)/1e6)
	}
}

// Plot implements plot.Plotter.
func (m *TransitionMatrix) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n := len(m.states)
	cell := func(i, j int) (x0, y0, x1, y1 vg.Length) {
		row := float64(n - 1 - i)
		return trX(float64(j) - 0.5), trY(row - 0.5), trX(float64(j) + 0.5), trY(row + 0.5)
	}
	rect := func(x0, y0, x1, y1 vg.Length) []vg.Point {
		return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
	}
	sty := m.TextStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x0, y0, x1, y1 := cell(i, j)
			ctr := vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}
			cnt := m.counts[i][j]
			switch {
			case cnt > 0 && m.legal[i][j]:
				fill := m.shade(cnt)
				c.FillPolygon(fill, rect(x0, y0, x1, y1))
				sty.Color = textOn(fill)
				c.FillText(sty, ctr, compactCount(cnt))
			case cnt > 0:
				c.FillPolygon(m.IllegalColor, rect(x0, y0, x1, y1))
				warn := sty
				warn.Color = color.White
				c.FillText(warn, ctr, "!"+compactCount(cnt))
			case m.legal[i][j]:
				c.FillPolygon(color.White, rect(x0, y0, x1, y1))
			default:
				c.FillPolygon(coverUnused, rect(x0, y0, x1, y1))
			}
		}
	}
	grid := draw.LineStyle{Color: color.White, Width: vg.Points(0.6)}
	for k := 0; k <= n; k++ {
		x := trX(float64(k) - 0.5)
		c.StrokeLine2(grid, x, trY(-0.5), x, trY(float64(n)-0.5))
		y := trY(float64(k) - 0.5)
		c.StrokeLine2(grid, trX(-0.5), y, trX(float64(n)-0.5), y)
	}
	in := m.LegalOutline.Width / 2
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x0, y0, x1, y1 := cell(i, j)
			if m.legal[i][j] {
				r := rect(x0+in, y0+in, x1-in, y1-in)
				c.StrokeLines(m.LegalOutline, append(r, r[0]))
			} else if m.counts[i][j] > 0 {
				// A heavy dark-red frame, drawn outside the cell, so
				// that even a print in grey shows it.
				w := m.LegalOutline.Width * 1.6
				r := rect(x0-w/2, y0-w/2, x1+w/2, y1+w/2)
				c.StrokeLines(draw.LineStyle{Color: color.RGBA{0x67, 0x00, 0x0d, 0xff}, Width: w}, append(r, r[0]))
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (m *TransitionMatrix) DataRange() (xmin, xmax, ymin, ymax float64) {
	n := float64(len(m.states))
	return -0.5, n - 0.5, -0.5, n - 0.5
}

// CoverageOptions configures TransitionCoverage.
type CoverageOptions struct {
	Title string
	// States are the rows and columns, in order; the default is
	// RFC9293States.
	States []string
	// Legal decides which transitions are legal. Required: the one table
	// of legal transitions is endpoint.Legal, which plots does not import.
	Legal func(from, to string) bool
	Theme Theme
}

// TransitionCoverage draws the FSM transition coverage of a run: the
// from-state × to-state matrix of counts (see TransitionMatrix), a legend,
// and a note saying how many legal transitions were exercised and, in red,
// how many illegal ones happened. Its errors are NewTransitionMatrix's.
func TransitionCoverage(counts []Transition, opt CoverageOptions) (*Figure, error) {
	states := opt.States
	if states == nil {
		states = RFC9293States
	}
	legal := opt.Legal
	if legal == nil {
		return nil, fmt.Errorf("%w: CoverageOptions.Legal is required (endpoint.Legal is the table)", ErrInvalid)
	}
	m, err := NewTransitionMatrix(states, counts, legal)
	if err != nil {
		return nil, err
	}
	th := opt.Theme.withDefaults()
	m.TextStyle = th.text(th.NoteSize)
	p := th.newPlot(opt.Title, "to state", "from state")
	p.Add(m)
	nominal(&p.X, states)
	rev := make([]string, len(states))
	for i, s := range states {
		rev[len(states)-1-i] = s
	}
	nominal(&p.Y, rev)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter

	used, nLegal, illegal, events := m.Coverage()
	fig := &Figure{Plot: p, Size: Size{Width: 3.5 * vg.Inch, Height: 3.9 * vg.Inch}, theme: th}
	fig.Legend = []LegendEntry{
		{Name: "legal, not seen", Thumbs: []plot.Thumbnailer{swatch{fill: color.White, outline: m.LegalOutline}}},
		{Name: "legal, seen", Thumbs: []plot.Thumbnailer{swatch{fill: m.shade(max(m.max, 1)), outline: m.LegalOutline}}},
		{Name: "ILLEGAL, seen", Thumbs: []plot.Thumbnailer{swatch{fill: m.IllegalColor}}},
	}
	fig.Note = fmt.Sprintf("%d of %d legal transitions exercised", used, nLegal)
	if illegal > 0 {
		fig.Note += fmt.Sprintf("; %s seen %s", plural(illegal, "ILLEGAL transition"), plural(events, "time"))
		fig.NoteColor = m.IllegalColor
	}
	return fig, nil
}

// plural returns "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
