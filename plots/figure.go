package plots

import (
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size is the printed size of a figure.
type Size struct {
	Width, Height vg.Length
}

// Paper figure sizes. The widths are those of a column (3.5 in) and of the
// full text block (7.16 in) in the IEEE and ACM two-column templates; the
// heights give a pleasant aspect for a line plot. Use WithHeight for another.
var (
	OneColumn = Size{Width: 3.5 * vg.Inch, Height: 2.4 * vg.Inch}
	TwoColumn = Size{Width: 7.16 * vg.Inch, Height: 3 * vg.Inch}
)

// WithHeight returns s with its height replaced by h.
func (s Size) WithHeight(h vg.Length) Size { s.Height = h; return s }

// DPI is the resolution of PNG output.
const DPI = 300

// Format is an output format: PNG, SVG or PDF.
type Format string

// The output formats.
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
)

// ParseFormat returns the format named by s ("png", "svg" or "pdf", any case,
// with or without a leading dot), or ErrFormat.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimPrefix(s, "."))); f {
	case PNG, SVG, PDF:
		return f, nil
	}
	return "", fmt.Errorf("%w: %q (want png, svg or pdf)", ErrFormat, s)
}

// Figure is a finished figure: a plot, and around it a legend strip above
// the data and, for heat maps, a colour bar on the right. The constructors in
// this package return Figures; a caller may still adjust Plot (axis ranges,
// labels) before saving.
type Figure struct {
	// Plot is the main plot. Its title, if any, is drawn above the legend.
	Plot *plot.Plot
	// Legend holds the legend entries, drawn in rows above the plot so that
	// they never hide data.
	Legend []LegendEntry
	// Note is a line of text under the legend, such as a coverage count,
	// in NoteColor (black if nil).
	Note      string
	NoteColor color.Color
	// Size is the size Save and Encode use; the constructors set it.
	Size Size
	// DPI is the resolution of PNG output; zero means DPI (300).
	DPI int

	theme Theme
	side  sidePanel
	// labelled are the plotters whose labels CheckLabels checks.
	labelled []labelBoxer
	// panels, if any, are small multiples drawn in a grid in place of
	// Plot, whose title alone is drawn above them; a nil entry is an empty
	// cell.
	panels [][]*plot.Plot
	// data is the data area of the last Draw of Plot.
	data vg.Rectangle
}

// sidePanel is drawn to the right of the plot, aligned with its data area.
type sidePanel interface {
	width() vg.Length
	draw(c draw.Canvas, data draw.Canvas)
}

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) {
	th := f.theme.withDefaults()
	pad := vg.Points(2)
	c = draw.Crop(c, pad, -pad, pad, -pad)
	p := *f.Plot // a shallow copy, to draw without the title; f is not changed
	if t := p.Title; t.Text != "" {
		sty := t.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, t.Text)
		c.Max.Y -= sty.Rectangle(t.Text).Size().Y + t.Padding
		p.Title.Text = ""
	}
	if len(f.Legend) > 0 {
		h := drawLegendStrip(c, f.Legend, th)
		c.Max.Y -= h + th.LegendSize/2
	}
	if f.Note != "" {
		sty := th.text(th.LegendSize)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		if f.NoteColor != nil {
			sty.Color = f.NoteColor
		}
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Note)
		c.Max.Y -= sty.Rectangle(f.Note).Size().Y + th.LegendSize/2
	}
	if f.panels != nil {
		drawPanels(c, f.panels)
		return
	}
	if f.side != nil {
		w := f.side.width()
		main := draw.Crop(c, 0, -w, 0, 0)
		p.Draw(main)
		side := draw.Crop(c, c.Size().X-w, 0, 0, 0)
		f.data = p.DataCanvas(main).Rectangle
		f.side.draw(side, p.DataCanvas(main))
		return
	}
	p.Draw(c)
	f.data = p.DataCanvas(c).Rectangle
}

// Save writes the figure to path at f.Size, in the format its extension
// names (.png, .svg or .pdf).
func (f *Figure) Save(path string) (err error) {
	format, err := ParseFormat(filepath.Ext(path))
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	defer func() {
		if e := out.Close(); err == nil && e != nil {
			err = fmt.Errorf("plots: %w", e)
		}
	}()
	return f.Encode(out, format)
}

// Encode writes the figure to w at f.Size in the given format. PNG is
// rendered at f.DPI (300 by default); SVG and PDF embed the fonts they use,
// and PDF text is set in Windows-1252 (characters outside it print as "?").
func (f *Figure) Encode(w io.Writer, format Format) error {
	size := f.Size
	if size.Width <= 0 || size.Height <= 0 {
		size = OneColumn
	}
	var c vg.CanvasWriterTo
	switch format {
	case PNG:
		dpi := f.DPI
		if dpi <= 0 {
			dpi = DPI
		}
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(size.Width, size.Height), vgimg.UseDPI(dpi))}
	case SVG:
		c = vgsvg.NewWith(vgsvg.UseWH(size.Width, size.Height), vgsvg.EmbedFonts(true))
	case PDF:
		pc := vgpdf.New(size.Width, size.Height)
		pc.EmbedFonts(true)
		c = pdfCanvas{pc}
	default:
		return fmt.Errorf("%w: %q (want png, svg or pdf)", ErrFormat, string(format))
	}
	f.Draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("plots: writing %s: %w", format, err)
	}
	return nil
}

// drawPanels draws a grid of plots on c, their data areas aligned.
func drawPanels(c draw.Canvas, panels [][]*plot.Plot) {
	rows, cols := len(panels), len(panels[0])
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(4)}
	// plot.Align wants every cell filled: an empty one gets a blank plot.
	grid := make([][]*plot.Plot, rows)
	for r := range panels {
		grid[r] = make([]*plot.Plot, cols)
		for k, p := range panels[r] {
			if p == nil {
				p = plot.New()
				p.HideAxes()
			}
			grid[r][k] = p
		}
	}
	canvases := plot.Align(grid, tiles, c)
	for r := range panels {
		for k, p := range panels[r] {
			if p != nil {
				p.Draw(canvases[r][k])
			}
		}
	}
}
