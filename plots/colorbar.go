package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// colorBar is a vertical colour scale drawn to the right of a heat map,
// spanning the height of its data area: the colours from min (bottom) to
// max (top), ticks and labels on the right and the label beside them.
type colorBar struct {
	color    func(t float64) color.Color
	min, max float64
	label    string
	// unit and scale print the ticks: values divided by scale (0: 1).
	unit  Unit
	scale float64
	theme Theme
}

const (
	colorBarGap   = 8 // points between the plot and the bar
	colorBarWidth = 8 // points
	colorBarTick  = 2.5
)

// ticks returns the labelled ticks of the scale.
func (b colorBar) ticks() []plot.Tick {
	if b.max <= b.min {
		return []plot.Tick{{Value: b.min, Label: formatTick(b.min, 3)}}
	}
	var ts []plot.Tick
	for _, t := range (unitTicks{N: 5, Unit: b.unit, Scale: b.scale}).Ticks(b.min, b.max) {
		if t.Label != "" {
			ts = append(ts, t)
		}
	}
	return ts
}

func (b colorBar) width() vg.Length {
	sty := b.theme.text(b.theme.TickSize)
	var lw vg.Length
	for _, t := range b.ticks() {
		lw = max(lw, sty.Width(t.Label))
	}
	w := vg.Points(colorBarGap+colorBarWidth+colorBarTick+2) + lw
	if b.label != "" {
		ls := b.theme.text(b.theme.LabelSize)
		w += ls.FontExtents().Height + vg.Points(3)
	}
	return w
}

func (b colorBar) draw(c draw.Canvas, data draw.Canvas) {
	x0 := c.Min.X + vg.Points(colorBarGap)
	x1 := x0 + vg.Points(colorBarWidth)
	y0, y1 := data.Min.Y, data.Max.Y
	const steps = 64
	for i := 0; i < steps; i++ {
		ya := y0 + (y1-y0)*vg.Length(i)/steps
		yb := y0 + (y1-y0)*vg.Length(i+1)/steps + vg.Points(0.3)
		yb = min(yb, y1)
		c.FillPolygon(b.color((float64(i)+0.5)/steps), []vg.Point{{X: x0, Y: ya}, {X: x1, Y: ya}, {X: x1, Y: yb}, {X: x0, Y: yb}})
	}
	frame := draw.LineStyle{Color: color.Black, Width: b.theme.LineWidth / 2}
	c.StrokeLines(frame, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
	sty := b.theme.text(b.theme.TickSize)
	sty.YAlign = draw.YCenter
	var lw vg.Length
	for _, t := range b.ticks() {
		f := 0.5
		if b.max > b.min {
			f = (t.Value - b.min) / (b.max - b.min)
		}
		if f < -1e-9 || f > 1+1e-9 || math.IsNaN(f) {
			continue
		}
		y := y0 + (y1-y0)*vg.Length(f)
		c.StrokeLine2(frame, x1, y, x1+vg.Points(colorBarTick), y)
		c.FillText(sty, vg.Point{X: x1 + vg.Points(colorBarTick+1.5), Y: y}, t.Label)
		lw = max(lw, sty.Width(t.Label))
	}
	if b.label != "" {
		ls := b.theme.text(b.theme.LabelSize)
		ls.Rotation = math.Pi / 2
		ls.XAlign, ls.YAlign = draw.XCenter, draw.YTop
		x := x1 + vg.Points(colorBarTick+4) + lw
		c.FillText(ls, vg.Point{X: x, Y: (y0 + y1) / 2}, b.label)
	}
}
