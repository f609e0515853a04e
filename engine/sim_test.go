package engine

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// recorder is a Handler that appends the arguments of the events it handles.
type recorder struct {
	got  []uint64
	when []Time
}

func (r *recorder) HandleEvent(now Time, arg uint64) {
	r.got = append(r.got, arg)
	r.when = append(r.when, now)
}

func TestTieOrderIsFIFO(t *testing.T) {
	tests := []struct {
		name  string
		times []Time // event i is scheduled at times[i] with arg i
		want  []uint64
	}{
		{"all same time", []Time{5, 5, 5, 5}, []uint64{0, 1, 2, 3}},
		{"interleaved", []Time{7, 3, 7, 3, 5}, []uint64{1, 3, 4, 0, 2}},
		{"at zero", []Time{0, 0, 1, 0}, []uint64{0, 1, 3, 2}},
		{"far apart", []Time{1 << 40, 1, 1 << 40, 1 << 20}, []uint64{1, 3, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			r := &recorder{}
			rid := s.Register(r)
			for i, at := range tt.times {
				s.Schedule(at, rid, uint64(i))
			}
			s.Run()
			if !slices.Equal(r.got, tt.want) {
				t.Errorf("order = %v, want %v", r.got, tt.want)
			}
		})
	}
}

// TestTieOrderAcrossRefills checks FIFO ties when equal-time events reach
// bucket 0 by different routes: some pushed early into a high bucket and
// pushed down, some pushed late directly.
func TestTieOrderAcrossRefills(t *testing.T) {
	s := New()
	r := &recorder{}
	rid := s.Register(r)
	s.Schedule(1000, rid, 0) // far bucket
	s.Schedule(1000, rid, 1)
	chain := s.Register(HandlerFunc(func(now Time, arg uint64) {
		// From time 999, schedule two more at 1000: they must run after 0 and 1.
		s.Schedule(1000, rid, 2)
		s.Schedule(1000, rid, 3)
	}))
	s.Schedule(999, chain, 0)
	s.Run()
	if want := []uint64{0, 1, 2, 3}; !slices.Equal(r.got, want) {
		t.Errorf("order = %v, want %v", r.got, want)
	}
}

// TestMatchesSortedReference is a property test: for random schedules,
// including events scheduled from inside handlers, the engine runs events in
// exactly the order of a stable sort by time.
func TestMatchesSortedReference(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := New()
		type ev struct {
			at  Time
			arg uint64
		}
		var ref []ev // in scheduling order
		var got []ev
		var next uint64
		var h HandlerID
		h = s.Register(HandlerFunc(func(now Time, arg uint64) {
			got = append(got, ev{now, arg})
			if rng.IntN(3) == 0 && next < 2000 {
				at := now + Time(rng.IntN(4)*rng.IntN(1<<uint(rng.IntN(30))))
				ref = append(ref, ev{at, next})
				s.Schedule(at, h, next)
				next++
			}
		}))
		for range 500 {
			at := Time(rng.IntN(1 << uint(rng.IntN(40))))
			ref = append(ref, ev{at, next})
			s.Schedule(at, h, next)
			next++
		}
		s.Run()
		want := slices.Clone(ref)
		slices.SortStableFunc(want, func(a, b ev) int {
			switch {
			case a.at < b.at:
				return -1
			case a.at > b.at:
				return 1
			}
			return 0
		})
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: %d events in wrong order; first few got %v want %v",
				seed, len(got), got[:min(5, len(got))], want[:min(5, len(want))])
		}
	}
}

func TestSchedulingInThePastPanics(t *testing.T) {
	tests := []struct {
		name string
		run  func(s *Sim)
	}{
		{"Schedule", func(s *Sim) { s.Schedule(s.Now()-1, s.Register(&recorder{}), 0) }},
		{"After negative", func(s *Sim) { s.After(-time.Nanosecond, s.Register(&recorder{}), 0) }},
		{"Timer.ResetAt", func(s *Sim) { s.NewTimer(func(Time) {}).ResetAt(s.Now() - 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			s.RunUntil(100) // the clock stands at 100
			defer func() {
				v := recover()
				var pe *PastEventError
				err, _ := v.(error)
				if !errors.As(err, &pe) {
					t.Fatalf("recovered %v, want *PastEventError", v)
				}
				if pe.Now != 100 || pe.At != 99 {
					t.Errorf("PastEventError = %+v, want Now 100 At 99", *pe)
				}
			}()
			tt.run(s)
		})
	}
}

func TestRunControl(t *testing.T) {
	tests := []struct {
		name       string
		run        func(s *Sim) StopReason
		wantReason StopReason
		wantNow    Time
		wantRun    []uint64
	}{
		{"until no events", func(s *Sim) StopReason { return s.Run() }, Drained, 30, []uint64{10, 20, 30}},
		{"until a time, inclusive", func(s *Sim) StopReason { return s.RunUntil(20) }, TimeLimit, 20, []uint64{10, 20}},
		{"until a time between events", func(s *Sim) StopReason { return s.RunUntil(25) }, TimeLimit, 25, []uint64{10, 20}},
		{"for a duration", func(s *Sim) StopReason { return s.RunFor(15) }, TimeLimit, 15, []uint64{10}},
		{"until past the last event", func(s *Sim) StopReason { return s.RunUntil(100) }, Drained, 100, []uint64{10, 20, 30}},
		{"event cap", func(s *Sim) StopReason { s.SetEventLimit(2); return s.Run() }, EventLimit, 20, []uint64{10, 20}},
		{"stop from a handler", func(s *Sim) StopReason {
			s.Schedule(20, s.Register(HandlerFunc(func(Time, uint64) { s.Stop() })), 0)
			return s.Run()
		}, Stopped, 20, []uint64{10, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			r := &recorder{}
			rid := s.Register(r)
			for _, at := range []Time{10, 20, 30} {
				s.Schedule(at, rid, uint64(at))
			}
			reason := tt.run(s)
			if reason != tt.wantReason {
				t.Errorf("reason = %v, want %v", reason, tt.wantReason)
			}
			if s.Now() != tt.wantNow {
				t.Errorf("Now() = %v, want %v", s.Now(), tt.wantNow)
			}
			if !slices.Equal(r.got, tt.wantRun) {
				t.Errorf("ran %v, want %v", r.got, tt.wantRun)
			}
		})
	}
}

func TestRunResumesAndCounts(t *testing.T) {
	s := New()
	r := &recorder{}
	rid := s.Register(r)
	for _, at := range []Time{10, 20, 30} {
		s.Schedule(at, rid, uint64(at))
	}
	s.RunUntil(15)
	// Schedule between the clock (15) and the earliest queued event (20): the
	// queue has already advanced past 15 internally and must re-base.
	s.Schedule(17, rid, 17)
	s.Schedule(15, rid, 15)
	if got := s.Run(); got != Drained {
		t.Fatalf("Run() = %v, want drained", got)
	}
	if want := []uint64{10, 15, 17, 20, 30}; !slices.Equal(r.got, want) {
		t.Errorf("ran %v, want %v", r.got, want)
	}
	if s.Executed() != 5 {
		t.Errorf("Executed() = %d, want 5", s.Executed())
	}
	if s.Pending() != 0 {
		t.Errorf("Pending() = %d, want 0", s.Pending())
	}
}

func TestEventTimeIsNow(t *testing.T) {
	s := New()
	var bad int
	var h HandlerID
	h = s.Register(HandlerFunc(func(now Time, arg uint64) {
		if now != s.Now() {
			bad++
		}
		if arg > 0 {
			s.After(time.Duration(arg), h, arg-1)
		}
	}))
	s.Schedule(3, h, 64)
	s.Run()
	if bad != 0 {
		t.Errorf("%d events saw now != Now()", bad)
	}
	if want := Time(3 + 64*65/2); s.Now() != want {
		t.Errorf("final time %v, want %v", s.Now(), want)
	}
}
