package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LegendEntry is one entry of a figure's legend: a name and the thumbnails
// drawn, one over the other, to its left.
type LegendEntry struct {
	Name   string
	Thumbs []plot.Thumbnailer
}

// legendThumbWidth is the width of a legend thumbnail.
const legendThumbWidth = 14

// drawLegendStrip draws the entries in centred rows along the top of c,
// wrapping when a row is full, and returns the height used.
func drawLegendStrip(c draw.Canvas, entries []LegendEntry, th Theme) vg.Length {
	sty := th.text(th.LegendSize)
	sty.YAlign = draw.YCenter
	thumbW := vg.Points(legendThumbWidth) * th.scale()
	gap := th.LegendSize / 3
	sep := th.LegendSize * 1.3
	ext := sty.FontExtents()
	rowH := (ext.Ascent + ext.Descent) * 1.25

	widths := make([]vg.Length, len(entries))
	for i, e := range entries {
		widths[i] = thumbW + gap + sty.Width(e.Name)
	}
	avail := c.Size().X
	var rows [][]int
	var row []int
	var rowW vg.Length
	for i, w := range widths {
		if len(row) > 0 && rowW+sep+w > avail {
			rows = append(rows, row)
			row, rowW = nil, 0
		}
		if len(row) > 0 {
			rowW += sep
		}
		row = append(row, i)
		rowW += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}

	y := c.Max.Y - rowH/2
	for _, r := range rows {
		var total vg.Length
		for k, i := range r {
			if k > 0 {
				total += sep
			}
			total += widths[i]
		}
		x := c.Center().X - total/2
		for _, i := range r {
			e := entries[i]
			th := ext.Ascent
			box := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - th/2},
				Max: vg.Point{X: x + thumbW, Y: y + th/2},
			}}
			for _, t := range e.Thumbs {
				t.Thumbnail(&box)
			}
			c.FillText(sty, vg.Point{X: x + thumbW + gap, Y: y}, e.Name)
			x += widths[i] + sep
		}
		y -= rowH
	}
	return rowH * vg.Length(len(rows))
}

// swatch is a legend thumbnail: a filled rectangle with an optional outline.
type swatch struct {
	fill    color.Color
	outline draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
	if s.fill != nil {
		c.FillPolygon(s.fill, pts)
	}
	if s.outline.Color != nil && s.outline.Width > 0 {
		c.StrokeLines(s.outline, append(pts, r.Min))
	}
}
