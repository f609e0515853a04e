package config

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// This file holds the unit types of the experiment format. Each has a Parse
// function, a String method whose output Parse reads back to the same value,
// and a decodeNode method so the decoder reports a bad value with its
// position. Negative values are rejected everywhere: every duration in the
// format is a delay, an interval or a time since the start of the run.

// Duration is a non-negative time interval, written with a unit: 50ms, 1.5s,
// 250us (or 250µs), 2min, 3h, 100ns; a bare 0 is also accepted.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

var durationUnits = []struct {
	name string
	d    time.Duration
}{
	{"h", time.Hour}, {"min", time.Minute}, {"s", time.Second},
	{"ms", time.Millisecond}, {"us", time.Microsecond}, {"µs", time.Microsecond},
	{"μs", time.Microsecond}, {"ns", time.Nanosecond},
}

const durationWant = "want a non-negative duration with a unit (e.g. 50ms, 1.5s, 250us, 2min, 3h)"

// ParseDuration parses a Duration such as "50ms" or "2min".
func ParseDuration(s string) (Duration, error) {
	if s == "0" {
		return 0, nil
	}
	num, unit := splitNumber(s)
	if num == "" || !isDecimal(num) {
		return 0, fmt.Errorf("got %q, %s", s, durationWant)
	}
	if unit == "" {
		return 0, fmt.Errorf("got %q, want a unit after the number (e.g. %sms or %ss)", s, num, num)
	}
	for _, u := range durationUnits {
		if unit == u.name {
			f, _ := strconv.ParseFloat(num, 64)
			ns := math.Round(f * float64(u.d))
			if ns >= math.MaxInt64 {
				return 0, fmt.Errorf("got %q, want a duration below 292 years", s)
			}
			return Duration(ns), nil
		}
	}
	return 0, fmt.Errorf("got %q, unknown unit %q: %s", s, unit, durationWant)
}

// String formats d as an integer in the largest unit that divides it exactly
// (1500ms, 2min, 0).
func (d Duration) String() string {
	if d == 0 {
		return "0"
	}
	for _, u := range durationUnits {
		if u.name == "µs" || u.name == "μs" {
			continue
		}
		if time.Duration(d)%u.d == 0 {
			return strconv.FormatInt(int64(time.Duration(d)/u.d), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}

// Rate is a data rate in bits per second; 0 means unlimited (no serialization
// delay). It is written with an SI bit unit (1000bps, 64kbps, 10Mbps,
// 1.5Gbps, 1Tbps) or, for convenience, a byte unit per second (B/s, kB/s,
// MB/s, GB/s, KiB/s, MiB/s, GiB/s), which is converted to bits (×8).
type Rate uint64

var rateUnits = []struct {
	name string
	bps  float64
}{
	{"Tbps", 1e12}, {"Gbps", 1e9}, {"Mbps", 1e6}, {"kbps", 1e3}, {"Kbps", 1e3}, {"bps", 1},
	{"GiB/s", 8 << 30}, {"MiB/s", 8 << 20}, {"KiB/s", 8 << 10},
	{"GB/s", 8e9}, {"MB/s", 8e6}, {"kB/s", 8e3}, {"KB/s", 8e3}, {"B/s", 8},
}

const rateWant = "want a rate such as 1000bps, 64kbps, 10Mbps, 1.5Gbps or 1MB/s (0 = unlimited)"

// ParseRate parses a Rate such as "10Mbps".
func ParseRate(s string) (Rate, error) {
	if s == "0" {
		return 0, nil
	}
	num, unit := splitNumber(s)
	if num == "" || !isDecimal(num) {
		return 0, fmt.Errorf("got %q, %s", s, rateWant)
	}
	for _, u := range rateUnits {
		if unit == u.name {
			f, _ := strconv.ParseFloat(num, 64)
			v := math.Round(f * u.bps)
			if v >= math.MaxInt64 {
				return 0, fmt.Errorf("got %q, want a rate below 9.2e18bps", s)
			}
			return Rate(v), nil
		}
	}
	hint := ""
	if strings.EqualFold(unit, "mbps") || strings.EqualFold(unit, "gbps") {
		hint = fmt.Sprintf(" (units are case-sensitive: did you mean %s%s?)", strings.ToUpper(unit[:1]), unit[1:])
	}
	return 0, fmt.Errorf("got %q, %s%s", s, rateWant, hint)
}

// String formats r in the largest SI bit unit that divides it exactly.
func (r Rate) String() string {
	if r == 0 {
		return "0"
	}
	for _, u := range []struct {
		n string
		v uint64
	}{{"Tbps", 1e12}, {"Gbps", 1e9}, {"Mbps", 1e6}, {"kbps", 1e3}} {
		if uint64(r)%u.v == 0 {
			return strconv.FormatUint(uint64(r)/u.v, 10) + u.n
		}
	}
	return strconv.FormatUint(uint64(r), 10) + "bps"
}

// Size is a number of bytes, written as a plain integer or with a unit: B,
// kB (1000), MB, GB, KiB (1024), MiB, GiB.
type Size uint64

var sizeUnits = []struct {
	name string
	b    float64
}{
	{"B", 1}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
}

const sizeWant = "want a size in bytes such as 1500B, 1KiB, 10MB or 1MiB"

// ParseSize parses a Size such as "1KiB".
func ParseSize(s string) (Size, error) {
	num, unit := splitNumber(s)
	if num == "" || !isDecimal(num) {
		return 0, fmt.Errorf("got %q, %s", s, sizeWant)
	}
	mult := 0.0
	if unit == "" {
		mult = 1
	}
	for _, u := range sizeUnits {
		if unit == u.name {
			mult = u.b
		}
	}
	if mult == 0 {
		return 0, fmt.Errorf("got %q, unknown unit %q: %s", s, unit, sizeWant)
	}
	f, _ := strconv.ParseFloat(num, 64)
	v := f * mult
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("got %q, want a whole number of bytes", s)
	}
	if v >= 1<<62 {
		return 0, fmt.Errorf("got %q, want a size below 4EiB", s)
	}
	return Size(v), nil
}

// String formats z in the largest binary unit that divides it exactly, else
// the largest decimal one, else bytes (1KiB, 10MB, 1500B).
func (z Size) String() string {
	if z == 0 {
		return "0B"
	}
	for _, u := range []struct {
		n string
		v uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}} {
		if uint64(z)%u.v == 0 {
			return strconv.FormatUint(uint64(z)/u.v, 10) + u.n
		}
	}
	return strconv.FormatUint(uint64(z), 10) + "B"
}

// Prob is a probability in [0, 1], written as a decimal (0.01) or a
// percentage (1%).
type Prob float64

const probWant = "want a probability between 0 and 1 (e.g. 0.01 or 1%)"

// ParseProb parses a Prob such as "0.01" or "1%".
func ParseProb(s string) (Prob, error) {
	num, pct := s, false
	if strings.HasSuffix(s, "%") {
		num, pct = strings.TrimSpace(s[:len(s)-1]), true
	}
	if !isDecimal(num) {
		return 0, fmt.Errorf("got %q, %s", s, probWant)
	}
	f, _ := strconv.ParseFloat(num, 64)
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 {
		return 0, fmt.Errorf("got %q, %s", s, probWant)
	}
	return Prob(f), nil
}

// String formats p as the shortest decimal that parses back to p.
func (p Prob) String() string { return strconv.FormatFloat(float64(p), 'g', -1, 64) }

// Count is a non-negative whole number (connections, packets, retries),
// written as a plain integer; underscores may group digits (1_000_000).
type Count int64

// ParseCount parses a Count.
func ParseCount(s string) (Count, error) {
	t := strings.ReplaceAll(s, "_", "")
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, fmt.Errorf("got %q, want a whole number ≥ 0", s)
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("got %q, want a whole number below 2^63", s)
	}
	return Count(v), nil
}

// String formats c in decimal.
func (c Count) String() string { return strconv.FormatInt(int64(c), 10) }

// ArrivalRate is a rate of events in events per second, written as a count
// per time unit: 100/s, 5/min, 2/ms, 10/h.
type ArrivalRate float64

const arrivalWant = "want a positive rate of arrivals such as 100/s, 5/min or 2/ms"

// ParseArrivalRate parses an ArrivalRate such as "100/s".
func ParseArrivalRate(s string) (ArrivalRate, error) {
	num, per, ok := strings.Cut(s, "/")
	num = strings.TrimSpace(num)
	if !ok || !isDecimal(num) {
		return 0, fmt.Errorf("got %q, %s", s, arrivalWant)
	}
	var unit time.Duration
	switch strings.TrimSpace(per) {
	case "s":
		unit = time.Second
	case "ms":
		unit = time.Millisecond
	case "us", "µs":
		unit = time.Microsecond
	case "min":
		unit = time.Minute
	case "h":
		unit = time.Hour
	default:
		return 0, fmt.Errorf("got %q, unknown time unit %q: %s", s, per, arrivalWant)
	}
	f, _ := strconv.ParseFloat(num, 64)
	r := f * float64(time.Second) / float64(unit)
	if r <= 0 || math.IsInf(r, 0) {
		return 0, fmt.Errorf("got %q, %s", s, arrivalWant)
	}
	return ArrivalRate(r), nil
}

// String formats a as events per second (0.5/s).
func (a ArrivalRate) String() string {
	return strconv.FormatFloat(float64(a), 'g', -1, 64) + "/s"
}

// Mean returns the mean time between arrivals.
func (a ArrivalRate) Mean() time.Duration {
	return time.Duration(math.Round(float64(time.Second) / float64(a)))
}

// PortRange is an inclusive range of TCP ports, written 40000-40015 or as a
// single port.
type PortRange struct {
	// Lo and Hi are the first and last port of the range.
	Lo, Hi uint16
}

const portRangeWant = "want a port range lo-hi with 1 ≤ lo ≤ hi ≤ 65535 (e.g. 40000-40015)"

// ParsePortRange parses a PortRange such as "40000-40015".
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
	b, err2 := strconv.ParseUint(strings.TrimSpace(hi), 10, 16)
	if err1 != nil || err2 != nil || a == 0 || a > b {
		return PortRange{}, fmt.Errorf("got %q, %s", s, portRangeWant)
	}
	return PortRange{uint16(a), uint16(b)}, nil
}

// String formats r as lo-hi.
func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.Lo, r.Hi) }

// Size returns the number of ports in r.
func (r PortRange) Size() int { return int(r.Hi) - int(r.Lo) + 1 }

// IPv4 is an IPv4 address in dotted-quad form; the zero value means "not set".
type IPv4 [4]byte

// ParseIPv4 parses a dotted-quad IPv4 address.
func ParseIPv4(s string) (IPv4, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return IPv4{}, fmt.Errorf("got %q, want an IPv4 address such as 10.0.0.1", s)
	}
	return IPv4(a.As4()), nil
}

// String formats a in dotted-quad form.
func (a IPv4) String() string { return netip.AddrFrom4(a).String() }

// HostPort names a listening endpoint: a host name and a port (server:80).
type HostPort struct {
	// Host is a host name from hosts:.
	Host string
	// Port is the TCP port, 1-65535.
	Port uint16
}

// ParseHostPort parses a HostPort such as "server:80".
func ParseHostPort(s string) (HostPort, error) {
	h, p, ok := strings.Cut(s, ":")
	n, err := strconv.ParseUint(p, 10, 16)
	if !ok || h == "" || err != nil || n == 0 {
		return HostPort{}, fmt.Errorf("got %q, want host:port with a port 1-65535 (e.g. server:80)", s)
	}
	return HostPort{h, uint16(n)}, nil
}

// String formats hp as host:port.
func (hp HostPort) String() string { return fmt.Sprintf("%s:%d", hp.Host, hp.Port) }

// splitNumber splits "1.5Gbps" into "1.5" and "Gbps", trimming spaces
// between them.
func splitNumber(s string) (num, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '_' ||
		(s[i] == 'e' || s[i] == 'E') && i > 0 && i+1 < len(s) && (s[i+1] >= '0' && s[i+1] <= '9' || s[i+1] == '-' || s[i+1] == '+') ||
		(s[i] == '-' || s[i] == '+') && i > 0 && (s[i-1] == 'e' || s[i-1] == 'E')) {
		i++
	}
	return strings.ReplaceAll(s[:i], "_", ""), strings.TrimSpace(s[i:])
}

// isDecimal reports whether s is an unsigned decimal number, optionally with
// a fraction and an exponent (no sign, no inf or nan, no hex).
func isDecimal(s string) bool {
	s = strings.ReplaceAll(s, "_", "")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, hasFrac := strings.Cut(mant, ".")
	digits := func(t string) bool { return t != "" && strings.Trim(t, "0123456789") == "" }
	if !digits(intPart) || hasFrac && !digits(frac) {
		return false
	}
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if !digits(exp) || len(exp) > 3 {
			return false
		}
	}
	return true
}
