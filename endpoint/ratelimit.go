package endpoint

import (
	"time"

	"tcpsim/engine"
)

// oowLimiter allows at most one answer per interval to unacceptable
// segments (Linux's tcp_invalid_ratelimit and tcp_oow_rate_limited; RFC
// 5961 §10 and Errata ID 4772 on throttling). A TCB and a TIME-WAIT remnant
// each have one. Its zero value allows the next answer at once.
type oowLimiter struct {
	// next is the earliest time the next answer may go out.
	next engine.Time
}

// allow reports whether an answer may go out at now under interval (0:
// always), and if so records it; a refusal is counted in ctr.ACKsThrottled.
func (l *oowLimiter) allow(now engine.Time, interval time.Duration, ctr *Counters) bool {
	if interval <= 0 {
		return true
	}
	if now < l.next {
		ctr.ACKsThrottled++
		return false
	}
	l.next = now.Add(interval)
	return true
}
