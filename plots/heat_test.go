package plots

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// TestHeatLabelsDoNotOverlap draws heat maps with few and many columns of
// short and long names, in both styles, and checks on the drawn data area
// that neighbouring labelled ticks of both axes stand at least a label
// apart: side by side for level x labels, a line apart across the slant
// for turned ones. Level labels are kept where they fit.
func TestHeatLabelsDoNotOverlap(t *testing.T) {
	grid := func(nx, ny int, name func(i int) string) Grid {
		g := Grid{}
		for i := 0; i < nx; i++ {
			g.X = append(g.X, name(i))
		}
		for j := 0; j < ny; j++ {
			g.Y = append(g.Y, fmt.Sprintf("%d/s", 50*(j+1)))
			row := make([]float64, nx)
			for i := range row {
				row[i] = float64(i * j)
			}
			g.Z = append(g.Z, row)
		}
		return g
	}
	short := func(i int) string { return fmt.Sprint(i) }
	long := func(i int) string { return FormatValue(0.0123*math.Pow(1.7, float64(i)), Seconds) }
	for _, tt := range []struct {
		name      string
		g         Grid
		wantLevel bool
	}{
		{"5 short", grid(5, 4, short), true},
		{"10 long", grid(10, 6, long), false},
		{"40 long", grid(40, 30, long), false},
		{"3 long", grid(3, 2, long), true},
	} {
		for _, st := range goldenStyles {
			t.Run(tt.name+"_"+st.name, func(t *testing.T) {
				fig, err := Heat(tt.g, HeatOptions{XLabel: "x", YLabel: "y", ZLabel: "z", Theme: st.theme})
				if err != nil {
					t.Fatal(err)
				}
				fig.Draw(draw.NewCanvas(new(recorder.Canvas), fig.Size.Width, fig.Size.Height))
				data := fig.data
				p := fig.Plot
				if level := p.X.Tick.Label.Rotation == 0; level != tt.wantLevel {
					t.Errorf("x labels level: %v, want %v", level, tt.wantLevel)
				}
				lh := p.X.Tick.Label.Height("0")
				cellW := (data.Max.X - data.Min.X) / vg.Length(len(tt.g.X))
				cellH := (data.Max.Y - data.Min.Y) / vg.Length(len(tt.g.Y))
				check := func(axis string, ticks []plot.Tick, cell vg.Length, need func(a, b string) vg.Length) {
					last := -1
					for i, tk := range ticks {
						if tk.Label == "" {
							continue
						}
						if last >= 0 {
							if gap := cell * vg.Length(i-last); gap < need(ticks[last].Label, tk.Label) {
								t.Errorf("%s labels %q and %q are %.1f pt apart, need %.1f", axis, ticks[last].Label, tk.Label, gap, need(ticks[last].Label, tk.Label))
							}
						}
						last = i
					}
				}
				rot := p.X.Tick.Label.Rotation
				check("x", p.X.Tick.Marker.Ticks(0, 0), cellW, func(a, b string) vg.Length {
					if rot == 0 {
						return (p.X.Tick.Label.Width(a) + p.X.Tick.Label.Width(b)) / 2
					}
					return lh / vg.Length(math.Sin(rot))
				})
				check("y", p.Y.Tick.Marker.Ticks(0, 0), cellH, func(string, string) vg.Length { return lh })
			})
		}
	}
}
