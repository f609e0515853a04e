package figures

import (
	"math"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/plots"
)

// TestMetricLabels: every run metric has a label and a unit from the
// metric table, so no axis is named by a column; sums read "per run".
func TestMetricLabels(t *testing.T) {
	for _, m := range config.Metrics {
		if mi := metricOf(m); mi.Label == "" || mi.Label == words(m) || !mi.NonNegative {
			t.Errorf("metric %s: %+v, want a label from the metric table", m, mi)
		}
	}
	for _, tt := range []struct {
		m     string
		label string
		unit  plots.Unit
	}{
		{"ghost_established", "Ghost connections per run", plots.Count},
		{"handshake_mean_s", "Mean handshake time", plots.Seconds},
		{"stale_bytes_accepted", "Stale bytes accepted per run", plots.Bytes},
		{"timewait_peak", "Peak TIME-WAIT connections", plots.Count},
		{"no_such_s", "No such", plots.Seconds},
	} {
		if mi := metricOf(tt.m); mi.Label != tt.label || mi.Unit != tt.unit {
			t.Errorf("metricOf(%s) = %q, %v; want %q, %v", tt.m, mi.Label, mi.Unit, tt.label, tt.unit)
		}
	}
}

func TestParamLabels(t *testing.T) {
	e := tinyExperiment(t)
	for _, tt := range []struct {
		path   string
		values []string
		label  string
		unit   plots.Unit
	}{
		{"links[0].loss", []string{"2%", "20%"}, "Loss probability", plots.Fraction},
		{"links[0].forward.loss.p", []string{"0.01"}, "Loss probability (forward)", plots.Fraction},
		{"links[0].delay", []string{"5ms"}, "One-way delay", plots.Seconds},
		{"hosts[1].tcp.handshake", []string{"three-way", "two-way"}, "Handshake at server", plots.NoUnit},
		{"hosts[0].tcp.msl", []string{"1s"}, "Maximum segment lifetime at client", plots.Seconds},
		{"hosts[0].tcp.time_wait", []string{"2msl", "200ms"}, "TIME-WAIT length at client", plots.Seconds},
		{"hosts[0].tcp.fin_wait_2_timeout", []string{"10s", "60s"}, "Fin wait 2 timeout at client", plots.Seconds},
		{"workloads[0].connection.close", []string{"server", "client"}, "Closing end", plots.NoUnit},
	} {
		if got := paramOf(tt.path, e, tt.values); got.label != tt.label || got.unit != tt.unit {
			t.Errorf("paramOf(%s) = %q, %v; want %q, %v", tt.path, got.label, got.unit, tt.label, tt.unit)
		}
	}
}

func TestValueName(t *testing.T) {
	for _, tt := range []struct {
		v    string
		unit plots.Unit
		want string
	}{
		{"2605171085ns", plots.Seconds, "2.6\u00a0s"},
		{"120ms", plots.Seconds, "120\u00a0ms"},
		{"1%", plots.Fraction, "1\u00a0%"},
		{"0.05", plots.Fraction, "5\u00a0%"},
		{"2msl", plots.Seconds, "2msl"},
		{"three-way", plots.NoUnit, "three-way"},
		{"300", plots.Count, "300"},
	} {
		if got := valueName(tt.v, tt.unit); got != tt.want {
			t.Errorf("valueName(%q, %v) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}

// TestNonNegativeCI: the interval of a count never goes below zero, and
// contains the mean; a symmetric interval that does go below zero (as
// stale_bytes_accepted's did, down to about −1,500) comes back above it.
func TestNonNegativeCI(t *testing.T) {
	nan := math.NaN()
	for _, tt := range []struct {
		name          string
		mean, lo, hi  float64
		wantLo, wantH float64 // NaN: only check the bounds
	}{
		{"below zero", 1000, -1500, 3500, nan, nan},
		{"all zero", 0, 0, 0, 0, 0},
		{"narrow", 100, 90, 110, 100 * math.Exp(-0.1), 100 * math.Exp(0.1)},
		{"none", 5, nan, nan, nan, nan},
	} {
		lo, hi := nonNegativeCI(tt.mean, tt.lo, tt.hi)
		if math.IsNaN(tt.lo) {
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Errorf("%s: got [%v, %v], want no interval", tt.name, lo, hi)
			}
			continue
		}
		if lo < 0 || lo > tt.mean || hi < tt.mean {
			t.Errorf("%s: [%v, %v] does not respect 0 ≤ lo ≤ mean %v ≤ hi", tt.name, lo, hi, tt.mean)
		}
		if !math.IsNaN(tt.wantLo) && (math.Abs(lo-tt.wantLo) > 1e-9 || math.Abs(hi-tt.wantH) > 1e-9) {
			t.Errorf("%s: [%v, %v], want [%v, %v]", tt.name, lo, hi, tt.wantLo, tt.wantH)
		}
	}
}
