package plots

import (
	"reflect"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		min, max float64
		want     []string // labelled ticks
	}{
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0.001, 0.3, []string{"0.05", "0.10", "0.15", "0.20", "0.25", "0.30"}},
		{0.04, 1.1, []string{"0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 7000, []string{"0", "2000", "4000", "6000"}},
		{0, 40, []string{"0", "10", "20", "30", "40"}},
		{-2, 2, []string{"-2", "-1", "0", "1", "2"}},
		{3, 3, []string{"3"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (niceTicks{N: 5}).Ticks(tt.min, tt.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("niceTicks{5}.Ticks(%v, %v) labels = %q, want %q", tt.min, tt.max, got, tt.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0.001, 0.3, []string{"0.001", "0.01", "0.1"}},
		{0.04, 15, []string{"0.1", "1", "10"}},
		{0.05, 0.3, []string{"0.05", "0.1", "0.2"}},
		{3, 40, []string{"5", "10", "20"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (logTicks{}).Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("logTicks.Ticks(%v, %v) labels = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}
