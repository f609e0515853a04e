package endpoint

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"tcpsim/engine"
)

// Errors returned by the user calls (RFC 9293 §3.10's error strings).
var (
	ErrNotExist          = errors.New("endpoint: connection does not exist")
	ErrExists            = errors.New("endpoint: connection already exists")
	ErrClosing           = errors.New("endpoint: connection closing")
	ErrInsufficient      = errors.New("endpoint: insufficient resources")
	ErrNoPorts           = fmt.Errorf("%w: no ephemeral port free", ErrInsufficient)
	ErrAddrInUse         = errors.New("endpoint: address already in use")
	ErrRemoteUnspecified = errors.New("endpoint: remote socket unspecified")
	ErrBadLength         = errors.New("endpoint: negative length")
)

// Output is where a stack sends segments: the network layer (topology)
// implements it. Transmit must not call back into a stack synchronously;
// delivery happens through a scheduled event. The segment is the caller's
// and valid only during the call: Transmit must not modify it, and copies
// it to keep it.
type Output interface {
	Transmit(src, dst Addr, seg *Segment)
}

// Stack is one host's TCP: its connection table keyed by 4-tuple, its
// listeners, ephemeral ports, ISN generator and counters. A stack belongs to
// one simulation and is not safe for concurrent use.
type Stack struct {
	sim  *engine.Sim
	addr Addr
	cfg  Config
	rng  *rand.Rand
	ids  *IDs
	out  Output
	obs  Observer
	// want is which segment events obs gets (SegmentSelector).
	want SegmentInterest
	// lastSeg is the time of the last segment sent, received or dropped.
	lastSeg engine.Time

	conns engine.IDTable[uint64, uint32] // tuple → ref (slot<<1, |1 for TIME-WAIT); change with bind and unbind
	// held counts, per remote endpoint, the ephemeral-range local ports
	// whose 4-tuple a connect may not take (see bind), so that a connect
	// with every port held fails at once instead of scanning the range.
	held      map[uint64]int
	tcbs      []*tcb // by slot; each tcb keeps its slot for life
	freeTCBs  []uint32
	listeners map[uint16]*Listener
	tw        twTable
	portNext  uint16
	isn       isnGen
	isnFunc   func(local, remote Endpoint) Seq
	// provenPeers are the addresses this host completed a handshake with,
	// kept only for Config.MaxSynBacklog's rule (listen.go).
	provenPeers map[Addr]struct{}

	ctr   Counters
	trans *Transitions

	notes    []notice
	depth    int
	flushing bool
	flushAt  int // the notice being reported while flushing

	// sending holds the segments handed to out, one per nesting level of
	// transmit (a network tap may inject a segment whose answer this stack
	// sends while out still holds the outer one). Each is allocated once:
	// out is an interface, so a pointer to a segment on the sender's stack
	// would move every segment to the heap.
	sending   []*Segment
	sendDepth int
}

// NewStack returns the TCP module of the host at addr. cfg is validated;
// rng drives ISNs and port choice; ids is shared by all stacks of the
// simulation; out receives every segment sent.
func NewStack(sim *engine.Sim, addr Addr, cfg Config, rng *rand.Rand, ids *IDs, out Output) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sim == nil || rng == nil || ids == nil || out == nil {
		return nil, errors.New("endpoint: NewStack needs a sim, a random stream, an ID allocator and an output")
	}
	s := &Stack{
		sim: sim, addr: addr, cfg: cfg, rng: rng, ids: ids, out: out,
		held:      make(map[uint64]int),
		listeners: make(map[uint16]*Listener),
		trans:     new(Transitions),
	}
	s.isn = newISNGen(&s.cfg, addr, rng)
	s.portNext = cfg.PortMin
	s.tw.init(s)
	return s, nil
}

// Addr returns the host's address.
func (s *Stack) Addr() Addr { return s.addr }

// Config returns the stack's configuration.
func (s *Stack) Config() Config { return s.cfg }

// SetObserver installs o (nil removes it).
func (s *Stack) SetObserver(o Observer) {
	s.obs, s.want = o, WantAllSegments
	if sel, ok := o.(SegmentSelector); ok {
		s.want = sel.SegmentInterests()
	}
}

// LastSegment returns the time of the last segment the stack sent,
// received or dropped, whether or not its observer wanted it reported; 0
// if there was none.
func (s *Stack) LastSegment() engine.Time { return s.lastSeg }

// SetISNFunc overrides the ISN policy with f, for scripted scenarios (tests
// reproducing the RFC's figures with fixed ISNs); nil restores the policy.
func (s *Stack) SetISNFunc(f func(local, remote Endpoint) Seq) { s.isnFunc = f }

// Counters returns a copy of the stack's counters.
func (s *Stack) Counters() Counters { return s.ctr }

// Transitions returns the stack's (from, cause, to) counts. The table is
// live: it keeps counting.
func (s *Stack) Transitions() *Transitions { return s.trans }

// NumConns returns the number of TCBs (not counting listeners) and of
// TIME-WAIT remnants.
func (s *Stack) NumConns() (tcbs, timeWait int) {
	return len(s.tcbs) - len(s.freeTCBs), s.tw.live
}

// Conns returns a handle on every live TCB (not TIME-WAIT remnants), in
// slot order.
func (s *Stack) Conns() []Conn {
	var cs []Conn
	for _, t := range s.tcbs {
		if t.state != Closed {
			cs = append(cs, t.conn())
		}
	}
	return cs
}

// notice is an application report waiting to be made. h is the handler the
// connection had when the report was queued; Conn.SetHandler redirects the
// reports of its connection that are still waiting (see redirect).
type notice struct {
	kind     uint8
	reason   Reason
	n, stale int
	c        Conn
	h        Handler
	l        *Listener
}

const (
	nEstablished = iota
	nAccept
	nData
	nPeerClose
	nClosed
)

func (s *Stack) notify(n notice) { s.notes = append(s.notes, n) }

// redirect hands the reports of c that are still waiting to h. One segment
// can complete a passive open and carry data and a FIN: its OnAccept, OnData
// and OnPeerClose are queued together, the last two addressed to the
// handler the TCB inherited from its listener. The application installs its
// own handler in OnAccept, before those reports are made; they must reach
// it (issue 11: a FIN that completed the handshake was reported to the
// listener's handler, and the server never closed).
func (s *Stack) redirect(c Conn, h Handler) {
	from := 0
	if s.flushing {
		from = s.flushAt + 1
	}
	for i := from; i < len(s.notes); i++ {
		if n := &s.notes[i]; n.c == c && n.kind != nAccept {
			n.h = h
		}
	}
}

// enter and exit bracket every entry point (segment arrival, timer, user
// call). Application reports are made when the outermost one returns, so
// handlers never see a half-processed TCB.
func (s *Stack) enter() { s.depth++ }

func (s *Stack) exit() {
	s.depth--
	if s.depth > 0 || s.flushing || len(s.notes) == 0 {
		return
	}
	s.flushing = true
	for i := 0; i < len(s.notes); i++ {
		s.flushAt = i
		n := s.notes[i]
		switch n.kind {
		case nEstablished:
			n.h.OnEstablished(n.c)
		case nAccept:
			n.h.OnAccept(n.l, n.c)
		case nData:
			n.h.OnData(n.c, n.n, n.stale)
		case nPeerClose:
			n.h.OnPeerClose(n.c)
		case nClosed:
			n.h.OnClosed(n.c, n.reason)
		}
	}
	clear(s.notes)
	s.notes = s.notes[:0]
	s.flushing = false
}

// newTCB returns a fresh TCB in CLOSED with a new incarnation, entered in
// the connection table under key.
func (s *Stack) newTCB(key uint64, h Handler) *tcb {
	var t *tcb
	if n := len(s.freeTCBs); n > 0 {
		t = s.tcbs[s.freeTCBs[n-1]]
		s.freeTCBs = s.freeTCBs[:n-1]
		ooo := t.ooo[:0]
		fn := t.timerFn
		slot := t.slot
		*t = tcb{ooo: ooo, timerFn: fn, slot: slot}
	} else {
		t = &tcb{slot: uint32(len(s.tcbs))}
		t.timerFn = t.onTimer
		s.tcbs = append(s.tcbs, t)
	}
	t.s = s
	t.key = key
	t.lport, t.raddr, t.rport = keyParts(key)
	t.inc = s.ids.Next()
	t.h = h
	t.rcvWnd = uint32(s.cfg.RcvWindow)
	t.sndMSS = 536 // RFC 9293 §3.7.1: the default send MSS without the option
	t.rto = s.cfg.InitialRTO
	for i := range t.dl {
		t.dl[i] = engine.Never
	}
	t.armedAt = engine.Never
	t.timer.Init(s.sim, t.timerFn)
	s.bind(key, t.slot<<1)
	return t
}

// freeTCB deletes t: removes it from the table, releases its timer and
// returns it to the pool. The state must already be final.
func (s *Stack) freeTCB(t *tcb) {
	s.unbind(t.key, t.slot<<1)
	if t.listener != nil {
		t.listener.forget(t)
	}
	t.timer.Release()
	t.state = Closed
	t.inc = 0
	t.h = nil
	t.listener = nil
	s.freeTCBs = append(s.freeTCBs, t.slot)
}

// Connect performs an active OPEN (RFC 9293 §3.10.1) to raddr:rport from an
// ephemeral port. h receives the connection's reports.
func (s *Stack) Connect(raddr Addr, rport uint16, h Handler) (Conn, error) {
	if rport == 0 {
		return Conn{}, ErrRemoteUnspecified
	}
	s.enter()
	defer s.exit()
	lport, ok := s.allocPort(raddr, rport)
	if !ok {
		return Conn{}, ErrNoPorts
	}
	return s.open(lport, raddr, rport, h), nil
}

// ConnectFrom performs an active OPEN from a given local port, as
// simultaneous open needs. A 4-tuple whose only TCB is in TIME-WAIT is
// reused when the config allows it.
func (s *Stack) ConnectFrom(lport uint16, raddr Addr, rport uint16, h Handler) (Conn, error) {
	if rport == 0 || lport == 0 {
		return Conn{}, ErrRemoteUnspecified
	}
	s.enter()
	defer s.exit()
	key := tupleKey(lport, raddr, rport)
	if ref, ok := s.conns.Get(key); ok {
		if ref&1 == 0 || !s.cfg.TimeWaitReopen {
			// §3.10.1: "error: connection already exists".
			return Conn{}, ErrExists
		}
	}
	return s.open(lport, raddr, rport, h), nil
}

// open creates a TCB and sends the SYN (§3.10.1, CLOSED STATE, active).
func (s *Stack) open(lport uint16, raddr Addr, rport uint16, h Handler) Conn {
	key := tupleKey(lport, raddr, rport)
	var iss Seq
	reused := false
	if ref, ok := s.conns.Get(key); ok && ref&1 == 1 {
		// Reuse of a TIME-WAIT 4-tuple (RFC 1122 §4.2.2.13 on the active
		// side, as Linux's tcp_twsk_unique).
		iss, reused = s.tw.reopen(ref>>1, &s.cfg)
	}
	t := s.newTCB(key, h)
	if !reused {
		iss = s.pickISN(lport, raddr, rport)
	}
	s.ctr.ActiveOpens++
	t.iss = iss
	t.sndUna = iss
	t.sndNxt = iss + 1
	t.setState(SynSent, CauseActiveOpen)
	t.synStart = s.sim.Now()
	t.sendSYN(false)
	t.startConnTimer()
	return t.conn()
}

func (s *Stack) pickISN(lport uint16, raddr Addr, rport uint16) Seq {
	if s.isnFunc != nil {
		return s.isnFunc(Endpoint{s.addr, lport}, Endpoint{raddr, rport})
	}
	return s.isn.next(s.sim.Now(), lport, raddr, rport)
}

// bind points the 4-tuple key at ref, replacing what it named before.
func (s *Stack) bind(key uint64, ref uint32) {
	if old, ok := s.conns.Get(key); ok {
		s.account(key, old, -1)
	}
	s.conns.Put(key, ref)
	s.account(key, ref, +1)
}

// unbind removes key if it still names ref.
func (s *Stack) unbind(key uint64, ref uint32) {
	if cur, ok := s.conns.Get(key); ok && cur == ref {
		s.conns.Delete(key)
		s.account(key, ref, -1)
	}
}

// account adds d to the held count of key's remote endpoint if ref holds
// a port that allocPort may not take: any TCB, and a TIME-WAIT remnant
// unless the config reopens them.
func (s *Stack) account(key uint64, ref uint32, d int) {
	lport, raddr, rport := keyParts(key)
	if lport < s.cfg.PortMin || lport > s.cfg.PortMax || ref&1 == 1 && s.cfg.TimeWaitReopen {
		return
	}
	dst := uint64(raddr)<<16 | uint64(rport)
	if n := s.held[dst] + d; n > 0 {
		s.held[dst] = n
	} else {
		delete(s.held, dst)
	}
}

// allocPort finds a local port whose 4-tuple with raddr:rport is free, or
// held only by a TIME-WAIT remnant that the config lets us reuse.
func (s *Stack) allocPort(raddr Addr, rport uint16) (uint16, bool) {
	lo, hi := uint32(s.cfg.PortMin), uint32(s.cfg.PortMax)
	n := hi - lo + 1
	if s.held[uint64(raddr)<<16|uint64(rport)] >= int(n) {
		return 0, false // every port held: fail without a scan
	}
	start := uint32(s.portNext)
	if s.cfg.Ports == PortsRandom {
		start = lo + uint32(s.rng.IntN(int(n)))
	}
	if start < lo || start > hi {
		start = lo
	}
	for i := range n {
		p := uint16(lo + (start-lo+i)%n)
		if len(s.listeners) > 0 {
			if _, ok := s.listeners[p]; ok {
				continue
			}
		}
		ref, used := s.conns.Get(tupleKey(p, raddr, rport))
		if used && (ref&1 == 0 || !s.cfg.TimeWaitReopen) {
			continue
		}
		if s.cfg.Ports == PortsSequential {
			s.portNext = uint16(lo + (uint32(p)-lo+1)%n)
		}
		return p, true
	}
	return 0, false
}

// Crash makes every TCB, TIME-WAIT remnant and listener vanish silently,
// as a host crash does: no segment is sent and no handler is called. Each
// TCB's end is reported to the observer as a change to CLOSED with
// CauseCrash. The stack can be used again at once (a reboot).
func (s *Stack) Crash() {
	for _, t := range s.tcbs {
		if t.state == Closed {
			continue
		}
		t.setState(Closed, CauseCrash)
		t.h = nil
		t.listener = nil
		s.freeTCB(t)
	}
	s.tw.crash()
	ports := make([]uint16, 0, len(s.listeners))
	for port := range s.listeners {
		ports = append(ports, port)
	}
	slices.Sort(ports) // observers see listeners end in port order
	for _, port := range ports {
		l := s.listeners[port]
		s.trans[Listen][CauseCrash][Closed]++
		if s.obs != nil {
			s.obs.OnState(StateEvent{Time: s.sim.Now(), Conn: l.id(), From: Listen, To: Closed, Cause: CauseCrash})
		}
		l.closed = true
		l.synQ, l.young = 0, 0
		l.acceptQ = l.acceptQ[:0]
	}
	clear(s.listeners)
	s.conns.Clear()
	clear(s.held)
	s.notes = s.notes[:0]
}

// Drop reports a segment the network layer discarded on arrival (a
// corrupted one, say) to the observer, and counts it. The segment is only
// read, during the call.
func (s *Stack) Drop(src Addr, seg *Segment, n Note) {
	s.dropped(src, seg, n, 0, Closed)
}

// Deliver is the arrival of a segment from src addressed to this host
// (dst is the stack's own address; a segment for another address is
// dropped). It is the SEGMENT ARRIVES event of RFC 9293 §3.10.7. The
// segment is only read, during the call: a caller may pass a pointer to a
// buffer it reuses.
func (s *Stack) Deliver(src, dst Addr, seg *Segment) {
	s.ctr.SegsRcvd++
	s.lastSeg = s.sim.Now()
	if s.obs != nil && s.want&WantReceived != 0 {
		s.obs.OnSegment(SegmentEvent{Time: s.lastSeg, Host: s.addr, Peer: src, Dir: Received, Seg: *seg})
	}
	if dst != s.addr || s.filtered(seg) {
		s.dropped(src, seg, NoteIgnored, 0, Closed)
		return
	}
	s.enter()
	key := tupleKey(seg.DstPort, src, seg.SrcPort)
	if ref, ok := s.conns.Get(key); ok {
		if ref&1 == 0 {
			s.tcbs[ref>>1].segmentArrives(seg)
		} else {
			s.tw.arrive(ref>>1, seg)
		}
	} else if l, ok := s.listeners[seg.DstPort]; ok {
		l.segmentArrives(src, seg)
	} else {
		s.closedArrives(src, seg, NoteNoListener)
	}
	s.exit()
}

// closedArrives applies RFC 9293 §3.10.7.1 (CLOSED STATE): no TCB exists.
func (s *Stack) closedArrives(src Addr, seg *Segment, n Note) {
	if seg.Flags&RST != 0 {
		// "An incoming segment containing a RST is discarded."
		s.dropped(src, seg, NoteRstIgnored, 0, Closed)
		return
	}
	s.dropped(src, seg, n, 0, Closed)
	switch seg.Flags & (SYN | ACK) {
	case ACK:
		s.ctr.HalfOpenDetections++ // Figure 10
	case SYN | ACK:
		// A SYN-ACK for a SYN no TCB of ours sent: an old duplicate's
		// (the Figure 8 recovery, with our end already gone).
		s.ctr.OldDuplicateResets++
	}
	s.resetFor(src, seg, 0)
}

// resetFor sends the reset that answers seg (RFC 9293 §3.5.2 and
// §3.10.7.1): <SEQ=SEG.ACK><CTL=RST> if the ACK bit is on, else
// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. origin is the sender's
// incarnation (0 in CLOSED).
func (s *Stack) resetFor(dst Addr, seg *Segment, origin Incarnation) {
	r := Segment{SrcPort: seg.DstPort, DstPort: seg.SrcPort, Flags: RST, Origin: origin}
	if seg.Flags&ACK != 0 {
		r.Seq = seg.Ack
	} else {
		r.Ack = seg.Seq.Add(seg.SeqLen())
		r.Flags |= ACK
	}
	s.transmit(dst, &r, NoteReset, origin, Closed)
}

// transmit hands a segment to the output, counting and observing it.
func (s *Stack) transmit(dst Addr, seg *Segment, n Note, inc Incarnation, st State) {
	s.ctr.SegsSent++
	if seg.Flags&RST != 0 {
		s.ctr.RSTsSent++
	}
	s.lastSeg = s.sim.Now()
	if s.obs != nil && (s.want&WantSent != 0 || n == NoteRetransmit && s.want&WantRetransmits != 0) {
		s.obs.OnSegment(SegmentEvent{Time: s.lastSeg, Host: s.addr, Peer: dst, Dir: Sent, Note: n, Seg: *seg, Conn: inc, State: st})
	}
	if s.sendDepth == len(s.sending) {
		s.sending = append(s.sending, new(Segment))
	}
	buf := s.sending[s.sendDepth]
	*buf = *seg
	s.sendDepth++
	s.out.Transmit(s.addr, dst, buf)
	s.sendDepth--
}

// dropped counts and observes a discarded segment.
func (s *Stack) dropped(src Addr, seg *Segment, n Note, inc Incarnation, st State) {
	s.ctr.SegsDropped++
	s.lastSeg = s.sim.Now()
	if s.obs != nil && s.want&WantDropped != 0 {
		s.obs.OnSegment(SegmentEvent{Time: s.lastSeg, Host: s.addr, Peer: src, Dir: Dropped, Note: n, Seg: *seg, Conn: inc, State: st})
	}
}
