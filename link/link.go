package link

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"tcpsim/engine"
)

// Link is one direction of a link: packets given to Send come out at the
// receiver after the pipeline described in the package documentation. A
// Link belongs to one Sim and, like it, is not safe for concurrent use.
type Link[P Packet] struct {
	sim  *engine.Sim
	id   engine.HandlerID
	name string
	cfg  Config
	rx   Receiver[P]
	obs  Observer[P]
	c    Counters

	// Up and down.
	forcedDown bool
	outages    []span
	nextOutage int // outages before it ended before the last check

	// Queue and transmitter (queue.go).
	rate, overhead int64
	limited        bool
	limitPackets   int
	limitBytes     int
	queue          fifo
	busyUntil      engine.Time
	carry          int64 // remainder of the last serialization, in 1/rate ns

	// Delay and ordering.
	delay    time.Duration
	jitter   *sampler
	inOrder  bool
	frontier engine.Time // latest arrival of a packet kept in order

	// Reordering.
	reorderP   float64
	reorderRng *rand.Rand
	extra      *sampler
	gap        int
	sinceGap   int // netem's counter: packets since the last reordered one

	// Loss and the drop list.
	loss     lossModel
	drops    []int // sorted
	nextDrop int
	matched  int
	match    func(P) bool

	// Duplication: the decision, the hold, and the copies' own draws.
	dupP        float64
	dupRng      *rand.Rand
	hold        *sampler
	copyJitter  *sampler
	copyLoss    lossModel
	copyCorrupt *rand.Rand

	// Corruption.
	corruptP   float64
	corruptRng *rand.Rand

	// Packets in flight: the event's arg is the slot index.
	slab []flight[P]
	free []uint32
}

// flight is a packet on its way to the receiver.
type flight[P Packet] struct {
	p         P
	seq       uint64
	size      int
	copy      bool
	corrupt   bool
	reordered bool
}

// span is an outage [start, end).
type span struct{ start, end engine.Time }

// New returns a link that delivers to rx, configured by cfg, drawing its
// randomness from streams under the path name (which should be unique in
// the run, e.g. "link/client->server"). The random streams are
//
//	name+"/delay"          jitter
//	name+"/reorder"        reordering decisions
//	name+"/reorder/extra"  reordering extra delays
//	name+"/loss"           the loss model
//	name+"/dup"            duplication decisions
//	name+"/dup/hold"       copies' hold times
//	name+"/dup/delay"      copies' jitter
//	name+"/dup/loss"       copies' loss model (a chain of its own)
//	name+"/dup/corrupt"    copies' corruption
//	name+"/corrupt"        corruption
//
// so changing one knob never changes another knob's draws. It returns an
// error matching ErrConfig if cfg is invalid.
func New[P Packet](sim *engine.Sim, streams engine.Streams, name string, cfg Config, rx Receiver[P]) (*Link[P], error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("link %s: %w", name, err)
	}
	if sim == nil || rx == nil {
		return nil, errors.New("link: New needs a Sim and a Receiver")
	}
	cfg.Drop = slices.Clone(cfg.Drop)
	cfg.Outages = slices.Clone(cfg.Outages)
	l := &Link[P]{
		sim:          sim,
		name:         name,
		cfg:          cfg,
		rx:           rx,
		outages:      cfg.outageSpans(),
		rate:         cfg.Rate,
		overhead:     int64(cfg.Overhead),
		limitPackets: cfg.QueuePackets,
		limitBytes:   cfg.QueueBytes,
		limited:      cfg.QueuePackets > 0 || cfg.QueueBytes > 0,
		delay:        cfg.Delay,
		inOrder:      !cfg.JitterReorders,
		reorderP:     cfg.Reorder.Prob,
		gap:          cfg.Reorder.Gap,
		dupP:         cfg.Duplicate.Prob,
		corruptP:     cfg.Corrupt,
	}
	src := func(s string) rand.Source { return streams.Source(name + s) }
	rng := func(s string) *rand.Rand { return streams.Rand(name + s) }
	if cfg.Jitter.Kind != NoDist {
		l.jitter = newSampler(cfg.Jitter, src("/delay"), -cfg.Delay)
	}
	if cfg.Reorder.Prob > 0 {
		l.reorderRng = rng("/reorder")
		if cfg.Reorder.Extra.Kind != NoDist {
			l.extra = newSampler(cfg.Reorder.Extra, src("/reorder/extra"), 0)
		}
	}
	l.loss = newLossModel(cfg.Loss, src("/loss"))
	if len(cfg.Drop) > 0 {
		l.drops = slices.Sorted(slices.Values(cfg.Drop))
	}
	if cfg.Duplicate.Prob > 0 {
		l.dupRng = rng("/dup")
		if cfg.Duplicate.Hold.Kind != NoDist {
			l.hold = newSampler(cfg.Duplicate.Hold, src("/dup/hold"), 0)
		}
		if cfg.Jitter.Kind != NoDist {
			l.copyJitter = newSampler(cfg.Jitter, src("/dup/delay"), -cfg.Delay)
		}
		l.copyLoss = newLossModel(cfg.Loss, src("/dup/loss"))
		if cfg.Corrupt > 0 {
			l.copyCorrupt = rng("/dup/corrupt")
		}
	}
	if cfg.Corrupt > 0 {
		l.corruptRng = rng("/corrupt")
	}
	l.id = sim.Register((*arrivals[P])(l))
	return l, nil
}

// Name returns the link's name, the prefix of its random stream paths.
func (l *Link[P]) Name() string { return l.name }

// Config returns the configuration the link was built with.
func (l *Link[P]) Config() Config { return l.cfg }

// Counters returns the link's totals so far.
func (l *Link[P]) Counters() Counters { return l.c }

// SetObserver makes o see every packet's fate from now on; nil removes it.
func (l *Link[P]) SetObserver(o Observer[P]) { l.obs = o }

// SetDropMatch sets the predicate that selects which packets Config.Drop
// counts (say, "SYN segments"); nil, the default, counts every packet.
func (l *Link[P]) SetDropMatch(match func(P) bool) { l.match = match }

// SetUp takes the link down (false) or brings it back up (true) from now
// on. A down link drops every packet offered to it and every packet that
// would arrive while it is down. Config.Outages apply independently: the
// link is down while either SetUp(false) or an outage says so.
func (l *Link[P]) SetUp(up bool) { l.forcedDown = !up }

// Up reports whether the link is up now.
func (l *Link[P]) Up() bool { return !l.down(l.sim.Now()) }

// down reports whether the link is down at now. Calls come at the current
// simulated time, which never decreases, so one cursor walks the outages.
func (l *Link[P]) down(now engine.Time) bool {
	if l.forcedDown {
		return true
	}
	for l.nextOutage < len(l.outages) && l.outages[l.nextOutage].end <= now {
		l.nextOutage++
	}
	return l.nextOutage < len(l.outages) && l.outages[l.nextOutage].start <= now
}

// Send offers *p to the link at the current simulated time. The packet's
// fate is decided at once, apart from a down link at its arrival time; if
// it survives, the receiver gets it at its arrival time. Send copies the
// packet and does not modify *p.
func (l *Link[P]) Send(p *P) {
	now := l.sim.Now()
	size := (*p).WireSize()
	seq := l.c.Offered
	l.c.Offered++
	l.c.OfferedBytes += uint64(size)
	if l.down(now) {
		l.c.DownDrops++
		if l.obs != nil {
			l.obs.Observe(Record{Fate: DownDropped, At: now, Arrival: now, Seq: seq, Size: size}, *p)
		}
		return
	}

	// 1, 2. FIFO and transmitter.
	txDone, ok := l.transmit(now, size)
	if !ok {
		l.c.QueueDrops++
		if l.obs != nil {
			l.obs.Observe(Record{Fate: QueueDropped, At: now, Arrival: now, Seq: seq, Size: size}, *p)
		}
		return
	}

	// 3. Propagation delay and jitter.
	d := l.delay
	if l.jitter != nil {
		d += l.jitter.draw()
	}

	// 4. Ordering and reordering.
	reordered := false
	if l.reorderRng != nil {
		switch {
		case l.gap == 0:
			if l.reorderRng.Float64() < l.reorderP {
				reordered = true
				d += l.extra.draw()
			}
		case l.sinceGap < l.gap-1:
			l.sinceGap++
		case l.reorderRng.Float64() < l.reorderP:
			reordered = true
			d = 0
			l.sinceGap = 0
		default:
			l.sinceGap++
		}
	}
	arrival := txDone.Add(d)
	if !reordered && l.inOrder {
		arrival = max(arrival, l.frontier)
		l.frontier = arrival
	}

	// 5. Loss: the drop list, and the loss model, which draws for every
	// packet so that the drop list does not shift its draws.
	scripted := false
	if l.drops != nil && (l.match == nil || l.match(*p)) {
		if l.nextDrop < len(l.drops) && l.drops[l.nextDrop] == l.matched {
			scripted = true
			l.nextDrop++
		}
		l.matched++
	}
	lost := scripted
	if l.loss != nil && l.loss.lost(size) {
		lost = true
	}

	// 6, 7. Duplication and corruption are drawn for every packet that
	// left the transmitter, lost or not, so loss does not shift them.
	dup := l.dupRng != nil && l.dupRng.Float64() < l.dupP
	corrupt := l.corruptRng != nil && l.corruptRng.Float64() < l.corruptP

	if reordered {
		l.c.Reordered++
	}
	if l.obs != nil {
		l.obs.Observe(Record{Fate: Sent, At: now, Arrival: arrival, Seq: seq, Size: size, Reordered: reordered}, *p)
	}
	if lost {
		l.c.Lost++
		if scripted {
			l.c.ScriptDrops++
		}
		if l.obs != nil {
			l.obs.Observe(Record{Fate: Lost, At: now, Arrival: arrival, Seq: seq, Size: size, Reordered: reordered, Scripted: scripted}, *p)
		}
	} else {
		l.schedule(arrival, p, seq, size, false, corrupt, reordered)
	}
	if dup {
		l.duplicate(p, seq, size, now, txDone)
	}
}

// duplicate makes the copy of a packet that left the transmitter at txDone.
// The copy has its own jitter, hold, loss and corruption draws and is not
// kept in order.
func (l *Link[P]) duplicate(p *P, seq uint64, size int, now, txDone engine.Time) {
	l.c.Duplicated++
	d := l.delay
	if l.copyJitter != nil {
		d += l.copyJitter.draw()
	}
	if l.hold != nil {
		d += l.hold.draw()
	}
	arrival := txDone.Add(d)
	lost := l.copyLoss != nil && l.copyLoss.lost(size)
	corrupt := l.copyCorrupt != nil && l.copyCorrupt.Float64() < l.corruptP
	if l.obs != nil {
		l.obs.Observe(Record{Fate: Duplicated, At: now, Arrival: arrival, Seq: seq, Size: size, Copy: true}, *p)
	}
	if lost {
		l.c.Lost++
		if l.obs != nil {
			l.obs.Observe(Record{Fate: Lost, At: now, Arrival: arrival, Seq: seq, Size: size, Copy: true}, *p)
		}
		return
	}
	l.schedule(arrival, p, seq, size, true, corrupt, false)
}

// schedule copies *p with its flight details into a free slot of the slab
// and schedules its arrival.
func (l *Link[P]) schedule(at engine.Time, p *P, seq uint64, size int, copy, corrupt, reordered bool) {
	var i uint32
	if n := len(l.free); n > 0 {
		i = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		i = uint32(len(l.slab))
		l.slab = append(l.slab, flight[P]{})
	}
	f := &l.slab[i]
	f.p = *p
	f.seq, f.size = seq, size
	f.copy, f.corrupt, f.reordered = copy, corrupt, reordered
	l.c.InFlight++
	l.sim.Schedule(at, l.id, uint64(i))
}

// arrivals is the Link seen as the engine handler of its arrival events, so
// that Link itself does not export HandleEvent.
type arrivals[P Packet] Link[P]

// HandleEvent delivers the packet in slot arg, unless the link is down.
// The receiver gets a pointer to the slot's packet; the slot is freed after
// Receive returns, so the pointer stays valid during the call (a Send from
// Receive may grow the slab, but the old array keeps the packet).
func (a *arrivals[P]) HandleEvent(now engine.Time, arg uint64) {
	l := (*Link[P])(a)
	f := &l.slab[arg]
	l.c.InFlight--
	r := Record{At: now, Arrival: now, Seq: f.seq, Size: f.size, Copy: f.copy, Reordered: f.reordered}
	switch {
	case l.down(now):
		l.c.DownDrops++
		if l.obs != nil {
			r.Fate = DownDropped
			l.obs.Observe(r, f.p)
		}
		l.release(arg)
		return
	case f.corrupt:
		l.c.Corrupted++
		r.Fate = Corrupted
	default:
		l.c.Delivered++
		l.c.DeliveredBytes += uint64(f.size)
		if f.copy {
			l.c.DeliveredCopies++
		}
		r.Fate = Delivered
	}
	if l.obs != nil {
		l.obs.Observe(r, f.p)
	}
	l.rx.Receive(now, &f.p, f.corrupt)
	l.release(arg)
}

// release frees slot i, dropping references its packet may hold.
func (l *Link[P]) release(i uint64) {
	l.slab[i] = flight[P]{}
	l.free = append(l.free, uint32(i))
}
