package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		str  string
	}{
		{"0", 0, "0"},
		{"50ms", 50 * time.Millisecond, "50ms"},
		{"2min", 2 * time.Minute, "2min"},
		{"1.5s", 1500 * time.Millisecond, "1500ms"},
		{"250us", 250 * time.Microsecond, "250us"},
		{"250µs", 250 * time.Microsecond, "250us"},
		{"3h", 3 * time.Hour, "3h"},
		{"90s", 90 * time.Second, "90s"},
		{"120s", 2 * time.Minute, "2min"},
		{"7ns", 7, "7ns"},
		{"1e3ms", time.Second, "1s"},
		{"0.1s", 100 * time.Millisecond, "100ms"},
	} {
		got, err := ParseDuration(tt.in)
		if err != nil || got.D() != tt.want || got.String() != tt.str {
			t.Errorf("ParseDuration(%q) = %v (%q), %v; want %v (%q)", tt.in, got.D(), got, err, tt.want, tt.str)
		}
		if back, err := ParseDuration(got.String()); err != nil || back != got {
			t.Errorf("ParseDuration(%q.String()) = %v, %v; want %v", tt.in, back, err, got)
		}
	}
	for _, bad := range []string{"", "50", "-5ms", "5 parsecs", "1m", "inf s", "NaNs", "0x10ms", "1e999s", "ms", "1.s", "3000000h"} {
		if got, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Rate
		str  string
	}{
		{"0", 0, "0"},
		{"10Mbps", 10e6, "10Mbps"},
		{"1.5Gbps", 1.5e9, "1500Mbps"},
		{"64kbps", 64e3, "64kbps"},
		{"1000bps", 1000, "1kbps"},
		{"1234bps", 1234, "1234bps"},
		{"1MB/s", 8e6, "8Mbps"},
		{"1KiB/s", 8192, "8192bps"},
		{"2Tbps", 2e12, "2Tbps"},
	} {
		got, err := ParseRate(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseRate(%q) = %d (%q), %v; want %d (%q)", tt.in, got, got, err, tt.want, tt.str)
		}
		if back, err := ParseRate(got.String()); err != nil || back != got {
			t.Errorf("ParseRate(%q.String()) = %v, %v; want %v", tt.in, back, err, got)
		}
	}
	for _, bad := range []string{"", "10", "10mbps", "-1Mbps", "fast", "10 Mbit"} {
		if got, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Size
		str  string
	}{
		{"1500", 1500, "1500B"},
		{"1500B", 1500, "1500B"},
		{"1KiB", 1024, "1KiB"},
		{"10MB", 10e6, "10MB"},
		{"1MiB", 1 << 20, "1MiB"},
		{"1.5KiB", 1536, "1536B"},
		{"2kB", 2000, "2kB"},
		{"0", 0, "0B"},
	} {
		got, err := ParseSize(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseSize(%q) = %d (%q), %v; want %d (%q)", tt.in, got, got, err, tt.want, tt.str)
		}
		if back, err := ParseSize(got.String()); err != nil || back != got {
			t.Errorf("ParseSize(%q.String()) = %v, %v; want %v", tt.in, back, err, got)
		}
	}
	for _, bad := range []string{"", "1.5B", "-1", "1KB/s", "1 parsec", "1e30GiB"} {
		if got, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseProb(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Prob
	}{{"0", 0}, {"0.01", 0.01}, {"1%", 0.01}, {"100%", 1}, {"1", 1}, {"1e-3", 0.001}, {"0.5 %", 0.005}} {
		got, err := ParseProb(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseProb(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParseProb(got.String()); err != nil || back != got {
			t.Errorf("ParseProb(%q.String()) = %v, %v; want %v", tt.in, back, err, got)
		}
	}
	for _, bad := range []string{"", "1.5", "150%", "-0.1", "nan", "inf", "half"} {
		if got, err := ParseProb(bad); err == nil {
			t.Errorf("ParseProb(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseCount(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Count
	}{{"0", 0}, {"7", 7}, {"1_000_000", 1000000}} {
		got, err := ParseCount(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseCount(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, _ := ParseCount(got.String()); back != got {
			t.Errorf("ParseCount(%q.String()) = %v, want %v", tt.in, back, got)
		}
	}
	for _, bad := range []string{"", "1.0", "-1", "1e3", "ten", "99999999999999999999"} {
		if got, err := ParseCount(bad); err == nil {
			t.Errorf("ParseCount(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseArrivalRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		mean time.Duration
	}{{"100/s", 100, 10 * time.Millisecond}, {"5/min", 5.0 / 60, 12 * time.Second}, {"2/ms", 2000, 500 * time.Microsecond}, {"3600/h", 1, time.Second}} {
		got, err := ParseArrivalRate(tt.in)
		if err != nil || float64(got) != tt.want || got.Mean() != tt.mean {
			t.Errorf("ParseArrivalRate(%q) = %v (mean %v), %v; want %v (mean %v)", tt.in, got, got.Mean(), err, tt.want, tt.mean)
		}
		if back, err := ParseArrivalRate(got.String()); err != nil || back != got {
			t.Errorf("ParseArrivalRate(%q.String()) = %v, %v; want %v", tt.in, back, err, got)
		}
	}
	for _, bad := range []string{"", "100", "0/s", "-1/s", "10/fortnight", "/s"} {
		if got, err := ParseArrivalRate(bad); err == nil {
			t.Errorf("ParseArrivalRate(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseSmallTypes(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		parse    func(string) (string, error)
	}{
		{"40000-40015", "40000-40015", str(ParsePortRange)},
		{"80", "80-80", str(ParsePortRange)},
		{"10.0.0.7", "10.0.0.7", str(ParseIPv4)},
		{"server:80", "server:80", str(ParseHostPort)},
		{"2msl", "2msl", str(ParseTimeWait)},
		{"0.5msl", "0.5msl", str(ParseTimeWait)},
		{"none", "none", str(ParseTimeWait)},
		{"30s", "30s", str(ParseTimeWait)},
		{"S.", "S.", str(ParseFlags)},
		{"AS", "S.", str(ParseFlags)},
		{"F.", "F.", str(ParseFlags)},
		{"R", "R", str(ParseFlags)},
	} {
		if got, err := tt.parse(tt.in); err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		in    string
		parse func(string) (string, error)
	}{
		{"0-10", str(ParsePortRange)}, {"9-8", str(ParsePortRange)}, {"1-70000", str(ParsePortRange)},
		{"::1", str(ParseIPv4)}, {"10.0.0", str(ParseIPv4)},
		{"server", str(ParseHostPort)}, {":80", str(ParseHostPort)}, {"s:0", str(ParseHostPort)},
		{"2 msls", str(ParseTimeWait)}, {"-1s", str(ParseTimeWait)},
		{"SS", str(ParseFlags)}, {"SYN", str(ParseFlags)}, {"", str(ParseFlags)},
	} {
		if got, err := tt.parse(tt.in); err == nil {
			t.Errorf("Parse(%q) = %q, want an error", tt.in, got)
		}
	}
}

// str adapts a Parse function to return the String of its result.
func str[T interface{ String() string }](parse func(string) (T, error)) func(string) (string, error) {
	return func(s string) (string, error) {
		v, err := parse(s)
		return v.String(), err
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"delay", "delay", 0}, {"dealy", "delay", 1}, {"dleay", "delay", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
