package plots

import (
	"image/color"
	"math"
)

// viridisAnchors are eleven evenly spaced colours of matplotlib's viridis
// (van der Walt and Smith, 2015): perceptually uniform, readable in grey and
// by colour-blind readers.
var viridisAnchors = []color.RGBA{
	{0x44, 0x01, 0x54, 0xff}, {0x48, 0x24, 0x75, 0xff}, {0x41, 0x44, 0x87, 0xff},
	{0x35, 0x5f, 0x8d, 0xff}, {0x2a, 0x78, 0x8e, 0xff}, {0x21, 0x91, 0x8c, 0xff},
	{0x22, 0xa8, 0x84, 0xff}, {0x44, 0xbf, 0x70, 0xff}, {0x7a, 0xd1, 0x51, 0xff},
	{0xbd, 0xdf, 0x26, 0xff}, {0xfd, 0xe7, 0x25, 0xff},
}

// Viridis returns the viridis colour at t in [0, 1] (clamped), linearly
// interpolated between eleven anchors.
func Viridis(t float64) color.Color {
	if math.IsNaN(t) {
		return colLightGrey
	}
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(viridisAnchors)-1)
	i := int(f)
	if i >= len(viridisAnchors)-1 {
		return viridisAnchors[len(viridisAnchors)-1]
	}
	a, b := viridisAnchors[i], viridisAnchors[i+1]
	w := f - float64(i)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-w) + float64(y)*w)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// luminance returns the relative luminance of c in [0, 1] (ITU-R BT.709
// weights on sRGB values, good enough to pick a text colour).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// textOn returns black or white, whichever reads better on background c.
func textOn(c color.Color) color.Color {
	if luminance(c) < 0.45 {
		return color.White
	}
	return color.Black
}
