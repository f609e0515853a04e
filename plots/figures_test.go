package plots

import (
	"sort"
	"strings"
	"testing"
)

// goldenCases are the figures compared with testdata/<name>_<style>_golden.png,
// each drawn in the paper and the slides style: every kind of figure, and
// its options, on the small fixed inputs of fixtures_test.go and
// ladder_fixtures_test.go.
var goldenCases = []struct {
	name string
	draw func(th Theme) (*Figure, error)
}{
	{"sweep_errorbars_logx", func(th Theme) (*Figure, error) {
		return Sweep(sweepFixture(), SweepOptions{
			XLabel: "Loss probability (each direction)", YLabel: "Mean connect time", LogX: true,
			XUnit: Fraction, YUnit: Seconds, Theme: th,
			Analytic: []Analytic{{Name: "model, three-way", F: handshakeCurve}},
		})
	}},
	{"sweep_band_linear", func(th Theme) (*Figure, error) {
		return Sweep(sweepFixture(), SweepOptions{
			Title: "Connection establishment under loss", XLabel: "Loss probability", YLabel: "Mean connect time",
			XUnit: Fraction, YUnit: Seconds, Band: true, Theme: th,
		})
	}},
	{"sweep_nominal_x", func(th Theme) (*Figure, error) {
		return Sweep([]SweepSeries{
			{Name: "weak ISNs", Points: []SweepPoint{{X: 0, Mean: 0, Lo: 0, Hi: 0}, {X: 1, Mean: 4100, Lo: 1500, Hi: 9800}, {X: 2, Mean: 20800, Lo: 17200, Hi: 24400}}},
			{Name: "RFC 9293 ISNs", Points: []SweepPoint{{X: 0, Mean: 0, Lo: 0, Hi: 0}, {X: 1, Mean: 0, Lo: 0, Hi: 0}, {X: 2, Mean: 310, Lo: 120, Hi: 500}}},
		}, SweepOptions{XLabel: "TIME-WAIT length at client", YLabel: "Stale bytes accepted per run", YUnit: Bytes,
			XNames: []string{"2 MSL", "200 ms", "none"}, Theme: th})
	}},
	{"sweep_counts", func(th Theme) (*Figure, error) {
		return Sweep([]SweepSeries{{Name: "ghosts", Points: []SweepPoint{{X: 0, Mean: 0, Lo: 0, Hi: 0}, {X: 1, Mean: 2.3, Lo: 0.9, Hi: 4.1}}}},
			SweepOptions{XLabel: "Handshake at server", YLabel: "Ghost connections per run", YUnit: Count,
				XNames: []string{"three-way", "two-way"}, Theme: th})
	}},
	{"cdf_linear", func(th Theme) (*Figure, error) {
		return CDF(cdfFixture(), CDFOptions{XLabel: "Connect time per connection", XUnit: Seconds, Theme: th})
	}},
	{"cdf_logx", func(th Theme) (*Figure, error) {
		return CDF(cdfFixture(), CDFOptions{XLabel: "Connect time per connection", XUnit: Seconds, LogX: true, Theme: th})
	}},
	{"occupancy_stacked", func(th Theme) (*Figure, error) {
		return StateOccupancy(occupancyFixture(), OccupancyOptions{Stacked: true, Theme: th})
	}},
	{"occupancy_lines", func(th Theme) (*Figure, error) {
		return StateOccupancy(occupancyFixture(), OccupancyOptions{Title: "Client states, 5 connections/s", Theme: th})
	}},
	{"occupancy_ends_panels", func(th Theme) (*Figure, error) {
		return StateOccupancyPanels(occupancyPanelsFixture(), OccupancyOptions{Title: "Who holds TIME-WAIT", Theme: th})
	}},
	{"heat_annotated", func(th Theme) (*Figure, error) {
		return Heat(heatFixture(), HeatOptions{
			XLabel: "Loss probability", YLabel: "Round-trip time", ZLabel: "Mean connect time", ZUnit: Seconds, Annotate: true, Theme: th,
		})
	}},
	{"heat_crowded", func(th Theme) (*Figure, error) {
		return Heat(heatCrowdedFixture(), HeatOptions{
			XLabel: "Maximum segment lifetime", YLabel: "Arrival rate", ZLabel: "Stale segments accepted per run", ZUnit: Count, Annotate: true, Theme: th,
		})
	}},
	{"coverage_rfc9293", func(th Theme) (*Figure, error) {
		return TransitionCoverage(coverageFixture(), CoverageOptions{Theme: th, Legal: fixtureLegal})
	}},
	{"ladder_handshake", func(th Theme) (*Figure, error) {
		tls, segs := ladderHandshake()
		return LadderDiagram(tls, segs, LadderOptions{Theme: th})
	}},
	{"ladder_handshake_linear", func(th Theme) (*Figure, error) {
		tls, segs := ladderHandshake()
		return LadderDiagram(tls, segs, LadderOptions{Scale: Linear, Start: 0.9, End: 1.4, Theme: th})
	}},
	{"ladder_busy", func(th Theme) (*Figure, error) {
		tls, segs := ladderBusy()
		return LadderDiagram(tls, segs, LadderOptions{Title: "40 segments, three losses", Theme: th})
	}},
	{"ladder_three", func(th Theme) (*Figure, error) {
		tls, segs := ladderThree()
		return LadderDiagram(tls, segs, LadderOptions{Theme: th})
	}},
}

// goldenStyles are the styles every golden case is drawn in.
var goldenStyles = []struct {
	name  string
	theme Theme
}{{"paper", PaperTheme}, {"slides", SlidesTheme}}

// goldenFigures draws every golden case in every style, keyed
// name_style.
func goldenFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	figs := map[string]*Figure{}
	for _, c := range goldenCases {
		for _, st := range goldenStyles {
			fig, err := c.draw(st.theme)
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, st.name, err)
			}
			figs[c.name+"_"+st.name] = fig
		}
	}
	return figs
}

// TestGolden compares every figure with its golden image; run with -update
// to rewrite them after an intended change, and look at them before
// committing.
func TestGolden(t *testing.T) {
	figs := goldenFigures(t)
	names := make([]string, 0, len(figs))
	for n := range figs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Run(n, func(t *testing.T) { checkGolden(t, n, figs[n]) })
	}
}

// TestLadderLabelsDoNotOverlap is the geometric check behind the ladder
// goldens: no segment label overlaps another or a state name, and none
// leaves the data area; squeezed into a fifth of its height, a ladder must
// fail the same check, so that the check can fail.
func TestLadderLabelsDoNotOverlap(t *testing.T) {
	for _, c := range goldenCases {
		if !strings.HasPrefix(c.name, "ladder") {
			continue
		}
		for _, st := range goldenStyles {
			t.Run(c.name+"_"+st.name, func(t *testing.T) {
				fig, err := c.draw(st.theme)
				if err != nil {
					t.Fatal(err)
				}
				boxes, _ := fig.LabelBoxes()
				if len(boxes) == 0 {
					t.Fatal("no label boxes recorded")
				}
				if err := fig.CheckLabels(); err != nil {
					t.Error(err)
				}
				fig.Size.Height /= 5
				if err := fig.CheckLabels(); err == nil {
					t.Error("squeezed to a fifth of its height: no overlap found")
				}
			})
		}
	}
}
