package plots

import (
	"fmt"
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
	// Dashes also tells series and states apart by dash pattern (solid,
	// dashed, dotted, …), so that a figure printed in grey still reads;
	// sweep series always have distinct markers too.
	Dashes bool
	// Size is the size of a one-panel figure; wide figures (ladders of
	// long labels, small multiples) are up to twice as wide. Zero means
	// OneColumn.
	Size Size
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

// okabeIto is the series colour cycle.
var okabeIto = []color.Color{
	colBlue, colVermillion, colGreen, colOrange, colPurple, colSkyBlue, colBlack, colYellow,
}

// PaperTheme is the paper style: figures one column wide (3.5 in) printed
// at their natural size, with 9 pt titles and axis labels, 8 pt tick
// labels and legends, 7 pt annotations inside the data area (heat-map
// cells, ladder labels and state names, which have to fit between
// timelines a column apart), 1 pt lines, the Okabe–Ito colours and,
// for grey print, dash patterns as well as markers.
var PaperTheme = Theme{
	Font:       plot.DefaultFont,
	TitleSize:  vg.Points(9),
	LabelSize:  vg.Points(9),
	TickSize:   vg.Points(8),
	LegendSize: vg.Points(8),
	NoteSize:   vg.Points(7),
	LineWidth:  vg.Points(1),
	Colors:     okabeIto,
	Dashes:     true,
	Size:       OneColumn,
}

// SlidesTheme is the slides style: figures 8 in × 4.5 in (most of a 16:9
// slide) read from the back of a room, with 20 pt titles, 18 pt axis
// labels, 16 pt ticks and legends, 14 pt annotations, 2.5 pt lines and
// the Okabe–Ito colours, solid.
var SlidesTheme = Theme{
	Font:       plot.DefaultFont,
	TitleSize:  vg.Points(20),
	LabelSize:  vg.Points(18),
	TickSize:   vg.Points(16),
	LegendSize: vg.Points(16),
	NoteSize:   vg.Points(14),
	LineWidth:  vg.Points(2.5),
	Colors:     okabeIto,
	Size:       Size{Width: 8 * vg.Inch, Height: 4.5 * vg.Inch},
}

// DefaultTheme is the theme of a zero Theme: PaperTheme.
var DefaultTheme = PaperTheme

// ThemeFor returns the theme of a style name, "paper" (also "") or
// "slides", or ErrInvalid.
func ThemeFor(style string) (Theme, error) {
	switch style {
	case "", "paper":
		return PaperTheme, nil
	case "slides":
		return SlidesTheme, nil
	}
	return Theme{}, fmt.Errorf("%w: style %q (want paper or slides)", ErrInvalid, style)
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
	if t.Size.Width <= 0 || t.Size.Height <= 0 {
		t.Size = d.Size
	}
	return t
}

// size returns the theme's figure size with its height scaled by f.
func (t Theme) size(f float64) Size {
	return Size{Width: t.Size.Width, Height: t.Size.Height * vg.Length(f)}
}

// scale is how much larger than the paper style the theme's text is.
func (t Theme) scale() vg.Length { return t.TickSize / PaperTheme.TickSize }

// seriesDashes are the dash patterns of series in grey-safe themes, in
// points at the paper style's size: solid, dashed, dotted, dash-dotted,
// long dashes.
var seriesDashes = [][]vg.Length{nil, {4, 2}, {1.2, 1.5}, {5, 1.5, 1.2, 1.5}, {7, 2}}

// dashes returns the dash pattern of the i-th series: solid unless the
// theme asks for dashes.
func (t Theme) dashes(i int) []vg.Length {
	if !t.Dashes {
		return nil
	}
	d := seriesDashes[i%len(seriesDashes)]
	out := make([]vg.Length, len(d))
	for k, v := range d {
		out[k] = vg.Points(float64(v)) * t.LineWidth / PaperTheme.LineWidth
	}
	return out
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
