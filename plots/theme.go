package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Theme is the typography and colour shared by every figure. Text is set in
// one weight and style: gonum/plot v0.17's PDF backend registers each
// embedded face under its own name but selects bold and italic by a style
// suffix, so a bold or italic face makes PDF output fail ("undefined
// font"). The zero Theme
// means DefaultTheme; a Theme with some fields set takes the others from
// DefaultTheme.
type Theme struct {
	// Font is the typeface. The default is gonum/plot's Liberation Serif,
	// metric-compatible with Times and embedded in the binary.
	Font font.Font
	// TitleSize, LabelSize, TickSize, LegendSize and NoteSize are the font
	// sizes of the title, the axis labels, the tick labels, the legend and
	// the annotations drawn inside the data area (cell values, segment
	// labels, state names).
	TitleSize, LabelSize, TickSize, LegendSize, NoteSize vg.Length
	// LineWidth is the width of data lines; axes are half as wide.
	LineWidth vg.Length
	// Colors are the series colours, used in order and repeated.
	Colors []color.Color
}

// Okabe–Ito colours (Okabe and Ito, "Color Universal Design", 2008), which
// stay distinguishable for the common forms of colour blindness.
var (
	colBlack      = color.RGBA{0x00, 0x00, 0x00, 0xff}
	colOrange     = color.RGBA{0xe6, 0x9f, 0x00, 0xff}
	colSkyBlue    = color.RGBA{0x56, 0xb4, 0xe9, 0xff}
	colGreen      = color.RGBA{0x00, 0x9e, 0x73, 0xff}
	colYellow     = color.RGBA{0xf0, 0xe4, 0x42, 0xff}
	colBlue       = color.RGBA{0x00, 0x72, 0xb2, 0xff}
	colVermillion = color.RGBA{0xd5, 0x5e, 0x00, 0xff}
	colPurple     = color.RGBA{0xcc, 0x79, 0xa7, 0xff}
	colRed        = color.RGBA{0xd7, 0x19, 0x1c, 0xff}
	colGrey       = color.RGBA{0x80, 0x80, 0x80, 0xff}
	colLightGrey  = color.RGBA{0xe6, 0xe6, 0xe6, 0xff}
	colWhite      = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// DefaultTheme suits figures printed at their natural size in a two-column
// paper: 9 pt title, 8 pt axis labels, 7 pt ticks and legend, 6.5 pt
// annotations, 1 pt lines and the Okabe–Ito colours.
var DefaultTheme = Theme{
	Font:       plot.DefaultFont,
	TitleSize:  vg.Points(9),
	LabelSize:  vg.Points(8),
	TickSize:   vg.Points(7),
	LegendSize: vg.Points(7),
	NoteSize:   vg.Points(6.5),
	LineWidth:  vg.Points(1),
	Colors: []color.Color{
		colBlue, colVermillion, colGreen, colOrange, colPurple, colSkyBlue, colBlack, colYellow,
	},
}

// withDefaults returns t with its zero fields taken from DefaultTheme.
func (t Theme) withDefaults() Theme {
	d := DefaultTheme
	if t.Font.Typeface == "" {
		t.Font = d.Font
	}
	for _, f := range []struct {
		dst *vg.Length
		def vg.Length
	}{
		{&t.TitleSize, d.TitleSize}, {&t.LabelSize, d.LabelSize}, {&t.TickSize, d.TickSize},
		{&t.LegendSize, d.LegendSize}, {&t.NoteSize, d.NoteSize}, {&t.LineWidth, d.LineWidth},
	} {
		if *f.dst <= 0 {
			*f.dst = f.def
		}
	}
	if len(t.Colors) == 0 {
		t.Colors = d.Colors
	}
	return t
}

// color returns the i-th series colour.
func (t Theme) color(i int) color.Color { return t.Colors[i%len(t.Colors)] }

// text returns a text style of the given size in the theme's font.
func (t Theme) text(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(t.Font, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the theme's fonts and a thin frame, the title
// and axis labels set.
func (t Theme) newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(t.Font, t.TitleSize)
	p.Title.Padding = t.TitleSize / 2
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(t.Font, t.LabelSize)
		a.Tick.Label.Font = font.From(t.Font, t.TickSize)
		a.Width = t.LineWidth / 2
		a.Tick.Width = t.LineWidth / 2
		a.Tick.Length = vg.Points(3)
		a.Padding = vg.Points(3)
		a.Tick.Marker = niceTicks{N: 5}
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Label.Padding = vg.Points(2)
	p.Y.Label.Padding = vg.Points(2)
	p.Legend.TextStyle.Font = font.From(t.Font, t.LegendSize)
	return p
}

// grid returns light grey major grid lines, drawn under the data.
func (t Theme) grid() plot.Plotter {
	g := plotter.NewGrid()
	g.Vertical.Color = colLightGrey
	g.Horizontal.Color = colLightGrey
	g.Vertical.Width = t.LineWidth / 2
	g.Horizontal.Width = t.LineWidth / 2
	return g
}
