package plots

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestFormatValue(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		u    Unit
		want string
	}{
		{2.605171085, Seconds, "2.6 s"},
		{0.12, Seconds, "120 ms"},
		{0.0000153, Seconds, "15 µs"},
		{0.01, Fraction, "1 %"},
		{0.255, Fraction, "26 %"},
		{1e7, BitRate, "10 Mb/s"},
		{4096, Bytes, "4 KiB"},
		{2990, Count, "2990"},
		{2.5, Count, "2.5"},
		{0, Seconds, "0"},
		{12345.678, NoUnit, "1.23e+04"},
	} {
		if got := strings.ReplaceAll(FormatValue(tt.v, tt.u), "\u00a0", " "); got != tt.want {
			t.Errorf("FormatValue(%v, %v) = %q, want %q", tt.v, tt.u, got, tt.want)
		}
	}
}

// TestUnitTicks: linear axes label plain numbers in the unit's scale, a
// count only at whole numbers; log axes put the unit in each label.
func TestUnitTicks(t *testing.T) {
	labels := func(ts []plot.Tick) []string {
		var out []string
		for _, tk := range ts {
			if tk.Label != "" {
				out = append(out, strings.ReplaceAll(tk.Label, "\u00a0", " "))
			}
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		ticker plot.Ticker
		lo, hi float64
		want   string
	}{
		{"seconds in ms", unitTicks{N: 5, Unit: Seconds, Scale: 1e-3}, 0, 0.8, "0 200 400 600 800"},
		{"fraction in %", unitTicks{N: 5, Unit: Fraction, Scale: 0.01}, 0, 0.2, "0 5 10 15 20"},
		{"small counts", unitTicks{N: 5, Unit: Count}, 0, 3, "0 1 2 3"},
		{"large counts", unitTicks{N: 5, Unit: Count}, 0, 20000, "0 5000 10000 15000 20000"},
		{"log seconds", logUnitTicks{Unit: Seconds}, 0.1, 10, "100 ms 1 s 10 s"},
		{"log fraction", logUnitTicks{Unit: Fraction}, 0.001, 0.3, "0.1 % 1 % 10 %"},
	} {
		if got := strings.Join(labels(tt.ticker.Ticks(tt.lo, tt.hi)), " "); got != tt.want {
			t.Errorf("%s: ticks %q, want %q", tt.name, got, tt.want)
		}
	}
}
