package plots

import (
	"sort"
	"strings"
	"testing"
)

// goldenCases are the figures compared with testdata/<name>_golden.png: every
// kind of figure, and its options, on the small fixed inputs of
// fixtures_test.go and ladder_fixtures_test.go.
var goldenCases = []struct {
	name string
	draw func() (*Figure, error)
}{
	{"sweep_errorbars_logx", func() (*Figure, error) {
		return Sweep(sweepFixture(), SweepOptions{
			XLabel: "loss probability p (each direction)", YLabel: "handshake time (s)", LogX: true,
			Analytic: []Analytic{{Name: "model, three-way", F: handshakeCurve}},
		})
	}},
	{"sweep_band_linear", func() (*Figure, error) {
		return Sweep(sweepFixture(), SweepOptions{
			Title: "Connection establishment under loss", XLabel: "loss probability p", YLabel: "handshake time (s)", Band: true,
		})
	}},
	{"sweep_nominal_x", func() (*Figure, error) {
		return Sweep([]SweepSeries{
			{Name: "weak ISNs", Points: []SweepPoint{{X: 0, Mean: 0, Lo: 0, Hi: 0}, {X: 1, Mean: 4100, Lo: 1500, Hi: 9800}, {X: 2, Mean: 20800, Lo: 17200, Hi: 24400}}},
			{Name: "RFC 9293 ISNs", Points: []SweepPoint{{X: 0, Mean: 0, Lo: 0, Hi: 0}, {X: 1, Mean: 0, Lo: 0, Hi: 0}, {X: 2, Mean: 310, Lo: 120, Hi: 500}}},
		}, SweepOptions{XLabel: "client TIME-WAIT", YLabel: "stale bytes accepted", XNames: []string{"2msl", "200ms", "none"}})
	}},
	{"cdf_linear", func() (*Figure, error) {
		return CDF(cdfFixture(), CDFOptions{XLabel: "handshake latency (s)"})
	}},
	{"cdf_logx", func() (*Figure, error) {
		return CDF(cdfFixture(), CDFOptions{XLabel: "handshake latency (s)", LogX: true})
	}},
	{"occupancy_stacked", func() (*Figure, error) {
		return StateOccupancy(occupancyFixture(), OccupancyOptions{Stacked: true})
	}},
	{"occupancy_lines", func() (*Figure, error) {
		return StateOccupancy(occupancyFixture(), OccupancyOptions{Title: "Client states, 5 connections/s"})
	}},
	{"heat_annotated", func() (*Figure, error) {
		return Heat(heatFixture(), HeatOptions{
			XLabel: "loss probability p", YLabel: "round-trip time", ZLabel: "handshake time (s)", Annotate: true,
		})
	}},
	{"coverage_rfc9293", func() (*Figure, error) {
		return TransitionCoverage(coverageFixture(), CoverageOptions{})
	}},
	{"ladder_handshake", func() (*Figure, error) {
		tls, segs := ladderHandshake()
		return LadderDiagram(tls, segs, LadderOptions{})
	}},
	{"ladder_handshake_linear", func() (*Figure, error) {
		tls, segs := ladderHandshake()
		return LadderDiagram(tls, segs, LadderOptions{Scale: Linear, Start: 0.9, End: 1.4})
	}},
	{"ladder_busy", func() (*Figure, error) {
		tls, segs := ladderBusy()
		return LadderDiagram(tls, segs, LadderOptions{Title: "40 segments, three losses"})
	}},
	{"ladder_three", func() (*Figure, error) {
		tls, segs := ladderThree()
		return LadderDiagram(tls, segs, LadderOptions{})
	}},
}

// goldenFigures draws every golden case.
func goldenFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	figs := map[string]*Figure{}
	for _, c := range goldenCases {
		fig, err := c.draw()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		figs[c.name] = fig
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
		t.Run(c.name, func(t *testing.T) {
			fig, err := c.draw()
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
