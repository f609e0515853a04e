package plots

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestConstructorErrors checks that every constructor rejects bad input
// with the documented sentinel, rather than drawing nonsense or panicking.
func TestConstructorErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	pt := func(x, m float64) SweepPoint { return SweepPoint{X: x, Mean: m, Lo: m - 0.1, Hi: m + 0.1} }
	sweep := func(opt SweepOptions, ps ...SweepPoint) func() error {
		return func() error {
			_, err := Sweep([]SweepSeries{{Name: "s", Points: ps}}, opt)
			return err
		}
	}
	cdf := func(opt CDFOptions, xs ...float64) func() error {
		return func() error { _, err := CDF([]SampleSeries{{Name: "s", Samples: xs}}, opt); return err }
	}
	occ := func(o Occupancy) func() error {
		return func() error { _, err := StateOccupancy(o, OccupancyOptions{}); return err }
	}
	heat := func(g Grid, opt HeatOptions) func() error {
		return func() error { _, err := Heat(g, opt); return err }
	}
	cover := func(ts []Transition, opt CoverageOptions) func() error {
		return func() error { _, err := TransitionCoverage(ts, opt); return err }
	}
	two := []Timeline{{Name: "a"}, {Name: "b"}}
	ladder := func(tls []Timeline, segs []Segment, opt LadderOptions) func() error {
		return func() error { _, err := LadderDiagram(tls, segs, opt); return err }
	}
	ok := Segment{From: "a", To: "b", Send: 0, Recv: 1, Label: "SYN"}
	seg := func(f func(*Segment)) []Segment { s := ok; f(&s); return []Segment{s} }

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"sweep: no series", func() error { _, err := Sweep(nil, SweepOptions{}); return err }, ErrNoData},
		{"sweep: no points", sweep(SweepOptions{}), ErrNoData},
		{"sweep: only NaN means", sweep(SweepOptions{}, SweepPoint{X: 1, Mean: nan, Lo: nan, Hi: nan}), ErrNoData},
		{"sweep: NaN x", sweep(SweepOptions{}, pt(nan, 1)), ErrNotFinite},
		{"sweep: infinite mean", sweep(SweepOptions{}, SweepPoint{X: 1, Mean: inf, Lo: nan, Hi: nan}), ErrNotFinite},
		{"sweep: half an interval", sweep(SweepOptions{}, SweepPoint{X: 1, Mean: 1, Lo: nan, Hi: 2}), ErrNotFinite},
		{"sweep: interval misses mean", sweep(SweepOptions{}, SweepPoint{X: 1, Mean: 1, Lo: 2, Hi: 3}), ErrInvalid},
		{"sweep: x twice", sweep(SweepOptions{}, pt(1, 1), pt(1, 2)), ErrInvalid},
		{"sweep: zero on log x", sweep(SweepOptions{LogX: true}, pt(0, 1), pt(1, 2)), ErrLogScale},
		{"sweep: interval below zero on log y", sweep(SweepOptions{LogY: true}, SweepPoint{X: 1, Mean: 0.05, Lo: -0.1, Hi: 0.2}), ErrLogScale},
		{"sweep: nil analytic", sweep(SweepOptions{Analytic: []Analytic{{Name: "m"}}}, pt(1, 1)), ErrInvalid},
		{"sweep: x not an index of XNames", sweep(SweepOptions{XNames: []string{"a", "b"}}, pt(0, 1), pt(2, 2)), ErrInvalid},
		{"sweep: fractional x with XNames", sweep(SweepOptions{XNames: []string{"a", "b"}}, pt(0.5, 1)), ErrInvalid},
		{"sweep: XNames on log x", sweep(SweepOptions{XNames: []string{"a"}, LogX: true}, pt(0, 1)), ErrInvalid},
		{"cdf: no series", func() error { _, err := CDF(nil, CDFOptions{}); return err }, ErrNoData},
		{"cdf: no samples", cdf(CDFOptions{}), ErrNoData},
		{"cdf: only +Inf", cdf(CDFOptions{}, inf, inf), ErrNoData},
		{"cdf: NaN sample", cdf(CDFOptions{}, 1, nan), ErrNotFinite},
		{"cdf: -Inf sample", cdf(CDFOptions{}, 1, math.Inf(-1)), ErrNotFinite},
		{"cdf: zero on log x", cdf(CDFOptions{LogX: true}, 0, 1), ErrLogScale},
		{"occupancy: empty", occ(Occupancy{}), ErrNoData},
		{"occupancy: lengths", occ(Occupancy{Time: []float64{0, 1}, States: []StateCounts{{State: "TIME-WAIT", Counts: []float64{1}}}}), ErrLength},
		{"occupancy: NaN count", occ(Occupancy{Time: []float64{0, 1}, States: []StateCounts{{State: "TIME-WAIT", Counts: []float64{1, nan}}}}), ErrNotFinite},
		{"occupancy: NaN time", occ(Occupancy{Time: []float64{0, nan}, States: []StateCounts{{State: "TIME-WAIT", Counts: []float64{1, 2}}}}), ErrNotFinite},
		{"occupancy: time goes back", occ(Occupancy{Time: []float64{1, 0}, States: []StateCounts{{State: "TIME-WAIT", Counts: []float64{1, 2}}}}), ErrInvalid},
		{"occupancy: negative", occ(Occupancy{Time: []float64{0, 1}, States: []StateCounts{{State: "TIME-WAIT", Counts: []float64{1, -2}}}}), ErrInvalid},
		{"occupancy: state twice", occ(Occupancy{Time: []float64{0}, States: []StateCounts{{State: "LISTEN", Counts: []float64{1}}, {State: "LISTEN", Counts: []float64{1}}}}), ErrInvalid},
		{"heat: empty", heat(Grid{}, HeatOptions{}), ErrNoData},
		{"heat: rows", heat(Grid{X: []string{"a"}, Y: []string{"1", "2"}, Z: [][]float64{{1}}}, HeatOptions{}), ErrLength},
		{"heat: columns", heat(Grid{X: []string{"a", "b"}, Y: []string{"1"}, Z: [][]float64{{1}}}, HeatOptions{}), ErrLength},
		{"heat: all NaN", heat(Grid{X: []string{"a"}, Y: []string{"1"}, Z: [][]float64{{nan}}}, HeatOptions{}), ErrNoData},
		{"heat: infinite", heat(Grid{X: []string{"a"}, Y: []string{"1"}, Z: [][]float64{{inf}}}, HeatOptions{}), ErrNotFinite},
		{"heat: min above max", heat(Grid{X: []string{"a"}, Y: []string{"1"}, Z: [][]float64{{1}}}, HeatOptions{Min: 2, Max: 1}), ErrInvalid},
		{"coverage: no states", cover(nil, CoverageOptions{States: []string{}, Legal: fixtureLegal}), ErrNoData},
		{"coverage: unknown state", cover([]Transition{{"ESTABLISHED", "ESTABLISHD", 1}}, CoverageOptions{Legal: fixtureLegal}), ErrInvalid},
		{"coverage: negative count", cover([]Transition{{"CLOSED", "LISTEN", -1}}, CoverageOptions{Legal: fixtureLegal}), ErrInvalid},
		{"coverage: state twice", cover(nil, CoverageOptions{States: []string{"A", "A"}, Legal: fixtureLegal}), ErrInvalid},
		{"coverage: no legality", cover(nil, CoverageOptions{}), ErrInvalid},
		{"ladder: no timelines", ladder(nil, nil, LadderOptions{}), ErrNoData},
		{"ladder: one timeline", ladder([]Timeline{{Name: "a"}}, nil, LadderOptions{}), ErrInvalid},
		{"ladder: nothing to draw", ladder(two, nil, LadderOptions{}), ErrNoData},
		{"ladder: unnamed timeline", ladder([]Timeline{{Name: "a"}, {}}, seg(func(*Segment) {}), LadderOptions{}), ErrInvalid},
		{"ladder: name twice", ladder([]Timeline{{Name: "a"}, {Name: "a"}}, nil, LadderOptions{}), ErrInvalid},
		{"ladder: unknown endpoint", ladder(two, seg(func(s *Segment) { s.To = "c" }), LadderOptions{}), ErrInvalid},
		{"ladder: to itself", ladder(two, seg(func(s *Segment) { s.To = "a" }), LadderOptions{}), ErrInvalid},
		{"ladder: NaN send", ladder(two, seg(func(s *Segment) { s.Send = nan }), LadderOptions{}), ErrNotFinite},
		{"ladder: NaN receive", ladder(two, seg(func(s *Segment) { s.Recv = nan }), LadderOptions{}), ErrNotFinite},
		{"ladder: received before sent", ladder(two, seg(func(s *Segment) { s.Recv = -1 }), LadderOptions{}), ErrInvalid},
		{"ladder: bad kind", ladder(two, seg(func(s *Segment) { s.Kind = 9 }), LadderOptions{}), ErrInvalid},
		{"ladder: states out of order", ladder([]Timeline{{Name: "a", States: []StateChange{{2, "LISTEN"}, {1, "CLOSED"}}}, {Name: "b"}}, nil, LadderOptions{}), ErrInvalid},
		{"ladder: NaN state time", ladder([]Timeline{{Name: "a", States: []StateChange{{nan, "LISTEN"}}}, {Name: "b"}}, nil, LadderOptions{}), ErrNotFinite},
		{"ladder: window backwards", ladder(two, seg(func(*Segment) {}), LadderOptions{Start: 2, End: 1}), ErrInvalid},
		{"ladder: window empty", ladder(two, seg(func(*Segment) {}), LadderOptions{Start: 5, End: 6}), ErrNoData},
		{"band: empty", func() error { _, err := NewBand(sweepData(nil)); return err }, ErrNoData},
		{"band: lo above hi", func() error { _, err := NewBand(sweepData{{X: 1, Mean: 1, Lo: 2, Hi: 1}}); return err }, ErrInvalid},
		{"ecdf: empty", func() error { _, err := NewECDF(plotter.Values(nil)); return err }, ErrNoData},
		{"stacked: empty", func() error { _, err := NewStackedArea(layers{}); return err }, ErrNoData},
		{"func line: nil", func() error { _, err := NewFuncLine(nil, 0, 1); return err }, ErrInvalid},
		{"func line: NaN bound", func() error { _, err := NewFuncLine(math.Sqrt, nan, 1); return err }, ErrNotFinite},
		{"func line: reversed", func() error { _, err := NewFuncLine(math.Sqrt, 2, 1); return err }, ErrInvalid},
		{"format: jpeg", func() error { _, err := ParseFormat("jpeg"); return err }, ErrFormat},
	}
	for _, tt := range tests {
		err := tt.call()
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestNaNMeansLeftOut checks that a sweep point with no value (NaN mean,
// as results gives for zero replications) is skipped, not an error.
func TestNaNMeansLeftOut(t *testing.T) {
	nan := math.NaN()
	_, err := Sweep([]SweepSeries{{Name: "s", Points: []SweepPoint{
		{X: 0, Mean: 1, Lo: 0.5, Hi: 1.5}, {X: 1, Mean: nan, Lo: nan, Hi: nan}, {X: 2, Mean: 3, Lo: nan, Hi: nan},
	}}}, SweepOptions{})
	if err != nil {
		t.Fatalf("Sweep with a NaN mean: %v", err)
	}
}
