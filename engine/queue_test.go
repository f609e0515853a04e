package engine

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// refEvent is an event as the reference queue sees it.
type refEvent struct {
	at  Time
	seq uint64 // push order
	h   HandlerID
	arg uint64
}

// refQueue is the reference the radix queue must agree with: the pending
// events sorted by (time, push order), kept sorted by insertion.
type refQueue []refEvent

func (r *refQueue) push(e refEvent) {
	i, _ := slices.BinarySearchFunc(*r, e, func(a, b refEvent) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
	})
	*r = slices.Insert(*r, i, e)
}

func (r *refQueue) pop() refEvent {
	e := (*r)[0]
	*r = (*r)[1:]
	return e
}

// gapProfiles are the distributions of the distance from now to a new event
// in TestQueueMatchesReference: ties, the µs spacing of a busy link, timers
// hours away, and all scales at once.
var gapProfiles = []struct {
	name string
	gap  func(rng *rand.Rand) time.Duration
}{
	{"many equal times", func(rng *rand.Rand) time.Duration {
		return []time.Duration{0, 0, 0, 1, 1000, time.Millisecond}[rng.IntN(6)]
	}},
	{"µs apart", func(rng *rand.Rand) time.Duration {
		return time.Duration(rng.ExpFloat64() * 1000)
	}},
	{"hours apart", func(rng *rand.Rand) time.Duration {
		return time.Duration(rng.Int64N(int64(10 * time.Hour)))
	}},
	{"hours apart with ties", func(rng *rand.Rand) time.Duration {
		return time.Duration(rng.IntN(3)) * time.Hour
	}},
	{"all scales", func(rng *rand.Rand) time.Duration {
		return time.Duration(rng.Int64N(1 << rng.IntN(47)))
	}},
}

// TestQueueMatchesReference is a property test: over random schedules, the
// Sim pops exactly the (time, handler, arg) sequence of a reference sorted by
// (time, push order). Events are scheduled in batches from outside (some
// large enough to fill several chunks of one bucket) and from inside
// handlers, and runs stop at time limits and event limits, so that
// scheduling after a time limit re-bases the queue.
func TestQueueMatchesReference(t *testing.T) {
	for _, p := range gapProfiles {
		t.Run(p.name, func(t *testing.T) {
			rebases := 0
			for seed := range uint64(20) {
				rebases += checkAgainstReference(t, seed, p.gap)
			}
			if rebases == 0 {
				t.Errorf("no schedule re-based the queue")
			}
		})
	}
}

// checkAgainstReference runs one random schedule and returns how many times
// the queue was re-based.
func checkAgainstReference(t *testing.T, seed uint64, gap func(*rand.Rand) time.Duration) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	s := New()
	var ref refQueue
	var seq uint64
	rebases := 0
	schedule := func(at Time, h HandlerID) {
		if s.q.n > 0 && at < s.q.last {
			rebases++
		}
		seq++
		ref.push(refEvent{at: at, seq: seq, h: h, arg: seq})
		s.Schedule(at, h, seq)
	}
	var hs [3]HandlerID
	for i := range hs {
		hs[i] = s.Register(HandlerFunc(func(now Time, arg uint64) {
			if len(ref) == 0 {
				t.Fatalf("seed %d: ran (%v, %d, %d) with the reference empty", seed, now, hs[i], arg)
			}
			want := ref.pop()
			if now != want.at || hs[i] != want.h || arg != want.arg {
				t.Fatalf("seed %d: ran (%v, %d, %d), want (%v, %d, %d)",
					seed, now, hs[i], arg, want.at, want.h, want.arg)
			}
			for range []int{0, 0, 1, 1, 2}[rng.IntN(5)] { // 0.8 on average: the population dies out
				schedule(now.Add(gap(rng)), hs[rng.IntN(len(hs))])
			}
		}))
	}
	for range 100 {
		batch := rng.IntN(20)
		if rng.IntN(10) == 0 {
			batch = 300
		}
		for range batch {
			schedule(s.Now().Add(gap(rng)), hs[rng.IntN(len(hs))])
		}
		switch rng.IntN(3) {
		case 0:
			s.RunUntil(s.Now().Add(gap(rng)))
		case 1:
			s.SetEventLimit(s.Executed() + uint64(rng.IntN(100)))
			s.Run()
			s.SetEventLimit(0)
		case 2:
			s.RunUntil(s.Now().Add(gap(rng) / 10))
		}
		if len(ref) > 20_000 { // keep the population bounded
			s.SetEventLimit(s.Executed() + uint64(len(ref)/2))
			s.Run()
			s.SetEventLimit(0)
		}
	}
	s.SetEventLimit(s.Executed() + 200_000)
	if r := s.Run(); r != Drained {
		t.Fatalf("seed %d: final run stopped by %v", seed, r)
	}
	if len(ref) != 0 || s.Pending() != 0 {
		t.Fatalf("seed %d: drained with %d events left in the reference, %d pending", seed, len(ref), s.Pending())
	}
	return rebases
}

// TestQueueSteadyStateAllocatesNothing checks the hold model (BenchmarkHold)
// once the queue's arena has grown to its working size: popping an event and
// pushing its successor allocates nothing.
func TestQueueSteadyStateAllocatesNothing(t *testing.T) {
	s := newHolder(10_000, time.Microsecond).sim
	s.SetEventLimit(200_000)
	s.Run()
	if a := testing.AllocsPerRun(100, func() {
		s.SetEventLimit(s.Executed() + 1000)
		s.Run()
	}); a != 0 {
		t.Errorf("1000 events allocate %v times, want 0", a)
	}
}

// TestRebaseDropsPoppedEvents re-bases the queue while bucket 0's first chunk
// still holds popped events: they must not come back.
func TestRebaseDropsPoppedEvents(t *testing.T) {
	var q radixQueue
	q.init()
	for i := range uint64(5) {
		q.push(event{at: 100, arg: i})
	}
	for range 2 {
		q.front()
		q.drop()
	}
	q.rebase(50)
	q.push(event{at: 60, arg: 5})
	var got []uint64
	for q.n > 0 {
		got = append(got, q.front().arg)
		q.drop()
	}
	if want := []uint64{5, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("popped %v, want %v", got, want)
	}
}
