package engine

import (
	"testing"
	"time"
)

func TestTimeConversions(t *testing.T) {
	tests := []struct {
		t       Time
		seconds float64
		str     string
		fsec    string
	}{
		{0, 0, "0s", "0.000000000"},
		{FromDuration(1500 * time.Millisecond), 1.5, "1.5s", "1.500000000"},
		{FromDuration(250 * time.Nanosecond), 2.5e-7, "250ns", "0.000000250"},
		{FromDuration(2 * time.Minute), 120, "2m0s", "120.000000000"},
		{-5, -5e-9, "-5ns", "-0.000000005"},
		{Never, float64(Never) / 1e9, "never", "9223372036.854775807"},
	}
	for _, tt := range tests {
		if got := tt.t.Seconds(); got != tt.seconds {
			t.Errorf("Time(%d).Seconds() = %v, want %v", tt.t, got, tt.seconds)
		}
		if got := tt.t.String(); got != tt.str {
			t.Errorf("Time(%d).String() = %q, want %q", tt.t, got, tt.str)
		}
		if got := tt.t.FormatSeconds(); got != tt.fsec {
			t.Errorf("Time(%d).FormatSeconds() = %q, want %q", tt.t, got, tt.fsec)
		}
	}
}

func TestTimeArithmetic(t *testing.T) {
	if got := Time(10).Add(5); got != 15 {
		t.Errorf("Time(10).Add(5) = %v, want 15", got)
	}
	if got := (Never - 1).Add(10); got != Never {
		t.Errorf("Add near Never = %v, want saturation at Never", got)
	}
	if got := Time(30).Sub(10); got != 20 {
		t.Errorf("Time(30).Sub(10) = %v, want 20ns", got)
	}
	if got := FromDuration(time.Second).Duration(); got != time.Second {
		t.Errorf("round trip through Duration = %v, want 1s", got)
	}
}
