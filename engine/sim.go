package engine

import (
	"fmt"
	"time"
)

// Handler is called when an event it was scheduled with comes due. now is the
// event's time, which is also the simulation's current time.
type Handler interface {
	HandleEvent(now Time, arg uint64)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(now Time, arg uint64)

// HandleEvent calls f(now, arg).
func (f HandlerFunc) HandleEvent(now Time, arg uint64) { f(now, arg) }

// HandlerID names a Handler registered with a Sim. Events carry the ID rather
// than the handler itself so that the queue holds no pointers.
type HandlerID uint32

// timerHandler is the ID reserved for the Sim's timer dispatcher.
const timerHandler HandlerID = 0

// StopReason says why a call to Run, RunUntil or RunFor returned.
type StopReason uint8

// The reasons a run returns.
const (
	// Drained: no events remain.
	Drained StopReason = iota
	// TimeLimit: the next event lies beyond the time limit; the clock stands
	// at the limit.
	TimeLimit
	// EventLimit: the cap on executed events was reached.
	EventLimit
	// Stopped: a handler called Stop.
	Stopped
)

func (r StopReason) String() string {
	switch r {
	case Drained:
		return "drained"
	case TimeLimit:
		return "time limit"
	case EventLimit:
		return "event limit"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("StopReason(%d)", uint8(r))
}

// PastEventError is the panic value when an event is scheduled before the
// current time. That is a bug in the caller, never a user's mistake, so it is
// a broken invariant rather than a returned error.
type PastEventError struct {
	Now, At Time
}

func (e *PastEventError) Error() string {
	return fmt.Sprintf("engine: event scheduled in the past: at %v, now %v", e.At, e.Now)
}

// Sim is one simulation: a clock, the registered handlers and the events
// waiting to run. The zero value is not usable; call New.
type Sim struct {
	now       Time
	executed  uint64
	maxEvents uint64
	stop      bool
	q         radixQueue
	handlers  []Handler
	timers    timerTable
}

// New returns a simulation at time zero with no events.
func New() *Sim {
	s := &Sim{}
	s.q.init()
	s.q.timers = &s.timers
	s.handlers = []Handler{timerHandler: &s.timers}
	return s
}

// Register adds h to the simulation's handlers and returns the ID to schedule
// it with. Register long-lived components once (a link, a host, a workload);
// short-lived ones should use Timers, whose slots are recycled.
func (s *Sim) Register(h Handler) HandlerID {
	s.handlers = append(s.handlers, h)
	return HandlerID(len(s.handlers) - 1)
}

// Now returns the current simulated time.
func (s *Sim) Now() Time { return s.now }

// Pending returns the number of queued events, including stale timer events
// not yet discarded.
func (s *Sim) Pending() int { return s.q.n }

// Executed returns the number of events run so far: events popped and
// dispatched, including stale timer events that reached the front of the
// queue, but not those the queue discarded earlier (see Discarded).
func (s *Sim) Executed() uint64 { return s.executed }

// Discarded returns the number of stale timer events (their timer re-armed
// earlier, or released) the queue dropped before they came due.
func (s *Sim) Discarded() uint64 { return s.q.discarded }

// SetEventLimit caps the total number of events executed; 0 means no cap.
func (s *Sim) SetEventLimit(n uint64) { s.maxEvents = n }

// Stop makes the running Run, RunUntil or RunFor return after the current
// event, with reason Stopped.
func (s *Sim) Stop() { s.stop = true }

// Schedule arranges for the handler registered as h to get arg at time at.
// Events at the same time run in the order they were scheduled. It panics
// with a *PastEventError if at is before Now, and if h was never registered.
func (s *Sim) Schedule(at Time, h HandlerID, arg uint64) {
	if at < s.now {
		panic(&PastEventError{Now: s.now, At: at})
	}
	if int(h) >= len(s.handlers) {
		panic(fmt.Sprintf("engine: schedule of unregistered handler %d", h))
	}
	if s.q.n == 0 {
		s.q.last = s.now
	} else if at < s.q.last {
		s.q.rebase(at)
	}
	s.q.push(event{at: at, arg: arg, h: h})
}

// After schedules the handler registered as h at Now()+d; d must not be
// negative.
func (s *Sim) After(d time.Duration, h HandlerID, arg uint64) {
	s.Schedule(s.now.Add(d), h, arg)
}

// Run executes events until none remain, the event cap is reached, or a
// handler calls Stop.
func (s *Sim) Run() StopReason { return s.RunUntil(Never) }

// RunFor runs for d of simulated time from Now; see RunUntil.
func (s *Sim) RunFor(d time.Duration) StopReason { return s.RunUntil(s.now.Add(d)) }

// RunUntil executes events whose time is at or before limit. If it returns
// TimeLimit, or Drained with a finite limit, the clock is left at limit, so a
// later call continues from there.
func (s *Sim) RunUntil(limit Time) StopReason {
	s.stop = false
	for {
		e := s.q.front()
		if e == nil {
			if limit != Never && limit > s.now {
				s.now = limit
			}
			return Drained
		}
		if s.maxEvents != 0 && s.executed >= s.maxEvents {
			return EventLimit
		}
		if e.at > limit {
			s.now = limit
			return TimeLimit
		}
		at, h, arg := e.at, e.h, e.arg
		s.q.drop()
		s.now = at
		s.executed++
		s.handlers[h].HandleEvent(at, arg)
		if s.stop {
			s.stop = false
			return Stopped
		}
	}
}
