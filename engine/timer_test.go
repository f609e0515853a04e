package engine

import (
	"slices"
	"testing"
	"time"
)

func TestTimer(t *testing.T) {
	// Each step happens at a simulated time; the timer's firings are recorded.
	type step struct {
		at time.Duration
		do func(tm *Timer) // at that time
	}
	reset := func(d time.Duration) func(*Timer) { return func(tm *Timer) { tm.Reset(d) } }
	stop := func(tm *Timer) { tm.Stop() }
	tests := []struct {
		name  string
		steps []step
		want  []Time
	}{
		{"fires once", []step{{0, reset(10)}}, []Time{10}},
		{"stop before firing", []step{{0, reset(10)}, {5, stop}}, nil},
		{"reset later", []step{{0, reset(10)}, {5, reset(10)}}, []Time{15}},
		{"reset earlier", []step{{0, reset(100)}, {5, reset(10)}}, []Time{15}},
		{"reset after firing", []step{{0, reset(10)}, {20, reset(10)}}, []Time{10, 30}},
		{"stop after firing", []step{{0, reset(10)}, {20, stop}}, []Time{10}},
		{"stop then reset", []step{{0, reset(10)}, {5, stop}, {6, reset(10)}}, []Time{16}},
		{"reset to zero", []step{{0, reset(10)}, {5, reset(0)}}, []Time{5}},
		{"many resets, earlier and later", []step{
			{0, reset(50)}, {1, reset(5)}, {2, reset(80)}, {3, reset(1)},
		}, []Time{4}},
		{"reset at the old deadline", []step{{0, reset(10)}, {10, reset(10)}}, []Time{20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			var fired []Time
			tm := s.NewTimer(func(now Time) { fired = append(fired, now) })
			for _, st := range tt.steps {
				st := st
				// Steps are scheduled before the timer's own events at the
				// same time, so they run first.
				s.Schedule(Time(st.at), s.Register(HandlerFunc(func(Time, uint64) { st.do(tm) })), 0)
			}
			s.Run()
			if !slices.Equal(fired, tt.want) {
				t.Errorf("fired at %v, want %v", fired, tt.want)
			}
			if tm.Armed() {
				t.Errorf("timer still armed after the run")
			}
		})
	}
}

func TestTimerStopReportsArmed(t *testing.T) {
	s := New()
	tm := s.NewTimer(func(Time) {})
	if tm.Stop() {
		t.Error("Stop() on a new timer = true, want false")
	}
	tm.Reset(time.Second)
	if d := tm.Deadline(); d != Time(time.Second) {
		t.Errorf("Deadline() = %v, want 1s", d)
	}
	if !tm.Stop() {
		t.Error("Stop() on an armed timer = false, want true")
	}
	if d := tm.Deadline(); d != Never {
		t.Errorf("Deadline() after Stop = %v, want never", d)
	}
}

// TestTimerResetKeepsQueueSmall re-arms one timer a million times, as TCP
// does with its retransmission timer, and checks the queue does not grow.
func TestTimerResetKeepsQueueSmall(t *testing.T) {
	s := New()
	fires := 0
	tm := s.NewTimer(func(Time) { fires++ })
	var tick HandlerID
	n := 0
	maxPending := 0
	tick = s.Register(HandlerFunc(func(now Time, _ uint64) {
		tm.Reset(200 * time.Millisecond)
		if n%3 == 0 {
			tm.Stop()
			tm.Reset(300 * time.Millisecond)
		}
		maxPending = max(maxPending, s.Pending())
		n++
		if n < 1_000_000 {
			s.After(time.Microsecond, tick, 0)
		}
	}))
	s.Schedule(0, tick, 0)
	s.Run()
	if n != 1_000_000 {
		t.Fatalf("ran %d ticks, want 10^6", n)
	}
	// One timer event plus the next tick.
	if maxPending > 2 {
		t.Errorf("queue reached %d events, want at most 2", maxPending)
	}
	if fires != 1 {
		t.Errorf("timer fired %d times, want once (after the last reset)", fires)
	}
}

// The queue drops the events of re-armed-earlier and released timers as it
// moves them, long before they are due: such events are neither run nor
// counted as executed, and the clock never visits their times. A run whose
// only pending events are stale ends as drained, at its limit. (A bucket of
// events at one time moves whole, unread: its stale events are dropped only
// when they come due, as before.)
func TestStaleTimerEventsDiscarded(t *testing.T) {
	const n = 1000 // enough that the stale events fill several chunks of the queue
	s := New()
	var fired []Time
	var timers [n]*Timer
	for i := range timers {
		timers[i] = s.NewTimer(func(now Time) { fired = append(fired, now) })
		timers[i].ResetAt(Time(time.Hour) + Time(i)) // far: these events are left stale
	}
	for i, tm := range timers {
		if i%2 == 0 {
			tm.ResetAt(Time(time.Duration(i+1) * time.Millisecond)) // earlier: a new event
		} else {
			tm.Release()
		}
	}
	if got := s.Pending(); got != n+n/2 {
		t.Fatalf("%d events pending, want %d", got, n+n/2)
	}
	reason := s.RunUntil(Time(2 * time.Hour))
	if reason != Drained || s.Now() != Time(2*time.Hour) {
		t.Errorf("run ended %v at %v, want drained at the 2 h limit", reason, s.Now())
	}
	if len(fired) != n/2 || fired[n/2-1] != Time(999*time.Millisecond) {
		t.Fatalf("%d firings %v; want %d, the last at 999 ms", len(fired), fired, n/2)
	}
	if s.Discarded() != n {
		t.Errorf("%d stale events discarded, want all %d", s.Discarded(), n)
	}
	if s.Executed() != n/2 {
		t.Errorf("%d events executed, want the %d firings only", s.Executed(), n/2)
	}
}
