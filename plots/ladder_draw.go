package plots

import (
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Dimensions of a ladder diagram, in points.
const (
	ladderBand   = 3.5 // width of the state band along a timeline
	ladderHead   = 5   // arrowhead length
	ladderHeadW  = 2   // arrowhead half-width
	ladderCross  = 3   // half-size of a loss cross
	ladderGap    = 1.2 // between an arrow and its label
	ladderStateX = 4   // between a band and a state label
)

// quad is a label's box on the canvas, a rotated rectangle.
type quad [4]vg.Point

// overlaps reports whether two convex quads intersect.
func (q quad) overlaps(r quad) bool { return convexOverlap(q[:], r[:]) }

// crosses reports whether the segment a–b passes through q.
func (q quad) crosses(a, b vg.Point) bool { return convexOverlap(q[:], []vg.Point{a, b}) }

// covers reports whether q covers the point p or comes within 2 points of
// it.
func (q quad) covers(p vg.Point) bool {
	d := vg.Points(2)
	return convexOverlap(q[:], []vg.Point{{X: p.X - d, Y: p.Y - d}, {X: p.X + d, Y: p.Y - d}, {X: p.X + d, Y: p.Y + d}, {X: p.X - d, Y: p.Y + d}})
}

// convexOverlap reports whether two convex polygons (a segment is a
// polygon of two points) intersect, by the separating axis theorem over
// the edge normals of both.
func convexOverlap(p, r []vg.Point) bool {
	for _, poly := range [][]vg.Point{p, r} {
		for i := range poly {
			a, b := poly[i], poly[(i+1)%len(poly)]
			nx, ny := -(b.Y - a.Y), b.X-a.X
			if nx == 0 && ny == 0 {
				continue
			}
			minP, maxP := project(p, nx, ny)
			minR, maxR := project(r, nx, ny)
			if maxP < minR || maxR < minP {
				return false
			}
		}
	}
	return true
}

// project returns the extent of the points q along (nx, ny).
func project(q []vg.Point, nx, ny vg.Length) (lo, hi vg.Length) {
	lo, hi = vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
	for _, p := range q {
		d := p.X*nx + p.Y*ny
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

// textQuad returns the box of txt drawn with sty (XCenter, YBottom) at pt,
// rotated by sty.Rotation, grown by pad on every side.
func textQuad(sty text.Style, pt vg.Point, txt string, pad vg.Length) quad {
	w := sty.Width(txt)
	h := sty.Height(txt)
	sin, cos := math.Sincos(sty.Rotation)
	at := func(x, y vg.Length) vg.Point {
		return vg.Point{X: pt.X + x*vg.Length(cos) - y*vg.Length(sin), Y: pt.Y + x*vg.Length(sin) + y*vg.Length(cos)}
	}
	return quad{at(-w/2-pad, -pad), at(w/2+pad, -pad), at(w/2+pad, h+pad), at(-w/2-pad, h+pad)}
}

// ladderFracs are the places along an arrow tried for its label, best
// first.
var ladderFracs = []float64{0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85, 0.1, 0.9}

// stateLabel is the text of a state label: where it goes and on which side.
type stateLabel struct {
	lane  int
	y     float64 // data y
	text  string
	state string // the last state named, which colours the band
}

// labels returns the state labels, one per (lane, y): at one instant an
// endpoint may pass through several states, and the label names them in
// order, "CLOSE-WAIT » LAST-ACK".
func (l *Ladder) labels() []stateLabel {
	var out []stateLabel
	for _, s := range l.states {
		y := l.y(s.t)
		if n := len(out); n > 0 && out[n-1].lane == s.lane && out[n-1].y == y {
			// One state a line, so that the label stays narrow.
			out[n-1].text += " \u00bb\n" + s.state
			out[n-1].state = s.state
			continue
		}
		out = append(out, stateLabel{lane: s.lane, y: y, text: s.state, state: s.state})
	}
	return out
}

// stateSide returns the side of lane's timeline its state labels go on: −1
// left for the first lane, +1 right for the others.
func (l *Ladder) stateSide(lane int) float64 {
	if lane == 0 {
		return -1
	}
	return 1
}

// GlyphBoxes implements plot.GlyphBoxer: room for the endpoint names above
// the timelines and the state labels beside the outer ones.
func (l *Ladder) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	nh := l.NameStyle.Height("X")
	for i, n := range l.names {
		w := l.NameStyle.Width(n)
		boxes = append(boxes, plot.GlyphBox{X: plt.X.Norm(float64(i)), Y: plt.Y.Norm(plt.Y.Min),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -w / 2, Y: 2}, Max: vg.Point{X: w / 2, Y: 2 + nh*1.3}}})
	}
	h := l.TextStyle.Height("X")
	off := vg.Points(ladderBand/2 + ladderStateX)
	for _, s := range l.labels() {
		if s.lane != 0 && s.lane != len(l.names)-1 {
			continue
		}
		w := l.TextStyle.Width(s.text) + off
		r := vg.Rectangle{Min: vg.Point{X: 0, Y: -h / 2}, Max: vg.Point{X: w, Y: h / 2}}
		if l.stateSide(s.lane) < 0 {
			r.Min.X, r.Max.X = -w, 0
		}
		boxes = append(boxes, plot.GlyphBox{X: plt.X.Norm(float64(s.lane)), Y: plt.Y.Norm(s.y), Rectangle: r})
	}
	return boxes
}

// Plot implements plot.Plotter.
func (l *Ladder) Plot(c draw.Canvas, plt *plot.Plot) {
	l.boxes = nil
	trX, trY := plt.Transforms(&c)
	band := vg.Points(ladderBand)
	lanes := make([]vg.Length, len(l.names))
	for i := range lanes {
		lanes[i] = trX(float64(i))
	}

	// Names, timelines and state bands.
	ns := l.NameStyle
	ns.XAlign, ns.YAlign = draw.XCenter, draw.YBottom
	axis := draw.LineStyle{Color: color.Gray{Y: 0x60}, Width: vg.Points(0.6)}
	for i, x := range lanes {
		c.FillText(ns, vg.Point{X: x, Y: c.Max.Y + 2}, l.names[i])
		c.StrokeLine2(axis, x, c.Min.Y, x, c.Max.Y)
	}
	labels := l.labels()
	for k, s := range labels {
		bottom := c.Min.Y
		for _, n := range labels[k+1:] {
			if n.lane == s.lane {
				bottom = trY(n.y)
				break
			}
		}
		top, x := trY(s.y), lanes[s.lane]
		fill := stateColor(s.state, false)
		c.FillPolygon(fill, []vg.Point{{X: x - band/2, Y: top}, {X: x + band/2, Y: top}, {X: x + band/2, Y: bottom}, {X: x - band/2, Y: bottom}})
	}
	ss := l.TextStyle
	ss.YAlign = draw.YCenter
	tick := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	var placed []quad
	for _, s := range labels {
		x, y := lanes[s.lane], trY(s.y)
		c.StrokeLine2(tick, x-band, y, x+band, y)
		side := vg.Length(l.stateSide(s.lane))
		ss.XAlign = draw.XLeft
		if side < 0 {
			ss.XAlign = draw.XRight
		}
		pt := vg.Point{X: x + side*vg.Points(ladderBand/2+ladderStateX), Y: y}
		w, h := ss.Width(s.text), ss.Height(s.text)
		x0 := pt.X
		if side < 0 {
			x0 -= w
		}
		q := quad{{X: x0 - 1, Y: y - h/2 - 1}, {X: x0 + w + 1, Y: y - h/2 - 1}, {X: x0 + w + 1, Y: y + h/2 + 1}, {X: x0 - 1, Y: y + h/2 + 1}}
		if s.lane != 0 && s.lane != len(l.names)-1 {
			c.FillPolygon(color.White, q[:])
		}
		placed = append(placed, q)
		l.boxes = append(l.boxes, LabelBox{Text: s.text, State: true, Quad: q})
		c.FillText(ss, pt, s.text)
	}

	// Arrows, in send order.
	order := make([]int, len(l.segs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return l.segs[order[a]].Send < l.segs[order[b]].Send })
	arrows := make([]arrow, len(l.segs))
	for _, i := range order {
		s := l.segs[i]
		x0, x1 := lanes[l.from[i]], lanes[l.to[i]]
		dir := vg.Length(1)
		if x1 < x0 {
			dir = -1
		}
		a := arrow{p0: vg.Point{X: x0 + dir*band/2, Y: trY(l.y(s.Send))}}
		if s.Lost {
			a.p1 = vg.Point{X: x0 + (x1-x0)/2, Y: trY(l.lossY(i))}
		} else {
			a.p1 = vg.Point{X: x1 - dir*band/2, Y: trY(l.y(s.Recv))}
		}
		// An arrow drawn exactly over an earlier one (two segments sent
		// and received at the same instants) is moved down a little.
		for k := 0; k < len(arrows); k++ {
			if b := arrows[k]; b.p0 == a.p0 && b.p1 == a.p1 && b.sty.Color != nil {
				a.p0.Y -= vg.Points(3)
				a.p1.Y -= vg.Points(3)
				k = -1
			}
		}
		a.sty = draw.LineStyle{Color: s.Kind.color(), Width: l.LineWidth * 0.9}
		if s.Lost {
			a.sty.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		}
		arrows[i] = a
		c.StrokeLines(a.sty, []vg.Point{a.p0, a.p1})
	}

	// Labels along the arrows.
	l.placeLabels(&c, arrows, lanes, placed)

	// Arrowheads and crosses, on top.
	for i, a := range arrows {
		col := a.sty.Color
		if l.segs[i].Lost {
			cr := vg.Points(ladderCross)
			st := draw.LineStyle{Color: col, Width: l.LineWidth * 1.3}
			c.StrokeLine2(st, a.p1.X-cr, a.p1.Y-cr, a.p1.X+cr, a.p1.Y+cr)
			c.StrokeLine2(st, a.p1.X-cr, a.p1.Y+cr, a.p1.X+cr, a.p1.Y-cr)
			continue
		}
		drawHead(&c, a.p0, a.p1, col)
	}
}

// arrow is a segment's arrow on the canvas.
type arrow struct {
	p0, p1 vg.Point
	sty    draw.LineStyle
}

// labelSpot is a place for a segment's label.
type labelSpot struct {
	pt   vg.Point
	q    quad
	cost int // what it hides other than labels
}

// placeLabels writes each segment's label along its arrow where it hides
// least. A label may not cover another label or a state label (weight
// 100), and had better not cover a timeline or the end of an arrow (5) nor
// cross another arrow (1); above the arrow is preferred to below (1), and
// the middle to the ends. Labels are placed greedily, then each is moved
// to its best place given all the others, twice over; this is done in
// three orders and the arrangement that hides least is kept. Each sits on a white halo, so that a line it
// does cross is interrupted rather than run through it.
func (l *Ladder) placeLabels(c *draw.Canvas, arrows []arrow, lanes []vg.Length, fixed []quad) {
	band := vg.Points(ladderBand)
	n := len(l.segs)
	styles := make([]text.Style, n)
	texts := make([]string, n)
	spots := make([][]labelSpot, n)
	for i, s := range l.segs {
		a := arrows[i]
		texts[i] = s.Label + s.Kind.suffix()
		if texts[i] == "" {
			continue
		}
		dx, dy := float64(a.p1.X-a.p0.X), float64(a.p1.Y-a.p0.Y)
		theta := math.Atan2(dy, dx)
		if dx < 0 {
			theta += math.Pi
		}
		sty := l.TextStyle
		sty.Color = s.Kind.color()
		sty.Rotation = theta
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
		styles[i] = sty
		sin, cos := math.Sincos(theta)
		nx, ny := -vg.Length(sin), vg.Length(cos) // the text's "up"
		h := sty.Height(texts[i])
		for _, place := range []struct {
			side vg.Length
			far  bool
		}{{1, false}, {-1, false}, {1, true}, {-1, true}} {
			// Above the arrow the text's baseline is a gap above the
			// line; below, its top is a gap below; far places leave a
			// further line's height between.
			side := place.side
			off := vg.Points(ladderGap)
			if side < 0 {
				off = -vg.Points(ladderGap) - h
			}
			if place.far {
				off += side * h
			}
			for _, f := range ladderFracs {
				pt := vg.Point{
					X: a.p0.X + vg.Length(f)*(a.p1.X-a.p0.X) + off*nx,
					Y: a.p0.Y + vg.Length(f)*(a.p1.Y-a.p0.Y) + off*ny,
				}
				q := textQuad(sty, pt, texts[i], vg.Points(0.6))
				cost := 0
				if side < 0 {
					cost++
				}
				if place.far {
					cost += 3
				}
				for _, p := range fixed {
					if q.overlaps(p) {
						cost += 100
					}
				}
				for _, p := range q {
					if p.X < c.Min.X || p.X > c.Max.X || p.Y < c.Min.Y || p.Y > c.Max.Y {
						cost += 100 // clipped by the figure's edge
						break
					}
				}
				for j, b := range arrows {
					if j != i && q.crosses(b.p0, b.p1) {
						cost++
					}
					if q.covers(b.p0) || q.covers(b.p1) {
						cost += 5
					}
				}
				for _, x := range lanes {
					if q.crosses(vg.Point{X: x - band, Y: c.Min.Y}, vg.Point{X: x - band, Y: c.Max.Y}) ||
						q.crosses(vg.Point{X: x + band, Y: c.Min.Y}, vg.Point{X: x + band, Y: c.Max.Y}) {
						cost += 5
					}
				}
				spots[i] = append(spots[i], labelSpot{pt: pt, q: q, cost: cost})
			}
		}
	}

	length := func(i int) float64 {
		return math.Hypot(float64(arrows[i].p1.X-arrows[i].p0.X), float64(arrows[i].p1.Y-arrows[i].p0.Y))
	}
	order := make([]int, 0, n)
	for i := range l.segs {
		if len(spots[i]) > 0 {
			order = append(order, i)
		}
	}
	// place runs the greedy pass in the given order and the two rounds of
	// moves, and returns the choices and their total cost.
	place := func(order []int) ([]int, int) {
		choice := make([]int, n)
		placed := make([]bool, n)
		cost := func(i, k int) int {
			c := spots[i][k].cost
			for _, j := range order {
				if j != i && placed[j] && spots[i][k].q.overlaps(spots[j][choice[j]].q) {
					c += 100
				}
			}
			return c
		}
		for round := 0; round < 3; round++ {
			for _, i := range order {
				bk, bc := 0, math.MaxInt
				for k := range spots[i] {
					if c := cost(i, k); c < bc {
						bk, bc = k, c
					}
				}
				choice[i] = bk
				placed[i] = true
			}
		}
		total := 0
		for _, i := range order {
			total += cost(i, choice[i])
		}
		return choice, total
	}
	// Short arrows first (long ones have more room), long ones first (they
	// cross the most), or in send order: the best of the three.
	short := append([]int(nil), order...)
	sort.SliceStable(short, func(a, b int) bool { return length(short[a]) < length(short[b]) })
	long := append([]int(nil), order...)
	sort.SliceStable(long, func(a, b int) bool { return length(long[a]) > length(long[b]) })
	var choice []int
	bestTotal := math.MaxInt
	for _, o := range [][]int{short, long, order} {
		if ch, total := place(o); total < bestTotal {
			choice, bestTotal = ch, total
		}
	}
	for _, i := range order {
		sp := spots[i][choice[i]]
		c.FillPolygon(color.White, sp.q[:])
		c.FillText(styles[i], sp.pt, texts[i])
		l.boxes = append(l.boxes, LabelBox{Text: texts[i], Quad: sp.q})
	}
	l.area = c.Rectangle
}

// drawHead draws a filled arrowhead at p1 pointing away from p0.
func drawHead(c *draw.Canvas, p0, p1 vg.Point, col color.Color) {
	dx, dy := float64(p1.X-p0.X), float64(p1.Y-p0.Y)
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	ux, uy := vg.Length(dx/n), vg.Length(dy/n)
	L, W := vg.Points(ladderHead), vg.Points(ladderHeadW)
	base := vg.Point{X: p1.X - ux*L, Y: p1.Y - uy*L}
	c.FillPolygon(col, []vg.Point{p1, {X: base.X - uy*W, Y: base.Y + ux*W}, {X: base.X + uy*W, Y: base.Y - ux*W}})
}

// DataRange implements plot.DataRanger.
func (l *Ladder) DataRange() (xmin, xmax, ymin, ymax float64) {
	lo, hi := l.yRange()
	return 0, float64(len(l.names) - 1), lo, hi
}

// arrowThumb is the legend thumbnail of a kind of segment.
type arrowThumb struct {
	color color.Color
	width vg.Length
	lost  bool
}

// Thumbnail implements plot.Thumbnailer.
func (a arrowThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	sty := draw.LineStyle{Color: a.color, Width: a.width * 0.9}
	p0 := vg.Point{X: c.Min.X, Y: y}
	if a.lost {
		end := c.Min.X + (c.Max.X-c.Min.X)*0.75
		sty.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		c.StrokeLine2(sty, p0.X, y, end, y)
		cr := vg.Points(2.5)
		st := draw.LineStyle{Color: a.color, Width: a.width * 1.2}
		c.StrokeLine2(st, end-cr, y-cr, end+cr, y+cr)
		c.StrokeLine2(st, end-cr, y+cr, end+cr, y-cr)
		return
	}
	p1 := vg.Point{X: c.Max.X, Y: y}
	c.StrokeLine2(sty, p0.X, y, p1.X-vg.Points(2), y)
	drawHead(c, p0, p1, a.color)
}
