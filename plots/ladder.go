package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// StateChange is an endpoint entering State at Time (seconds).
type StateChange struct {
	Time  float64
	State string
}

// Timeline is one endpoint of a ladder diagram: its name (a host, or
// "host:port") and its state changes in time order. A first change at or
// before the first segment gives the state the endpoint starts in, e.g.
// LISTEN at 0.
type Timeline struct {
	Name   string
	States []StateChange
}

// SegmentKind says what a segment is, beyond its flags: each kind has its
// colour in the diagram and its word in the legend.
type SegmentKind uint8

// The kinds of segment.
const (
	// Normal is a segment sent for the first time.
	Normal SegmentKind = iota
	// Retransmission is a segment sent again after a timeout.
	Retransmission
	// Duplicate is an extra copy made by the network.
	Duplicate
	// Stale is an old segment from an earlier incarnation of the
	// connection, or one replayed into it.
	Stale
	// Later is a segment of a later incarnation on the same 4-tuple, such
	// as the SYN-ACK a duplicate SYN draws from the server after the
	// connection has closed.
	Later
	numKinds
)

// String returns the kind's name in the legend.
func (k SegmentKind) String() string {
	switch k {
	case Normal:
		return "segment"
	case Retransmission:
		return "retransmission"
	case Duplicate:
		return "duplicate"
	case Stale:
		return "stale (earlier incarnation)"
	case Later:
		return "later incarnation"
	}
	return "SegmentKind(" + strconv.Itoa(int(k)) + ")"
}

// suffix is appended to a label so that kinds stay apart in grey print.
func (k SegmentKind) suffix() string {
	switch k {
	case Retransmission:
		return " (rtx)"
	case Duplicate:
		return " (dup)"
	case Stale:
		return " (stale)"
	case Later:
		return " (later)"
	}
	return ""
}

// color is the kind's colour.
func (k SegmentKind) color() color.Color {
	switch k {
	case Retransmission:
		return colBlue
	case Duplicate:
		return color.RGBA{0x7b, 0x32, 0x94, 0xff}
	case Stale:
		return colVermillion
	case Later:
		return colGreen
	}
	return colBlack
}

// Segment is one segment on the wire between two endpoints of a ladder
// diagram.
type Segment struct {
	// From and To name the sending and receiving Timeline.
	From, To string
	// Send is the time From sent it and Recv the time To received it,
	// in seconds. Recv is ignored for a lost segment.
	Send, Recv float64
	// Lost marks a segment the network dropped: a dashed arrow that ends
	// in a cross halfway across.
	Lost bool
	// Label is written along the arrow, as tcpdump would say it: "SYN
	// seq=100", "SYN,ACK seq=300 ack=101".
	Label string
	Kind  SegmentKind
}

// LadderScale is how a ladder diagram's time axis runs.
type LadderScale uint8

// The ladder time scales.
const (
	// EventOrder gives each distinct event time (a send, a receipt, a
	// state change) its own row, equally spaced, with the time written at
	// the row: the diagram stays legible when a 1 s timeout separates
	// 10 ms round trips. Slopes are not to scale. Times less than half a
	// nanosecond apart share a row.
	EventOrder LadderScale = iota
	// Linear draws time to scale.
	Linear
)

// LadderOptions configures a ladder diagram.
type LadderOptions struct {
	Title string
	// Scale is EventOrder (the default) or Linear.
	Scale LadderScale
	// Start and End select a time window (both zero: everything). The
	// window keeps the segments sent or received in it and the state
	// changes in it, and shows at its top the state each endpoint was in.
	Start, End float64
	Theme      Theme
}

// ladderState is a state label on a timeline.
type ladderState struct {
	lane  int
	t     float64
	state string
}

// Ladder draws a ladder (sequence) diagram: a vertical timeline per
// endpoint, time running down, each labelled with its state names where
// they change and shaded by state; one arrow per segment from the sender at
// its send time to the receiver at its receive time, labelled along its
// length; lost segments dashed and ending in a cross; retransmissions,
// duplicates and stale segments in their own colours. x is the lane (0, 1,
// …) and y the time, or the row in EventOrder.
type Ladder struct {
	// TextStyle is the style of segment and state labels.
	TextStyle text.Style
	// NameStyle is the style of the endpoint names above the timelines.
	NameStyle text.Style
	// LineWidth is the width of the arrows.
	LineWidth vg.Length

	names  []string
	segs   []Segment
	from   []int // lane of each segment's sender
	to     []int
	states []ladderState
	scale  LadderScale
	rows   []float64 // EventOrder: the distinct event times, increasing
	delay  map[[2]int]float64
	tmin   float64
	tmax   float64

	// boxes are the labels drawn by the last Plot, and area its data area.
	boxes []LabelBox
	area  vg.Rectangle
}

// NewLadder validates the timelines and segments and lays them out. It
// returns ErrNoData for no timelines or nothing to draw, ErrNotFinite for a
// NaN or infinite time, and ErrInvalid for a single timeline, a missing or
// repeated name, state changes out of time order, a segment between unknown
// or identical endpoints, one received before it was sent, an unknown kind,
// or a window with End < Start.
func NewLadder(timelines []Timeline, segs []Segment, opt LadderOptions) (*Ladder, error) {
	if len(timelines) == 0 {
		return nil, fmt.Errorf("ladder: %w (no timelines)", ErrNoData)
	}
	if len(timelines) < 2 {
		return nil, fmt.Errorf("%w: ladder needs two or more timelines, got %d", ErrInvalid, len(timelines))
	}
	if !finite(opt.Start) || !finite(opt.End) || opt.End < opt.Start {
		return nil, fmt.Errorf("%w: ladder window [%v, %v]", ErrInvalid, opt.Start, opt.End)
	}
	windowed := opt.Start != 0 || opt.End != 0
	in := func(t float64) bool { return !windowed || (t >= opt.Start && t <= opt.End) }
	l := &Ladder{scale: opt.Scale, delay: map[[2]int]float64{}, LineWidth: DefaultTheme.LineWidth,
		TextStyle: DefaultTheme.text(DefaultTheme.NoteSize), NameStyle: DefaultTheme.text(DefaultTheme.LabelSize)}
	lane := map[string]int{}
	for i, tl := range timelines {
		if tl.Name == "" {
			return nil, fmt.Errorf("%w: ladder timeline %d has no name", ErrInvalid, i)
		}
		if _, dup := lane[tl.Name]; dup {
			return nil, fmt.Errorf("%w: ladder timeline %q named twice", ErrInvalid, tl.Name)
		}
		lane[tl.Name] = i
		l.names = append(l.names, tl.Name)
		before := ""
		for k, sc := range tl.States {
			if err := checkFinite(sc.Time, "ladder timeline %q state change %d time", tl.Name, k); err != nil {
				return nil, err
			}
			if k > 0 && sc.Time < tl.States[k-1].Time {
				return nil, fmt.Errorf("%w: ladder timeline %q state change %d at %v is before the one at %v", ErrInvalid, tl.Name, k, sc.Time, tl.States[k-1].Time)
			}
			switch {
			case in(sc.Time):
				l.states = append(l.states, ladderState{lane: i, t: sc.Time, state: sc.State})
			case sc.Time < opt.Start:
				before = sc.State
			}
		}
		if before != "" {
			l.states = append(l.states, ladderState{lane: i, t: opt.Start, state: before})
		}
	}
	sort.SliceStable(l.states, func(a, b int) bool {
		if l.states[a].lane != l.states[b].lane {
			return l.states[a].lane < l.states[b].lane
		}
		return l.states[a].t < l.states[b].t
	})
	var delays = map[[2]int][]float64{}
	for k, s := range segs {
		f, ok1 := lane[s.From]
		t, ok2 := lane[s.To]
		if !ok1 || !ok2 || f == t {
			return nil, fmt.Errorf("%w: ladder segment %d (%q) goes from %q to %q", ErrInvalid, k, s.Label, s.From, s.To)
		}
		if err := checkFinite(s.Send, "ladder segment %d (%q) send time", k, s.Label); err != nil {
			return nil, err
		}
		if s.Kind >= numKinds {
			return nil, fmt.Errorf("%w: ladder segment %d (%q) has kind %d", ErrInvalid, k, s.Label, s.Kind)
		}
		if !s.Lost {
			if err := checkFinite(s.Recv, "ladder segment %d (%q) receive time", k, s.Label); err != nil {
				return nil, err
			}
			if s.Recv < s.Send {
				return nil, fmt.Errorf("%w: ladder segment %d (%q) received at %v before it was sent at %v", ErrInvalid, k, s.Label, s.Recv, s.Send)
			}
			delays[[2]int{f, t}] = append(delays[[2]int{f, t}], s.Recv-s.Send)
		}
		if !in(s.Send) && (s.Lost || !in(s.Recv)) {
			continue
		}
		l.segs = append(l.segs, s)
		l.from = append(l.from, f)
		l.to = append(l.to, t)
	}
	if len(l.segs) == 0 && len(l.states) == 0 {
		return nil, fmt.Errorf("ladder: %w (no segment and no state change to draw)", ErrNoData)
	}
	l.layout(delays)
	return l, nil
}

// layout finds the rows, the time range and the typical delays.
func (l *Ladder) layout(delays map[[2]int][]float64) {
	var all []float64
	var times []float64
	for _, ds := range delays {
		all = append(all, ds...)
	}
	fallback := median(all)
	for i, s := range l.segs {
		times = append(times, s.Send)
		if !s.Lost {
			times = append(times, s.Recv)
		}
		key := [2]int{l.from[i], l.to[i]}
		if _, ok := l.delay[key]; !ok {
			d, ok := median(delays[key]), len(delays[key]) > 0
			if !ok {
				d = fallback
			}
			l.delay[key] = d
		}
	}
	for _, s := range l.states {
		times = append(times, s.t)
	}
	sort.Float64s(times)
	l.tmin, l.tmax = times[0], times[len(times)-1]
	for _, t := range times {
		if len(l.rows) == 0 || t-l.rows[len(l.rows)-1] >= sameRow {
			l.rows = append(l.rows, t)
		}
	}
	for k, d := range l.delay {
		if !(d > 0) { // no delivered segment at all: a twentieth of the span
			l.delay[k] = math.Max(l.tmax-l.tmin, 1e-3) / 20
		}
	}
}

// median returns the median of xs (0 if empty).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// sameRow is how close (in seconds) two times must be to share a row:
// half the simulator's nanosecond, so that only rounding separates them.
const sameRow = 0.5e-9

// y returns the y coordinate of time t: the time, or its row.
func (l *Ladder) y(t float64) float64 {
	if l.scale == Linear {
		return t
	}
	i := sort.SearchFloat64s(l.rows, t-sameRow)
	if i == len(l.rows) {
		i--
	}
	return float64(i)
}

// lossY returns the y coordinate of a lost segment's cross: half a row, or
// half the typical delay, after it was sent.
func (l *Ladder) lossY(i int) float64 {
	if l.scale == Linear {
		return l.segs[i].Send + l.delay[[2]int{l.from[i], l.to[i]}]/2
	}
	return l.y(l.segs[i].Send) + 0.5
}

// yRange returns the y range to show.
func (l *Ladder) yRange() (lo, hi float64) {
	if l.scale == Linear {
		pad := math.Max(l.tmax-l.tmin, 1e-3) * 0.03
		hi = l.tmax
		for i, s := range l.segs {
			if s.Lost {
				hi = math.Max(hi, l.lossY(i))
			}
		}
		return l.tmin - pad, hi + pad
	}
	return -0.6, float64(len(l.rows)) - 0.4
}

// timeTicks returns one tick per row, its time written with just enough
// decimals (3 to 9) to tell neighbouring rows apart; with many rows, only
// some are labelled.
func (l *Ladder) timeTicks() []plot.Tick {
	dec := 3
	for ; dec < 9; dec++ {
		distinct := true
		for i := 1; i < len(l.rows); i++ {
			if strconv.FormatFloat(l.rows[i], 'f', dec, 64) == strconv.FormatFloat(l.rows[i-1], 'f', dec, 64) {
				distinct = false
				break
			}
		}
		if distinct {
			break
		}
	}
	every := 1 + len(l.rows)/80
	ticks := make([]plot.Tick, len(l.rows))
	for i, t := range l.rows {
		ticks[i].Value = float64(i)
		if i%every == 0 {
			ticks[i].Label = strconv.FormatFloat(t, 'f', dec, 64)
		}
	}
	return ticks
}

// kinds returns the segment kinds present and whether any segment is lost.
func (l *Ladder) kinds() (present [numKinds]bool, lost bool) {
	for _, s := range l.segs {
		present[s.Kind] = true
		lost = lost || s.Lost
	}
	return present, lost
}

// LadderDiagram draws a ladder diagram of one connection or a time window
// (see Ladder and LadderOptions), with a legend of the kinds of segment
// present. Its size follows the number of rows (12 to 28 points each): one
// column wide for two endpoints and up to 20 rows, two columns for more.
// Its errors are NewLadder's.
func LadderDiagram(timelines []Timeline, segs []Segment, opt LadderOptions) (*Figure, error) {
	l, err := NewLadder(timelines, segs, opt)
	if err != nil {
		return nil, err
	}
	th := opt.Theme.withDefaults()
	l.TextStyle = th.text(th.NoteSize)
	l.NameStyle = th.text(th.LabelSize)
	l.LineWidth = th.LineWidth
	ylabel := "time (s)"
	if l.scale == EventOrder {
		ylabel = "time (s), one row per event, not to scale"
	}
	p := th.newPlot(opt.Title, "", ylabel)
	p.HideX()
	p.X.Min, p.X.Max = 0, float64(len(l.names)-1)
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.Y.Min, p.Y.Max = l.yRange()
	if l.scale == EventOrder {
		p.Y.Tick.Marker = plot.ConstantTicks(l.timeTicks())
		p.Y.Tick.Length = vg.Points(2)
	}
	p.Add(l)

	fig := &Figure{Plot: p, theme: th}
	present, lost := l.kinds()
	for k := SegmentKind(0); k < numKinds; k++ {
		if present[k] {
			fig.Legend = append(fig.Legend, LegendEntry{Name: k.String(), Thumbs: []plot.Thumbnailer{arrowThumb{color: k.color(), width: th.LineWidth}}})
		}
	}
	if lost {
		fig.Legend = append(fig.Legend, LegendEntry{Name: "lost", Thumbs: []plot.Thumbnailer{arrowThumb{color: colBlack, width: th.LineWidth, lost: true}}})
	}

	fig.labelled = []labelBoxer{l}
	fig.Size = l.size(th, opt.Title != "")
	// Widen and heighten until no label hides another or a state name:
	// the placement avoids overlaps where it can, and longer arrows give
	// it room. Wider helps crossing arrows most, so it goes first, up to
	// about twice the theme's width.
	for try := 0; try < 10 && fig.CheckLabels() != nil; try++ {
		if w := fig.Size.Width * 1.15; try%2 == 0 && w <= 2.05*th.Size.Width {
			fig.Size.Width = w
		} else {
			fig.Size.Height *= 1.15
		}
	}
	return fig, nil
}

// size returns the figure size of the ladder: wide enough for the state
// names beside the outer timelines and, between neighbouring timelines,
// for the longest segment label (at least the theme's width, at most about
// twice it), and 12 to 28 points a row at the paper style's text size.
func (l *Ladder) size(th Theme, title bool) Size {
	rows := len(l.rows)
	rowH := math.Max(12, math.Min(28, 360/float64(max(rows, 1))))
	h := vg.Points(rowH*float64(rows)+70) * th.scale()
	if title {
		h += th.TitleSize * 1.5
	}
	var states [2]vg.Length // widest state label left of the first lane, right of the last
	for _, s := range l.labels() {
		switch s.lane {
		case 0:
			states[0] = max(states[0], l.TextStyle.Width(s.text))
		case len(l.names) - 1:
			states[1] = max(states[1], l.TextStyle.Width(s.text))
		}
	}
	var label vg.Length
	for _, s := range l.segs {
		label = max(label, l.TextStyle.Width(s.Label+s.Kind.suffix()))
	}
	gap := max(label*1.15, vg.Points(90)*th.scale())
	axis := 4 * th.TickSize * 2.2 // the time ticks and their axis label
	w := axis + states[0] + states[1] + 2*vg.Points(ladderBand+ladderStateX+4) + gap*vg.Length(len(l.names)-1)
	w = min(max(w, th.Size.Width), 2.05*th.Size.Width)
	return Size{Width: w, Height: h}
}
