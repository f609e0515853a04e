package plots

import (
	"container/heap"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// mcEvent is an event of the Monte-Carlo handshake below.
type mcEvent struct {
	t    time.Duration
	prio int // at equal t, lower first: give-ups before arrivals
	seq  int
	kind int
	n    int // SYN or SYN-ACK index
	ep   int // server episode
}

const (
	evClientSend = iota
	evClientGiveUp
	evSynArrive
	evSynAckSend
	evSynAckArrive
	evServerGiveUp
)

type mcQueue []mcEvent

func (q mcQueue) Len() int { return len(q) }
func (q mcQueue) Less(i, j int) bool {
	if q[i].t != q[j].t {
		return q[i].t < q[j].t
	}
	if q[i].prio != q[j].prio {
		return q[i].prio < q[j].prio
	}
	return q[i].seq < q[j].seq
}
func (q mcQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *mcQueue) Push(x any)   { *q = append(*q, x.(mcEvent)) }
func (q *mcQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simulateHandshake runs one handshake of the model HandshakeModel
// describes, event by event, and returns whether the client was established
// and when.
func simulateHandshake(m HandshakeModel, rng *rand.Rand) (bool, time.Duration) {
	rto := func(i int) time.Duration {
		t := m.RTO
		for ; i > 0; i-- {
			t *= 2
		}
		if m.MaxRTO > 0 && t > m.MaxRTO {
			t = m.MaxRTO
		}
		return t
	}
	var q mcQueue
	seq := 0
	push := func(e mcEvent) {
		e.seq = seq
		seq++
		switch e.kind {
		case evClientGiveUp, evServerGiveUp:
			e.prio = 0
		default:
			e.prio = 1
		}
		heap.Push(&q, e)
	}
	episode := 0 // 0: server listening; otherwise the current episode
	episodes := 0
	push(mcEvent{t: 0, kind: evClientSend, n: 0})
	for q.Len() > 0 {
		e := heap.Pop(&q).(mcEvent)
		switch e.kind {
		case evClientSend:
			if rng.Float64() >= m.LossForward {
				push(mcEvent{t: e.t + m.Delay, kind: evSynArrive})
			}
			if e.n < m.ClientRetries {
				push(mcEvent{t: e.t + rto(e.n), kind: evClientSend, n: e.n + 1})
			} else {
				push(mcEvent{t: e.t + rto(e.n), kind: evClientGiveUp})
			}
		case evClientGiveUp:
			return false, 0
		case evSynArrive:
			if episode == 0 { // LISTEN → SYN-RECEIVED
				episodes++
				episode = episodes
				push(mcEvent{t: e.t, kind: evSynAckSend, n: 0, ep: episode})
			} // else: a copy in SYN-RECEIVED gets a bare ACK the client drops
		case evSynAckSend:
			if e.ep != episode {
				continue
			}
			if rng.Float64() >= m.LossReverse {
				push(mcEvent{t: e.t + m.Delay, kind: evSynAckArrive})
			}
			if e.n < m.ServerRetries {
				push(mcEvent{t: e.t + rto(e.n), kind: evSynAckSend, n: e.n + 1, ep: e.ep})
			} else {
				push(mcEvent{t: e.t + rto(e.n), kind: evServerGiveUp, ep: e.ep})
			}
		case evServerGiveUp:
			if e.ep == episode {
				episode = 0
			}
		case evSynAckArrive:
			return true, e.t
		}
	}
	panic("handshake simulation ran out of events")
}

func TestHandshakeModelMatchesMonteCarlo(t *testing.T) {
	const trials = 100_000
	tests := []struct {
		name string
		m    HandshakeModel
	}{
		{"light loss", HandshakeModel{LossForward: 0.1, LossReverse: 0.1, RTO: time.Second, ClientRetries: 3, ServerRetries: 3, Delay: 50 * time.Millisecond}},
		{"heavy loss, server gives up first", HandshakeModel{LossForward: 0.3, LossReverse: 0.5, RTO: time.Second, ClientRetries: 6, ServerRetries: 2, Delay: 20 * time.Millisecond}},
		{"asymmetric, capped RTO, long delay", HandshakeModel{LossForward: 0.5, LossReverse: 0.2, RTO: 200 * time.Millisecond, MaxRTO: 600 * time.Millisecond, ClientRetries: 4, ServerRetries: 5, Delay: 400 * time.Millisecond}},
		{"SYN arrives as server gives up", HandshakeModel{LossForward: 0.4, LossReverse: 0.6, RTO: time.Second, ClientRetries: 4, ServerRetries: 1, Delay: 0}},
		{"deadline binds", HandshakeModel{LossForward: 0.6, LossReverse: 0.6, RTO: time.Second, ClientRetries: 2, ServerRetries: 4, Delay: 300 * time.Millisecond}},
		{"no retries", HandshakeModel{LossForward: 0.2, LossReverse: 0.2, RTO: time.Second, Delay: 10 * time.Millisecond}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.m.Solve()
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, uint64(i)))
			var ok int
			var sum, sum2 float64
			for range trials {
				if s, at := simulateHandshake(tt.m, rng); s {
					ok++
					x := at.Seconds()
					sum += x
					sum2 += x * x
				}
			}
			p := float64(ok) / trials
			seP := math.Sqrt(got.Success*(1-got.Success)/trials) + 1e-12
			if d := math.Abs(p - got.Success); d > 4.5*seP {
				t.Errorf("Success = %.5f, Monte-Carlo %.5f (|diff| %.5f > 4.5 SE %.5f)", got.Success, p, d, 4.5*seP)
			}
			mean := sum / float64(ok)
			sd := math.Sqrt(math.Max(sum2/float64(ok)-mean*mean, 0))
			seT := sd/math.Sqrt(float64(ok)) + 1e-12
			if d := math.Abs(mean - got.MeanTime); d > 4.5*seT {
				t.Errorf("MeanTime = %.5f s, Monte-Carlo %.5f s (|diff| %.5f > 4.5 SE %.5f)", got.MeanTime, mean, d, 4.5*seT)
			}
		})
	}
}

func TestHandshakeModelExactCases(t *testing.T) {
	base := HandshakeModel{RTO: time.Second, ClientRetries: 5, ServerRetries: 5, Delay: 30 * time.Millisecond}
	tests := []struct {
		name        string
		pf, pr      float64
		wantSuccess float64
		wantMean    float64 // NaN: undefined
	}{
		{"no loss: one round trip", 0, 0, 1, 0.060},
		{"all SYNs lost", 1, 0, 0, math.NaN()},
		{"all SYN-ACKs lost", 0, 1, 0, math.NaN()},
	}
	for _, tt := range tests {
		m := base
		m.LossForward, m.LossReverse = tt.pf, tt.pr
		got, err := m.Solve()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if math.Abs(got.Success-tt.wantSuccess) > 1e-12 {
			t.Errorf("%s: Success = %v, want %v", tt.name, got.Success, tt.wantSuccess)
		}
		if math.IsNaN(tt.wantMean) != math.IsNaN(got.MeanTime) || (!math.IsNaN(tt.wantMean) && math.Abs(got.MeanTime-tt.wantMean) > 1e-12) {
			t.Errorf("%s: MeanTime = %v, want %v", tt.name, got.MeanTime, tt.wantMean)
		}
	}
}

// TestHandshakeModelSmallLoss checks the closed form quoted in the doc
// comment where neither deadline binds to first order in p.
func TestHandshakeModelSmallLoss(t *testing.T) {
	m := HandshakeModel{LossForward: 1e-4, LossReverse: 2e-4, RTO: time.Second, ClientRetries: 6, ServerRetries: 6, Delay: 25 * time.Millisecond}
	want := 0.050 + 1*(m.LossForward+m.LossReverse)
	if got := m.MeanTime(); math.Abs(got-want) > 1e-6 {
		t.Errorf("MeanTime = %.9f, want about %.9f", got, want)
	}
}

func TestHandshakeModelValidation(t *testing.T) {
	ok := HandshakeModel{LossForward: 0.1, LossReverse: 0.1, RTO: time.Second, ClientRetries: 3, ServerRetries: 3, Delay: time.Millisecond}
	tests := []struct {
		name string
		mod  func(*HandshakeModel)
	}{
		{"loss above 1", func(m *HandshakeModel) { m.LossForward = 1.5 }},
		{"NaN loss", func(m *HandshakeModel) { m.LossReverse = math.NaN() }},
		{"zero RTO", func(m *HandshakeModel) { m.RTO = 0 }},
		{"negative retries", func(m *HandshakeModel) { m.ClientRetries = -1 }},
		{"too many retries", func(m *HandshakeModel) { m.ServerRetries = 31 }},
		{"negative delay", func(m *HandshakeModel) { m.Delay = -time.Millisecond }},
		{"overflow", func(m *HandshakeModel) { m.RTO = time.Hour; m.ClientRetries = 30 }},
	}
	for _, tt := range tests {
		m := ok
		tt.mod(&m)
		if _, err := m.Solve(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Solve() error = %v, want ErrInvalid", tt.name, err)
		}
		if got := m.MeanTime(); !math.IsNaN(got) {
			t.Errorf("%s: MeanTime() = %v, want NaN", tt.name, got)
		}
	}
}
