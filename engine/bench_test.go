package engine

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// holdSizes are the pending-event counts of the hold-model benchmarks.
var holdSizes = []int{1_000, 100_000, 1_000_000}

// holder is the hold model's only handler: every event it handles schedules
// one more at now + Exp(mean), so the number pending stays constant.
type holder struct {
	sim  *Sim
	id   HandlerID
	rng  *rand.Rand
	mean time.Duration
}

// newHolder returns a Sim holding n events of the hold model.
func newHolder(n int, mean time.Duration) *holder {
	s := New()
	h := &holder{sim: s, rng: rand.New(rand.NewPCG(1, 2)), mean: mean}
	h.id = s.Register(h)
	for range n {
		s.Schedule(h.next(0), h.id, 0)
	}
	return h
}

func (h *holder) next(now Time) Time {
	return now + Time(h.rng.ExpFloat64()*float64(h.mean))
}

func (h *holder) HandleEvent(now Time, _ uint64) {
	h.sim.Schedule(h.next(now), h.id, 0)
}

// holdRun runs the hold model under b in steps of 1000 events and reports
// ns/event.
func holdRun(b *testing.B, s *Sim) float64 {
	iters := 0
	for b.Loop() {
		s.SetEventLimit(s.Executed() + 1000)
		s.Run()
		iters++
	}
	perEvent := float64(b.Elapsed().Nanoseconds()) / float64(iters*1000)
	b.ReportMetric(perEvent, "ns/event")
	return perEvent
}

// BenchmarkHold measures one event of the classic hold model through the full
// Sim dispatch loop, and reports the speed-up over the container/heap
// baseline (BenchmarkHoldHeap) measured in the same process.
func BenchmarkHold(b *testing.B) {
	for _, n := range holdSizes {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			perEvent := holdRun(b, newHolder(n, time.Microsecond).sim)
			base := heapBaseline(n)
			b.ReportMetric(base/perEvent, "x-faster-than-heap")
		})
	}
}

// BenchmarkHoldSparse is the hold model with a mean delay of 10 ms, a link's
// delay, instead of 1 µs: with 1000 pending, events are about 10 µs apart, so
// most refills find a bucket of one event, as in whole runs (BenchmarkScale in
// experiments).
func BenchmarkHoldSparse(b *testing.B) {
	for _, n := range holdSizes[:2] {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			holdRun(b, newHolder(n, 10*time.Millisecond).sim)
		})
	}
}

// BenchmarkHoldHeap is the baseline: a textbook container/heap of pointer
// events, one allocation per scheduled event.
func BenchmarkHoldHeap(b *testing.B) {
	for _, n := range holdSizes {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			b.ReportMetric(holdHeap(b, n), "ns/event")
		})
	}
}

var heapBaselines = map[int]float64{}

// heapBaseline returns the baseline's ns/event at n pending, measured once
// per process by timing 2·10^6 events with the wall clock. (testing.Benchmark
// cannot be nested inside a running benchmark.)
func heapBaseline(n int) float64 {
	if v, ok := heapBaselines[n]; ok {
		return v
	}
	const events = 2_000_000
	q, rng, seq := newHeapHold(n)
	start := time.Now()
	for range events {
		seq = heapHoldStep(q, rng, seq)
	}
	v := float64(time.Since(start).Nanoseconds()) / events
	heapBaselines[n] = v
	return v
}

type ptrEvent struct {
	at  Time
	seq uint64
	h   Handler
	arg uint64
}

type ptrHeap []*ptrEvent

func (p ptrHeap) Len() int { return len(p) }
func (p ptrHeap) Less(i, j int) bool {
	if p[i].at != p[j].at {
		return p[i].at < p[j].at
	}
	return p[i].seq < p[j].seq
}
func (p ptrHeap) Swap(i, j int)                 { p[i], p[j] = p[j], p[i] }
func (p *ptrHeap) Push(x any)                   { *p = append(*p, x.(*ptrEvent)) }
func (p *ptrHeap) Pop() any                     { old := *p; e := old[len(old)-1]; *p = old[:len(old)-1]; return e }
func (p *ptrHeap) schedule(at Time, seq uint64) { heap.Push(p, &ptrEvent{at: at, seq: seq}) }

// newHeapHold fills a baseline queue with n events.
func newHeapHold(n int) (*ptrHeap, *rand.Rand, uint64) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := &ptrHeap{}
	var seq uint64
	for range n {
		seq++
		q.schedule(Time(rng.ExpFloat64()*1000), seq)
	}
	return q, rng, seq
}

// heapHoldStep is one event of the hold model on the baseline queue: pop the
// earliest, call its handler, push a successor.
func heapHoldStep(q *ptrHeap, rng *rand.Rand, seq uint64) uint64 {
	e := heap.Pop(q).(*ptrEvent)
	if e.h != nil {
		e.h.HandleEvent(e.at, e.arg)
	}
	seq++
	q.schedule(e.at+Time(rng.ExpFloat64()*1000), seq)
	return seq
}

// holdHeap runs the hold model on the baseline queue and returns ns/event.
func holdHeap(b *testing.B, n int) float64 {
	q, rng, seq := newHeapHold(n)
	iters := 0
	for b.Loop() {
		for range 1000 {
			seq = heapHoldStep(q, rng, seq)
		}
		iters++
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(iters*1000)
}

// BenchmarkTimers arms 10^5 timers and re-arms each 100 times, always to a
// later deadline, before it fires: the pattern of TCP retransmission timers
// pushed back by ACKs. One op is a whole round; ns/reset divides by the
// 10^5·101 resets and firings in it.
func BenchmarkTimers(b *testing.B) {
	const nTimers = 100_000
	const resets = 100
	s := New()
	timers := make([]Timer, nTimers)
	fired := 0
	fire := func(Time) { fired++ }
	for i := range timers {
		timers[i].Init(s, fire)
	}
	count := make([]uint8, nTimers)
	// One event per "ACK": it re-arms timer arg and re-schedules itself until
	// that timer has been reset 100 times.
	var ack HandlerID
	ack = s.Register(HandlerFunc(func(now Time, arg uint64) {
		timers[arg].Reset(10 * time.Millisecond)
		count[arg]++
		if count[arg] < resets {
			s.After(time.Microsecond*time.Duration(1+arg%7), ack, arg)
		}
	}))
	round := func() {
		clear(count)
		for i := range nTimers {
			s.After(time.Duration(i), ack, uint64(i))
		}
		s.Run()
	}
	round() // warm up: the queue's arena and the timer table reach full size
	fired = 0
	ops := 0
	for b.Loop() {
		round()
		ops += nTimers * (resets + 1)
	}
	if fired != ops/(resets+1) {
		b.Fatalf("fired %d timers, want %d", fired, ops/(resets+1))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(ops), "ns/reset")
}
