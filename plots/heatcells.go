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

// Matrixer is the data interface of HeatCells: a Rows × Cols matrix.
type Matrixer interface {
	Dims() (rows, cols int)
	At(row, col int) float64
}

// HeatCells draws a matrix as unit cells, the cell of (row, col) centred on
// x = col, y = row, coloured by value on a colour map. A NaN value is a cell
// with no value, drawn light grey with a dash.
type HeatCells struct {
	// Color maps a value normalised to [0, 1] to a colour; the default is
	// Viridis.
	Color func(t float64) color.Color
	// Min and Max are the values at the two ends of the colour map.
	Min, Max float64
	// Annotate writes each cell's value in it, printed by Label if set,
	// else formatted by Format (default "%.3g"), in black or white,
	// whichever reads better. If one value is too wide for its cell, no
	// cell is annotated.
	Annotate bool
	Format   string
	Label    func(v float64) string
	// TextStyle is the style of the annotations.
	TextStyle text.Style

	rows, cols int
	z          []float64
}

// NewHeatCells returns the cells of m with Min and Max set to the range of
// its values. It returns ErrNoData for an empty matrix or one with no value
// (all NaN) and ErrNotFinite for an infinite value.
func NewHeatCells(m Matrixer) (*HeatCells, error) {
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("heat cells: %w (%d×%d)", ErrNoData, r, c)
	}
	h := &HeatCells{Color: Viridis, Format: "%.3g", rows: r, cols: c, z: make([]float64, r*c),
		Min: math.Inf(1), Max: math.Inf(-1), TextStyle: DefaultTheme.text(DefaultTheme.NoteSize)}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: heat cell (%d, %d) = %v", ErrNotFinite, i, j, v)
			}
			h.z[i*c+j] = v
			if !math.IsNaN(v) {
				h.Min, h.Max = math.Min(h.Min, v), math.Max(h.Max, v)
			}
		}
	}
	if h.Min > h.Max {
		return nil, fmt.Errorf("heat cells: %w (every cell is NaN)", ErrNoData)
	}
	return h, nil
}

// norm maps v to [0, 1] on the colour scale.
func (h *HeatCells) norm(v float64) float64 {
	if h.Max <= h.Min {
		return 0.5
	}
	return (v - h.Min) / (h.Max - h.Min)
}

// Plot implements plot.Plotter.
func (h *HeatCells) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	sty := h.TextStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	label := h.Label
	if label == nil {
		label = func(v float64) string { return fmt.Sprintf(h.Format, v) }
	}
	annotate := h.Annotate
	if annotate && h.cols > 0 && h.rows > 0 {
		cw := trX(0.5) - trX(-0.5)
		ch := trY(0.5) - trY(-0.5)
		for _, v := range h.z {
			if !math.IsNaN(v) && (sty.Width(label(v)) > cw-vg.Points(2) || sty.Height("0") > ch) {
				annotate = false
				break
			}
		}
	}
	for i := 0; i < h.rows; i++ {
		for j := 0; j < h.cols; j++ {
			v := h.z[i*h.cols+j]
			x0, x1 := trX(float64(j)-0.5), trX(float64(j)+0.5)
			y0, y1 := trY(float64(i)-0.5), trY(float64(i)+0.5)
			rect := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
			ctr := vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}
			if math.IsNaN(v) {
				c.FillPolygon(colLightGrey, rect)
				w := (x1 - x0) / 8
				c.StrokeLine2(draw.LineStyle{Color: colGrey, Width: vg.Points(0.6)}, ctr.X-w, ctr.Y, ctr.X+w, ctr.Y)
				continue
			}
			col := h.Color(h.norm(v))
			c.FillPolygon(col, rect)
			if annotate {
				sty.Color = textOn(col)
				c.FillText(sty, ctr, label(v))
			}
		}
	}
	white := draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	for j := 0; j <= h.cols; j++ {
		x := trX(float64(j) - 0.5)
		c.StrokeLine2(white, x, trY(-0.5), x, trY(float64(h.rows)-0.5))
	}
	for i := 0; i <= h.rows; i++ {
		y := trY(float64(i) - 0.5)
		c.StrokeLine2(white, trX(-0.5), y, trX(float64(h.cols)-0.5), y)
	}
}

// DataRange implements plot.DataRanger.
func (h *HeatCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(h.cols) - 0.5, -0.5, float64(h.rows) - 0.5
}
