package engine

import (
	"math"
	"strconv"
	"time"
)

// Time is a simulated instant: nanoseconds since the start of a run.
type Time int64

// Never is a time later than any event; it means "no deadline".
const Never Time = math.MaxInt64

// FromDuration returns the instant d after the start of the run.
func FromDuration(d time.Duration) Time { return Time(d) }

// Seconds returns t in seconds, for output only; never compute with it.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// Duration returns t as the interval since the start of the run.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Add returns t+d. It saturates at Never instead of overflowing.
func (t Time) Add(d time.Duration) Time {
	s := t + Time(d)
	if d > 0 && s < t {
		return Never
	}
	return s
}

// Sub returns the interval t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// String formats t as a duration since the start of the run, such as "1.5s".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return time.Duration(t).String()
}

// FormatSeconds formats t as seconds with nanosecond precision ("1.000000250"),
// the form result files use.
func (t Time) FormatSeconds() string {
	neg := t < 0
	u := uint64(t)
	if neg {
		u = uint64(-t)
	}
	s := strconv.FormatUint(u/1e9, 10) + "." + pad9(u%1e9)
	if neg {
		return "-" + s
	}
	return s
}

func pad9(n uint64) string {
	s := strconv.FormatUint(n, 10)
	const zeros = "000000000"
	return zeros[:9-len(s)] + s
}
