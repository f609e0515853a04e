package engine

import "time"

// Timer calls a function once at a deadline, and can be stopped and re-armed
// any number of times. TCP re-arms its retransmission timer on nearly every
// ACK, so Reset and Stop are O(1) and do not let the queue grow:
//
//   - A timer has at most one live event in the queue. Re-arming to a later
//     deadline leaves that event in place; when it comes due it sees the later
//     deadline and re-queues itself there (one extra event per deadline, not
//     per Reset).
//   - Re-arming to an earlier deadline queues a new event and bumps the
//     timer's generation, so the old event is discarded when it comes due.
//   - Stop only clears the armed flag; the queued event is discarded when due.
//
// So a timer reset a million times to ever-later deadlines keeps one event
// queued, and a stopped timer costs one stale event until its old deadline.
// The queue drops a superseded or released timer's event as soon as it
// moves it, usually long before its time.
//
// A Timer holds a slot in its Sim's timer table from Init until Release.
// Objects that come and go by the million (TCBs) embed their Timers and
// Release them when they die, so slots are recycled.
type Timer struct {
	sim      *Sim
	fn       func(now Time)
	deadline Time
	queuedAt Time
	slot     uint32
	armed    bool
	queued   bool
}

// timerTable maps slots to live timers. Each slot has a generation that
// grows with every re-queue and every release, so an event left in the queue
// by a superseded deadline or a released timer never reaches a timer.
type timerTable struct {
	timers []*Timer
	gens   []uint32
	free   []uint32
}

func (tt *timerTable) acquire(t *Timer) uint32 {
	if n := len(tt.free); n > 0 {
		slot := tt.free[n-1]
		tt.free = tt.free[:n-1]
		tt.timers[slot] = t
		return slot
	}
	tt.timers = append(tt.timers, t)
	tt.gens = append(tt.gens, 0)
	return uint32(len(tt.timers) - 1)
}

// stale reports whether the timer event with argument arg (slot<<32 |
// generation) was superseded by an earlier re-arm or by a release.
func (tt *timerTable) stale(arg uint64) bool {
	return tt.gens[uint32(arg>>32)] != uint32(arg)
}

// HandleEvent dispatches a timer event; arg is slot<<32 | generation.
func (tt *timerTable) HandleEvent(now Time, arg uint64) {
	if tt.stale(arg) {
		return // superseded by an earlier re-arm, or released
	}
	tt.timers[uint32(arg>>32)].due(now)
}

// NewTimer returns a stopped timer that will call fn when it fires.
func (s *Sim) NewTimer(fn func(now Time)) *Timer {
	t := &Timer{}
	t.Init(s, fn)
	return t
}

// Init prepares a Timer value embedded in a larger struct, equivalent to
// NewTimer without the separate allocation. fn runs at each firing, as an
// ordinary event; create it once (a method value allocates).
func (t *Timer) Init(s *Sim, fn func(now Time)) {
	*t = Timer{sim: s, fn: fn}
	t.slot = s.timers.acquire(t)
}

// Release stops the timer for good and returns its slot to the Sim. The
// Timer must not be used again unless Init is called anew.
func (t *Timer) Release() {
	tt := &t.sim.timers
	tt.gens[t.slot]++
	tt.timers[t.slot] = nil
	tt.free = append(tt.free, t.slot)
	*t = Timer{}
}

// Reset arms the timer to fire d from now, replacing any earlier deadline.
func (t *Timer) Reset(d time.Duration) { t.ResetAt(t.sim.now.Add(d)) }

// ResetAt arms the timer to fire at the given time, which must not be in the
// past.
func (t *Timer) ResetAt(at Time) {
	if at < t.sim.now {
		panic(&PastEventError{Now: t.sim.now, At: at})
	}
	t.deadline = at
	t.armed = true
	if t.queued && t.queuedAt <= at {
		return // the queued event will re-queue itself at the new deadline
	}
	t.sim.timers.gens[t.slot]++
	t.enqueue(at)
}

func (t *Timer) enqueue(at Time) {
	t.queued = true
	t.queuedAt = at
	t.sim.Schedule(at, timerHandler, uint64(t.slot)<<32|uint64(t.sim.timers.gens[t.slot]))
}

// Stop disarms the timer. It reports whether the timer was armed.
func (t *Timer) Stop() bool {
	was := t.armed
	t.armed = false
	return was
}

// Armed reports whether the timer will fire.
func (t *Timer) Armed() bool { return t.armed }

// Deadline returns when the timer will fire, or Never if it is stopped.
func (t *Timer) Deadline() Time {
	if !t.armed {
		return Never
	}
	return t.deadline
}

// due is the timer's live queued event coming due.
func (t *Timer) due(now Time) {
	t.queued = false
	if !t.armed {
		return
	}
	if t.deadline > now {
		t.enqueue(t.deadline)
		return
	}
	t.armed = false
	t.fn(now)
}
