package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// LabelBox is a label drawn inside a figure's data area: its text and its
// box on the canvas (a rectangle, rotated with the text), in points.
type LabelBox struct {
	Text string
	// State is true for a ladder's state name, false for a segment label.
	State bool
	Quad  [4]vg.Point
}

// labelBoxer is a plotter that reports the labels it drew.
type labelBoxer interface {
	labelBoxes() (boxes []LabelBox, area vg.Rectangle)
}

func (l *Ladder) labelBoxes() ([]LabelBox, vg.Rectangle) { return l.boxes, l.area }

// LabelBoxes draws the figure at its size on a canvas that keeps nothing
// and returns the boxes of the labels its plotters placed (a ladder's
// segment labels and state names) and the data area they must stay in.
func (f *Figure) LabelBoxes() ([]LabelBox, vg.Rectangle) {
	size := f.Size
	if size.Width <= 0 || size.Height <= 0 {
		size = OneColumn
	}
	f.Draw(draw.NewCanvas(new(recorder.Canvas), size.Width, size.Height))
	var out []LabelBox
	var area vg.Rectangle
	for _, lb := range f.labelled {
		b, a := lb.labelBoxes()
		out, area = append(out, b...), a
	}
	return out, area
}

// CheckLabels reports every pair of labels that overlap, and every label
// that leaves the data area, as one error; nil if there is none. Boxes are
// shrunk by 2 % first, so that labels that merely touch pass.
func (f *Figure) CheckLabels() error {
	boxes, area := f.LabelBoxes()
	var bad []string
	shrink := func(q [4]vg.Point) quad {
		var c vg.Point
		for _, p := range q {
			c.X += p.X / 4
			c.Y += p.Y / 4
		}
		var out quad
		for i, p := range q {
			out[i] = vg.Point{X: p.X + (c.X-p.X)*0.02, Y: p.Y + (c.Y-p.Y)*0.02}
		}
		return out
	}
	eps := vg.Points(0.5)
	for i, a := range boxes {
		qa := shrink(a.Quad)
		for _, p := range qa {
			if p.X < area.Min.X-eps || p.X > area.Max.X+eps || p.Y < area.Min.Y-eps || p.Y > area.Max.Y+eps {
				if !a.State { // state names sit beside the outer lanes, outside by design
					bad = append(bad, fmt.Sprintf("%q leaves the data area", a.Text))
				}
				break
			}
		}
		for _, b := range boxes[i+1:] {
			if qa.overlaps(shrink(b.Quad)) {
				bad = append(bad, fmt.Sprintf("%q overlaps %q", a.Text, b.Text))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %d label problems: %s", ErrInvalid, len(bad), strings.Join(bad, "; "))
	}
	return nil
}
