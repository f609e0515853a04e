package link

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tcpsim/engine"
)

// Config describes one direction of a link. It is plain data so that the
// experiment files can be mapped onto it; New validates it. The zero Config
// is a perfect link: no queue limit, infinite rate, zero delay, nothing lost,
// duplicated, reordered or corrupted, never down.
//
// doc.go lists the stages in the order a packet meets them.
type Config struct {
	// QueuePackets and QueueBytes bound the FIFO of packets waiting for the
	// transmitter (the packet being serialized is not in it); 0 means
	// unlimited. A packet that would exceed either limit is dropped
	// (drop-tail). The byte limit counts WireSize, not Overhead. Limits need
	// a Rate: without one no packet ever waits.
	QueuePackets int
	QueueBytes   int
	// Rate is the transmitter's speed in bits per second; 0 means
	// infinitely fast (no serialization delay, no queueing).
	Rate int64
	// Overhead is added to each packet's WireSize when computing its
	// serialization time (framing, preamble, inter-frame gap), in bytes.
	Overhead int
	// Delay is the propagation delay every packet gets.
	Delay time.Duration
	// Jitter is added to Delay, drawn per packet. A Normal jitter is
	// truncated so that Delay+jitter ≥ 0; other kinds must not be able to
	// make it negative.
	Jitter Dist
	// JitterReorders lets jitter reorder packets, as in netem: each packet
	// arrives exactly Delay+jitter after it leaves the transmitter. By
	// default a packet that would overtake an earlier one arrives right
	// behind it instead (same instant, later in the event order).
	JitterReorders bool
	// Reorder takes some packets out of FIFO order.
	Reorder Reorder
	// Loss is the random loss process.
	Loss Loss
	// Drop lists packets to lose for certain, as 0-based indices among the
	// packets that reach the loss stage and match the link's drop
	// predicate (all of them unless SetDropMatch is called). Copies are
	// never counted nor dropped by this list.
	Drop []int
	// Duplicate makes copies of some packets.
	Duplicate Duplicate
	// Corrupt is the probability that a packet (or copy) arrives with bad
	// bits: it is delivered flagged corrupt and the receiver discards it.
	Corrupt float64
	// Outages are the intervals during which the link is down. They may
	// overlap and come in any order.
	Outages []Outage
}

// Reorder configures reordering, in one of two forms. With Extra, each
// packet is chosen with probability Prob and gets an extra delay drawn from
// Extra, outside the FIFO order (later packets may overtake it). With Gap
// (netem's "reorder Prob gap Gap"), after Gap−1 packets in order each packet
// is chosen with probability Prob until one is; the chosen packet skips the
// propagation delay and jitter, so it overtakes the packets still in
// flight, and the count restarts. Gap 1 chooses each packet with
// probability Prob.
type Reorder struct {
	Prob  float64
	Extra Dist
	Gap   int
}

// Duplicate configures duplication: with probability Prob a packet that
// leaves the transmitter is copied. The copy draws its own jitter, loss and
// corruption (from streams of its own) and is held back by an extra delay
// drawn from Hold; a hold of seconds to minutes makes the old duplicates
// that TCP's quiet time and TIME-WAIT exist for. A copy costs no queue
// space nor transmitter time, and it is outside the FIFO order.
type Duplicate struct {
	Prob float64
	Hold Dist
}

// Outage is an interval [At, At+For) of simulated time, counted from the
// start of the run, during which the link is down.
type Outage struct {
	At  time.Duration
	For time.Duration
}

// ErrConfig is the error every invalid Config matches with errors.Is.
var ErrConfig = errors.New("link: invalid configuration")

// Problem is one thing wrong with a configuration: the field, as a dotted Go
// path such as "Jitter.StdDev" or "Outages[2].For", and what is wrong with
// it, in words a user can act on.
type Problem struct {
	Field string
	Msg   string
}

// Error returns "link: Field: Msg".
func (p Problem) Error() string { return "link: " + p.Field + ": " + p.Msg }

// Problems is every problem found in a configuration, in field order.
type Problems []Problem

// Error returns one line per problem.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is reports whether target is ErrConfig.
func (ps Problems) Is(target error) bool { return target == ErrConfig }

// prefixed returns err's problems with prefix+"." before each field.
func prefixed(prefix string, err error) Problems {
	var in Problems
	if !errors.As(err, &in) {
		return nil
	}
	out := make(Problems, len(in))
	for i, p := range in {
		out[i] = Problem{Field: prefix + "." + p.Field, Msg: p.Msg}
	}
	return out
}

// Validate reports every problem with c as Problems (which match ErrConfig),
// or returns nil.
func (c Config) Validate() error {
	var ps Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	prob := func(field string, v float64) bool {
		if !(v >= 0 && v <= 1) {
			bad(field, "must be a probability in [0, 1] (got %v)", v)
			return false
		}
		return true
	}

	// Queue and rate.
	if c.QueuePackets < 0 {
		bad("QueuePackets", "must not be negative; 0 means unlimited (got %d)", c.QueuePackets)
	}
	if c.QueueBytes < 0 {
		bad("QueueBytes", "must not be negative; 0 means unlimited (got %d)", c.QueueBytes)
	}
	if c.Rate < 0 {
		bad("Rate", "must not be negative; 0 means infinitely fast (got %d bit/s)", c.Rate)
	}
	if c.Rate > maxRate {
		bad("Rate", "must be at most %d bit/s (got %d)", int64(maxRate), c.Rate)
	}
	if c.Rate == 0 && (c.QueuePackets > 0 || c.QueueBytes > 0) {
		bad("Rate", "is 0 (infinitely fast), so no packet ever waits and the queue limit has no effect: set a Rate")
	}
	if c.Overhead < 0 {
		bad("Overhead", "must not be negative (got %d bytes)", c.Overhead)
	}
	if c.Rate == 0 && c.Overhead > 0 {
		bad("Overhead", "only affects serialization, which needs a Rate")
	}

	// Delay and jitter.
	if c.Delay < 0 {
		bad("Delay", "must not be negative (got %v)", c.Delay)
	}
	if err := c.Jitter.Validate(); err != nil {
		ps = append(ps, prefixed("Jitter", err)...)
	} else if c.Jitter.Kind != NoDist && c.Delay >= 0 {
		if lo := c.Jitter.lowest(); c.Delay+lo < 0 {
			what := "its smallest value"
			if c.Jitter.Kind == Normal {
				what = "its mean"
			}
			bad("Jitter", "%s (%v) plus Delay (%v) is negative: a packet cannot arrive before it is sent", what, lo, c.Delay)
		}
	}
	if c.JitterReorders && c.Jitter.Kind == NoDist {
		bad("JitterReorders", "has no effect without Jitter")
	}

	// Reordering.
	r := c.Reorder
	if prob("Reorder.Prob", r.Prob) {
		hasExtra := r.Extra.Kind != NoDist
		switch {
		case r.Prob == 0 && (hasExtra || r.Gap != 0):
			bad("Reorder.Prob", "is 0, so Reorder.Extra and Reorder.Gap have no effect")
		case r.Prob > 0 && hasExtra && r.Gap != 0:
			bad("Reorder.Gap", "is set and so is Reorder.Extra, two forms of reordering: choose one")
		case r.Prob > 0 && !hasExtra && r.Gap == 0:
			bad("Reorder.Extra", "(or Reorder.Gap) must say how packets are reordered")
		}
	}
	if r.Gap < 0 {
		bad("Reorder.Gap", "must not be negative (got %d)", r.Gap)
	}
	if r.Prob > 0 && r.Gap > 0 && c.Delay == 0 && c.Jitter.Kind == NoDist {
		bad("Reorder.Gap", "reorders by letting a packet skip the delay, and there is no Delay or Jitter to skip (netem's reorder does nothing without delay, silently)")
	}
	if err := r.Extra.Validate(); err != nil {
		ps = append(ps, prefixed("Reorder.Extra", err)...)
	} else if r.Extra.Kind != NoDist {
		if lo := r.Extra.lowest(); lo < 0 {
			bad("Reorder.Extra", "can draw a negative extra delay (%v): reordering delays packets, it cannot make them earlier", lo)
		} else if r.Extra.Kind == Constant && lo == 0 {
			bad("Reorder.Extra", "is always 0, so nothing is reordered")
		}
	}

	// Loss, scripted drops.
	if err := c.Loss.Validate(); err != nil {
		ps = append(ps, prefixed("Loss", err)...)
	}
	seen := make(map[int]bool, len(c.Drop))
	for i, k := range c.Drop {
		field := fmt.Sprintf("Drop[%d]", i)
		switch {
		case k < 0:
			bad(field, "must not be negative: indices count matching packets from 0 (got %d)", k)
		case seen[k]:
			bad(field, "lists packet %d a second time", k)
		}
		seen[k] = true
	}

	// Duplication, corruption.
	d := c.Duplicate
	if prob("Duplicate.Prob", d.Prob) && d.Prob == 0 && d.Hold.Kind != NoDist {
		bad("Duplicate.Hold", "has no effect: Duplicate.Prob is 0")
	}
	if err := d.Hold.Validate(); err != nil {
		ps = append(ps, prefixed("Duplicate.Hold", err)...)
	} else if d.Hold.Kind != NoDist {
		if lo := d.Hold.lowest(); lo < 0 {
			bad("Duplicate.Hold", "can draw a negative hold (%v): a copy cannot leave before its original", lo)
		}
	}
	prob("Corrupt", c.Corrupt)

	// Outages.
	for i, o := range c.Outages {
		if o.At < 0 {
			bad(fmt.Sprintf("Outages[%d].At", i), "must not be negative: it counts from the start of the run (got %v)", o.At)
		}
		if o.For <= 0 {
			bad(fmt.Sprintf("Outages[%d].For", i), "must be positive (got %v)", o.For)
		}
	}
	if ps == nil {
		return nil
	}
	return ps
}

// maxRate bounds Rate so that serialization arithmetic cannot overflow: a
// 64 KiB packet at 1 bit/s takes 5·10^14 ns, far from the int64 limit, and
// at 10^15 bit/s a byte still takes 8·10^-6 ns (carried, not rounded away).
const maxRate = 1e15

// outageSpans returns c's outages as sorted, merged [start, end) spans.
func (c Config) outageSpans() []span {
	s := make([]span, 0, len(c.Outages))
	for _, o := range c.Outages {
		start := engine.FromDuration(o.At)
		s = append(s, span{start, start.Add(o.For)})
	}
	slices.SortFunc(s, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	merged := s[:0]
	for _, x := range s {
		if n := len(merged); n > 0 && x.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, x.end)
			continue
		}
		merged = append(merged, x)
	}
	return merged
}
