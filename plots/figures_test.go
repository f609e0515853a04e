package plots

import "testing"

func TestGoldenSweep(t *testing.T) {
	tests := []struct {
		name string
		opt  SweepOptions
	}{
		{"sweep_errorbars_logx", SweepOptions{
			XLabel: "loss probability p (each direction)", YLabel: "handshake time (s)", LogX: true,
			Analytic: []Analytic{{Name: "model, three-way", F: handshakeCurve}},
		}},
		{"sweep_band_linear", SweepOptions{
			Title: "Connection establishment under loss", XLabel: "loss probability p", YLabel: "handshake time (s)", Band: true,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig, err := Sweep(sweepFixture(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, fig)
		})
	}
}

func TestGoldenCDF(t *testing.T) {
	tests := []struct {
		name string
		opt  CDFOptions
	}{
		{"cdf_linear", CDFOptions{XLabel: "handshake latency (s)"}},
		{"cdf_logx", CDFOptions{XLabel: "handshake latency (s)", LogX: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig, err := CDF(cdfFixture(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, fig)
		})
	}
}

func TestGoldenOccupancy(t *testing.T) {
	tests := []struct {
		name string
		opt  OccupancyOptions
	}{
		{"occupancy_stacked", OccupancyOptions{Stacked: true}},
		{"occupancy_lines", OccupancyOptions{Title: "Client states, 5 connections/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig, err := StateOccupancy(occupancyFixture(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, fig)
		})
	}
}

func TestGoldenHeat(t *testing.T) {
	fig, err := Heat(heatFixture(), HeatOptions{
		XLabel: "loss probability p", YLabel: "round-trip time", ZLabel: "handshake time (s)", Annotate: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "heat_annotated", fig)
}

func TestGoldenCoverage(t *testing.T) {
	fig, err := TransitionCoverage(coverageFixture(), CoverageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "coverage_rfc9293", fig)
}

func TestGoldenLadder(t *testing.T) {
	type fixture func() ([]Timeline, []Segment)
	tests := []struct {
		name string
		data fixture
		opt  LadderOptions
	}{
		{"ladder_handshake", ladderHandshake, LadderOptions{}},
		{"ladder_handshake_linear", ladderHandshake, LadderOptions{Scale: Linear, Start: 0.9, End: 1.4}},
		{"ladder_busy", ladderBusy, LadderOptions{Title: "40 segments, three losses"}},
		{"ladder_three", ladderThree, LadderOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tls, segs := tt.data()
			fig, err := LadderDiagram(tls, segs, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, fig)
		})
	}
}
