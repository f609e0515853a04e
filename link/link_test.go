package link

import (
	"math"
	"testing"
	"time"

	"tcpsim/engine"
)

func TestPerfectLink(t *testing.T) {
	r := newRig(t, Config{}, 1).observe()
	r.sendEvery(3, 60, time.Second)
	for i, a := range r.rx.got {
		if a.p.id != i || a.at != engine.FromDuration(time.Duration(i)*time.Second) || a.corrupt {
			t.Errorf("arrival %d = %+v, want packet %d at %ds, intact", i, a, i, i)
		}
	}
	c := r.l.Counters()
	want := Counters{Offered: 3, OfferedBytes: 180, Delivered: 3, DeliveredBytes: 180}
	if c != want {
		t.Errorf("Counters = %+v, want %+v", c, want)
	}
	var fates []Fate
	for _, rec := range r.tr.recs {
		fates = append(fates, rec.Fate)
	}
	if len(fates) != 6 || fates[0] != Sent || fates[1] != Delivered {
		t.Errorf("fates %v, want sent, delivered three times", fates)
	}
}

// TestSerializationIsExact: k back-to-back packets of b bits at rate R leave
// at exactly ⌊k·b·10⁹/R⌋ ns, with no drift from rounding each packet.
func TestSerializationIsExact(t *testing.T) {
	tests := []struct {
		rate     int64
		size     int
		overhead int
	}{
		{3_000_000, 1000, 0}, // 8000 bits: 2666666.67 ns each
		{7, 1, 0},            // 8 bits at 7 bit/s
		{1_000_000_000, 1500, 38},
		{999_999_937, 41, 0},
	}
	for _, tt := range tests {
		r := newRig(t, Config{Rate: tt.rate, Overhead: tt.overhead}, 1)
		for range 1000 {
			r.l.Send(&pkt{size: tt.size})
		}
		r.sim.Run()
		bits := int64(tt.size+tt.overhead) * 8
		for k, a := range r.rx.got {
			want := engine.Time(int64(k+1) * bits * 1e9 / tt.rate)
			if a.at != want {
				t.Fatalf("rate %d, %d bits: packet %d arrived at %d ns, want %d", tt.rate, bits, k, a.at, want)
			}
		}
	}
}

// TestOverloadedLink: a 10 Mbit/s link gets 1250-byte packets (1 ms each on
// the wire) every 0.5 ms for 10 s, twice what it can carry, into a 50-packet
// FIFO. The run is deterministic, so the counts are exact: packet j admitted
// starts at j ms; at offer time t the packets waiting are those admitted
// with start > t, so the A-th packet is admitted iff A ≤ 50 + ⌊t⌋. At the
// last offer, t = 9999.5 ms, hence A = 10 050 admitted and 9 950 dropped;
// the link is never idle, so it moves exactly 10⁷ bit/s until the last
// packet leaves at 10.05 s.
func TestOverloadedLink(t *testing.T) {
	const n = 20_000
	r := newRig(t, Config{Rate: 10_000_000, QueuePackets: 50}, 1)
	maxQueue := 0
	id := r.sim.Register(engine.HandlerFunc(func(now engine.Time, arg uint64) {
		r.l.Send(&pkt{id: int(arg), size: 1250})
		maxQueue = max(maxQueue, first(r.l.QueueLen()))
	}))
	for i := range n {
		r.sim.Schedule(engine.FromDuration(time.Duration(i)*500*time.Microsecond), id, uint64(i))
	}
	r.sim.Run()
	c := r.l.Counters()
	if c.Delivered != 10_050 || c.QueueDrops != 9_950 {
		t.Errorf("delivered %d, queue drops %d; want 10050 and 9950", c.Delivered, c.QueueDrops)
	}
	last := r.rx.got[len(r.rx.got)-1].at
	if last != engine.FromDuration(10050*time.Millisecond) {
		t.Errorf("last arrival at %v, want 10.05s", last)
	}
	if bps := float64(c.DeliveredBytes*8) / last.Seconds(); bps != 1e7 {
		t.Errorf("throughput %v bit/s, want 1e7", bps)
	}
	if maxQueue != 50 {
		t.Errorf("largest FIFO backlog %d, want the limit 50", maxQueue)
	}
	checkConservation(t, c)
}

// TestLostPacketsUseTheTransmitter: the same overloaded link with 10 %
// Bernoulli loss. Loss acts after the transmitter, so it frees no queue
// space: the queue drops are exactly the 9 950 of TestOverloadedLink, and
// Lost is Binomial(10 050, 0.1), tolerance z√(10050·0.1·0.9) = 150.
func TestLostPacketsUseTheTransmitter(t *testing.T) {
	r := newRig(t, Config{Rate: 10_000_000, QueuePackets: 50, Loss: Loss{Model: Bernoulli, P: 0.1}}, 1)
	r.sendEvery(20_000, 1250, 500*time.Microsecond)
	c := r.l.Counters()
	if c.QueueDrops != 9_950 || c.Lost+c.Delivered != 10_050 {
		t.Errorf("counters %+v: want 9950 queue drops and 10050 lost or delivered", c)
	}
	within(t, "Lost", float64(c.Lost), 10_050*0.1, binomialTol(10_050, 0.1), "binomial zσ")
}

func first(a, _ int) int { return a }

// TestQueueByteLimit: the byte limit counts the waiting packets' WireSize;
// the packet being serialized is not waiting.
func TestQueueByteLimit(t *testing.T) {
	r := newRig(t, Config{Rate: 8_000, QueueBytes: 250}, 1) // 1 byte per ms
	var dropped []int
	r.l.SetObserver(observerFunc(func(rec Record, p pkt) {
		if rec.Fate == QueueDropped {
			dropped = append(dropped, p.id)
		}
	}))
	// 0 starts at once; 1 (100) and 2 (100) wait; 3 (100) would make 300;
	// 4 (50) fits exactly at 250.
	for i, size := range []int{100, 100, 100, 100, 50, 1} {
		r.l.Send(&pkt{id: i, size: size})
	}
	r.sim.Run()
	if len(dropped) != 2 || dropped[0] != 3 || dropped[1] != 5 {
		t.Errorf("dropped %v, want [3 5]", dropped)
	}
}

type observerFunc func(Record, pkt)

func (f observerFunc) Observe(r Record, p pkt) { f(r, p) }

// TestOrderPreservedUnderJitter: with jitter far larger than the spacing,
// packets still arrive in the order sent, unless JitterReorders is set.
func TestOrderPreservedUnderJitter(t *testing.T) {
	for _, reorders := range []bool{false, true} {
		cfg := Config{Delay: 20 * time.Millisecond, Jitter: Dist{Kind: Normal, StdDev: 5 * time.Millisecond}, JitterReorders: reorders}
		r := newRig(t, cfg, 2)
		r.sendEvery(10_000, 100, time.Millisecond)
		late := lateArrivals(r.rx.got)
		switch {
		case !reorders && late != 0:
			t.Errorf("%d packets overtaken with JitterReorders false", late)
		case reorders && late == 0:
			t.Errorf("no packet overtaken with JitterReorders true and σ = 5 ms ≫ 1 ms spacing")
		}
		if len(r.rx.got) != 10_000 {
			t.Errorf("delivered %d of 10000", len(r.rx.got))
		}
	}
}

// lateArrivals counts the packets that arrive after one sent later.
func lateArrivals(got []arrival) int {
	late, maxID := 0, -1
	for _, a := range got {
		if a.p.id < maxID {
			late++
		}
		maxID = max(maxID, a.p.id)
	}
	return late
}

// TestReorderExtra: each packet is chosen with probability 0.1, so the
// Reordered count over n = 10⁵ is Binomial(n, 0.1), tolerance
// z√(n·0.1·0.9) = 474. A chosen packet arrives 50 ms late, behind the
// next 50 packets (sent 1 ms apart) unless all of them were chosen too
// (probability 10⁻⁵⁰), so the receiver sees it out of order, bar those
// among the last 50 packets.
func TestReorderExtra(t *testing.T) {
	const n = 100_000
	cfg := Config{Delay: 10 * time.Millisecond, Reorder: Reorder{Prob: 0.1, Extra: Dist{Kind: Constant, Value: 50 * time.Millisecond}}}
	r := newRig(t, cfg, 4)
	r.sendEvery(n, 100, time.Millisecond)
	c := r.l.Counters()
	within(t, "Reordered", float64(c.Reordered), n*0.1, binomialTol(n, 0.1), "binomial zσ")
	if late := lateArrivals(r.rx.got); late > int(c.Reordered) || late < int(c.Reordered)-50 {
		t.Errorf("%d packets arrived out of order, want %d chosen minus at most 50", late, c.Reordered)
	}
}

// TestReorderGap: netem's "reorder p gap N". A cycle is N−1 packets in
// order and then T trials until one is chosen, T geometric with mean 1/p
// and variance (1−p)/p², so cycles have mean μ = N−1+1/p and variance
// σ² = (1−p)/p². The number of cycles completed in n packets is
// asymptotically normal with mean n/μ and variance nσ²/μ³ (renewal CLT).
// With n = 10⁵, p = ¼, N = 5: μ = 8, σ² = 12, tolerance z√(n·12/512) = 242
// around 12 500. A chosen packet skips the 10 ms delay and arrives as soon
// as it is off the transmitter.
func TestReorderGap(t *testing.T) {
	const n, p, gap = 100_000, 0.25, 5
	cfg := Config{Delay: 10 * time.Millisecond, Reorder: Reorder{Prob: p, Gap: gap}}
	r := newRig(t, cfg, 4).observe()
	r.sendEvery(n, 100, time.Millisecond)
	mu, s2 := gap-1+1/p, (1-p)/(p*p)
	c := r.l.Counters()
	within(t, "Reordered", float64(c.Reordered), n/mu, z*math.Sqrt(n*s2/(mu*mu*mu)), "renewal CLT")
	prev, gaps := -1, map[int]int{}
	for _, rec := range r.records(Sent) {
		if !rec.Reordered {
			continue
		}
		if rec.Arrival != rec.At {
			t.Fatalf("reordered packet %d arrives %v after it is sent, want at once", rec.Seq, rec.Arrival.Sub(rec.At))
		}
		if prev >= 0 {
			gaps[min(int(rec.Seq)-prev, gap)]++
		}
		prev = int(rec.Seq)
	}
	if len(gaps) != 1 || gaps[gap] == 0 {
		t.Errorf("distances between reordered packets %v, want all ≥ %d", gaps, gap)
	}
	if late := lateArrivals(r.rx.got); late == 0 {
		t.Error("nothing arrived out of order")
	}
}

// TestDuplicates: with probability 0.05 a packet is copied, so Duplicated
// over n = 10⁵ is Binomial(n, 0.05), tolerance z√(n·0.05·0.95) = 345. Each
// copy is held back 30–120 s (uniform), so it arrives that long after its
// original was sent (plus the 10 ms delay), and the receiver gets
// originals and copies alike, unflagged.
func TestDuplicates(t *testing.T) {
	const n = 100_000
	cfg := Config{
		Delay:     10 * time.Millisecond,
		Duplicate: Duplicate{Prob: 0.05, Hold: Dist{Kind: Uniform, Min: 30 * time.Second, Max: 120 * time.Second}},
	}
	r := newRig(t, cfg, 6).observe()
	r.sendEvery(n, 100, time.Millisecond)
	c := r.l.Counters()
	within(t, "Duplicated", float64(c.Duplicated), n*0.05, binomialTol(n, 0.05), "binomial zσ")
	if c.DeliveredCopies != c.Duplicated || c.Delivered != n+c.Duplicated || len(r.rx.got) != int(c.Delivered) {
		t.Errorf("counters %+v, receiver got %d", c, len(r.rx.got))
	}
	for _, rec := range r.records(Delivered) {
		if !rec.Copy {
			continue
		}
		sent := engine.FromDuration(time.Duration(rec.Seq) * time.Millisecond)
		if d := rec.At.Sub(sent); d < 30*time.Second+10*time.Millisecond || d >= 120*time.Second+10*time.Millisecond {
			t.Fatalf("copy of %d arrived %v after it was sent, want 30.01s to 120.01s", rec.Seq, d)
		}
	}
	checkConservation(t, c)
}

// TestCorruption: Corrupted over n = 10⁵ is Binomial(n, 0.03), tolerance
// z√(n·0.03·0.97) = 270, and exactly those packets reach the receiver
// flagged corrupt. Corruption is not loss.
func TestCorruption(t *testing.T) {
	const n = 100_000
	r := newRig(t, Config{Corrupt: 0.03}, 8)
	r.sendEvery(n, 100, time.Microsecond)
	c := r.l.Counters()
	within(t, "Corrupted", float64(c.Corrupted), n*0.03, binomialTol(n, 0.03), "binomial zσ")
	flagged := 0
	for _, a := range r.rx.got {
		if a.corrupt {
			flagged++
		}
	}
	if flagged != int(c.Corrupted) || c.Lost != 0 || c.Delivered+c.Corrupted != n {
		t.Errorf("receiver saw %d corrupt; counters %+v", flagged, c)
	}
}

// TestDropList: Drop counts, from 0, the packets that match the predicate.
func TestDropList(t *testing.T) {
	tests := []struct {
		name  string
		drop  []int
		match func(pkt) bool
		want  []int // ids lost
	}{
		{"every packet", []int{0, 3, 4}, nil, []int{0, 3, 4}},
		{"even ids", []int{5, 0, 2}, func(p pkt) bool { return p.id%2 == 0 }, []int{0, 4, 10}},
		{"beyond the end", []int{1, 99}, nil, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{Drop: tt.drop}, 1).observe()
			r.l.SetDropMatch(tt.match)
			r.sendEvery(12, 100, time.Millisecond)
			var got []int
			for _, rec := range r.records(Lost) {
				if !rec.Scripted {
					t.Errorf("lost packet %d not marked Scripted", rec.Seq)
				}
				got = append(got, int(rec.Seq))
			}
			if !equalInts(got, tt.want) {
				t.Errorf("lost %v, want %v", got, tt.want)
			}
			if c := r.l.Counters(); c.ScriptDrops != uint64(len(tt.want)) || c.Lost != c.ScriptDrops {
				t.Errorf("counters %+v", c)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOutages: a down link drops what is offered and what would arrive
// while it is down. Packets are sent every ms from 0 with a 5 ms delay;
// the link is down in [10 ms, 20 ms) by Config and in [30 ms, 35 ms) by
// SetUp.
func TestOutages(t *testing.T) {
	cfg := Config{Delay: 5 * time.Millisecond, Outages: []Outage{{At: 15 * time.Millisecond, For: 5 * time.Millisecond}, {At: 10 * time.Millisecond, For: 7 * time.Millisecond}}}
	r := newRig(t, cfg, 1)
	ctl := r.sim.Register(engine.HandlerFunc(func(_ engine.Time, up uint64) { r.l.SetUp(up == 1) }))
	r.sim.Schedule(engine.FromDuration(30*time.Millisecond), ctl, 0)
	r.sim.Schedule(engine.FromDuration(35*time.Millisecond), ctl, 1)
	r.sendEvery(50, 100, time.Millisecond)
	var got []int
	for _, a := range r.rx.got {
		got = append(got, a.p.id)
	}
	// Lost at send: 10..19 and 30..34; lost on arrival (in flight while
	// down): 5..9 (arriving 10..14) and 25..29 (arriving 30..34).
	var want []int
	for i := range 50 {
		if !(i >= 5 && i < 20) && !(i >= 25 && i < 35) {
			want = append(want, i)
		}
	}
	if !equalInts(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if c := r.l.Counters(); c.DownDrops != 25 {
		t.Errorf("DownDrops = %d, want 25", c.DownDrops)
	}
}

// TestLossOnlyThins: with the same seed, turning on loss, the drop list and
// corruption changes no surviving packet's arrival time, and turning on
// duplication changes no original's fate.
func TestLossOnlyThins(t *testing.T) {
	base := Config{
		Rate: 50_000_000, QueuePackets: 20, Delay: 10 * time.Millisecond,
		Jitter:  Dist{Kind: Exponential, Mean: 3 * time.Millisecond},
		Reorder: Reorder{Prob: 0.05, Extra: Dist{Kind: Uniform, Min: time.Millisecond, Max: 20 * time.Millisecond}},
	}
	lossy := base
	lossy.Loss = Loss{Model: GilbertElliott, P: 0.05, R: 0.3, LossBad: 0.9}
	lossy.Drop = []int{3, 10, 11}
	lossy.Corrupt = 0.1
	dup := lossy
	dup.Duplicate = Duplicate{Prob: 0.2, Hold: Dist{Kind: Exponential, Mean: time.Second}}

	run := func(cfg Config) map[int]arrival {
		r := newRig(t, cfg, 9)
		r.sendEvery(5000, 1000, 150*time.Microsecond)
		out := map[int]arrival{}
		for _, a := range r.rx.got {
			if _, dup := out[a.p.id]; !dup || a.at < out[a.p.id].at {
				out[a.p.id] = a
			}
		}
		return out
	}
	clean, thinned := run(base), run(lossy)
	if len(thinned) >= len(clean) {
		t.Fatalf("loss removed nothing: %d vs %d", len(thinned), len(clean))
	}
	for id, a := range thinned {
		if clean[id].at != a.at {
			t.Errorf("packet %d arrives at %v with loss, %v without", id, a.at, clean[id].at)
		}
	}
	// Duplication: the originals' records are unchanged.
	fates := func(cfg Config) []Record {
		r := newRig(t, cfg, 9).observe()
		r.sendEvery(5000, 1000, 150*time.Microsecond)
		var out []Record
		for _, rec := range r.tr.recs {
			if !rec.Copy && rec.Fate != Duplicated {
				out = append(out, rec)
			}
		}
		return out
	}
	a, b := fates(lossy), fates(dup)
	if len(a) != len(b) {
		t.Fatalf("%d original records without duplication, %d with", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("record %d: %+v without duplication, %+v with", i, a[i], b[i])
		}
	}
}

// richConfig turns every knob on.
func richConfig() Config {
	return Config{
		QueuePackets: 30, QueueBytes: 40_000, Rate: 20_000_000, Overhead: 38,
		Delay:     20 * time.Millisecond,
		Jitter:    Dist{Kind: Pareto, Scale: time.Millisecond, Shape: 2.5},
		Reorder:   Reorder{Prob: 0.02, Extra: Dist{Kind: LogNormal, Mean: 10 * time.Millisecond, StdDev: 5 * time.Millisecond}},
		Loss:      Loss{Model: FourState, P13: 0.02, P31: 0.5, P32: 0.2, P23: 0.3, P14: 0.01},
		Drop:      []int{7, 70, 700},
		Duplicate: Duplicate{Prob: 0.03, Hold: Dist{Kind: Empirical, Samples: []time.Duration{0, time.Second, time.Minute}}},
		Corrupt:   0.01,
		Outages:   []Outage{{At: 2 * time.Second, For: 300 * time.Millisecond}},
	}
}

// TestSameSeedSameFates: the same seed gives the same record sequence, bit
// for bit; another seed gives another.
func TestSameSeedSameFates(t *testing.T) {
	hash := func(seed uint64) (uint64, Counters) {
		r := newRig(t, richConfig(), seed).observe()
		r.sendEvery(20_000, 1200, 400*time.Microsecond)
		return r.tr.hash(), r.l.Counters()
	}
	h1, c1 := hash(42)
	h2, c2 := hash(42)
	h3, _ := hash(43)
	if h1 != h2 || c1 != c2 {
		t.Errorf("seed 42 twice: hashes %x and %x, counters %+v and %+v", h1, h2, c1, c2)
	}
	if h1 == h3 {
		t.Errorf("seeds 42 and 43 give the same trace %x", h1)
	}
	// Every kind of fate occurred, so the hash covers them all.
	if c1.QueueDrops == 0 || c1.DownDrops == 0 || c1.Lost == 0 || c1.ScriptDrops != 3 ||
		c1.Duplicated == 0 || c1.Corrupted == 0 || c1.Reordered == 0 || c1.DeliveredCopies == 0 {
		t.Errorf("some fate never happened: %+v", c1)
	}
	checkConservation(t, c1)
}

// TestConservationInFlight checks the counters' identity mid-run, with
// packets and held copies in flight.
func TestConservationInFlight(t *testing.T) {
	r := newRig(t, richConfig(), 1)
	id := r.sim.Register(engine.HandlerFunc(func(_ engine.Time, arg uint64) { r.l.Send(&pkt{id: int(arg), size: 1000}) }))
	for i := range 5000 {
		r.sim.Schedule(engine.FromDuration(time.Duration(i)*300*time.Microsecond), id, uint64(i))
	}
	for r.sim.RunFor(100*time.Millisecond) != engine.Drained {
		checkConservation(t, r.l.Counters())
	}
	if c := r.l.Counters(); c.InFlight != 0 {
		t.Errorf("InFlight = %d after the run", c.InFlight)
	}
}

// TestNoAllocsInSteadyState: once the slab and the FIFO have grown, a packet
// through a link with every knob on allocates nothing.
func TestNoAllocsInSteadyState(t *testing.T) {
	cfg := richConfig()
	cfg.Duplicate.Hold = Dist{Kind: Constant, Value: 50 * time.Millisecond}
	cfg.Outages = nil
	r := newRig(t, cfg, 1)
	p := pkt{size: 1200}
	step := func() {
		r.l.Send(&p)
		r.sim.RunFor(500 * time.Microsecond)
	}
	for range 10_000 {
		step()
	}
	r.rx.got = make([]arrival, 0, 1<<20)
	if a := testing.AllocsPerRun(10_000, step); a != 0 {
		t.Errorf("%v allocations per packet, want 0", a)
	}
}
