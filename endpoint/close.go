package endpoint

import (
	"time"

	"tcpsim/engine"
)

// finArrives is RFC 9293 §3.10.7.4, eighth (check the FIN bit), for a FIN
// that is next in sequence. It reports whether the TCB still exists.
func (t *tcb) finArrives() bool {
	// "signal the user 'connection closing' ..., advance RCV.NXT over the
	// FIN, and send an acknowledgment for the FIN."
	t.rcvNxt++
	t.finRcvd = true
	t.ackPending = true
	t.ackNow = true
	if t.visible() {
		t.s.notify(notice{kind: nPeerClose, c: t.conn(), h: t.h})
	}
	switch t.state {
	case SynReceived, Established:
		t.setState(CloseWait, CauseRcvFin)
	case FinWait1:
		if t.finAcked {
			// "If our FIN has been ACKed (perhaps in this segment), then
			// enter TIME-WAIT".
			t.enterTimeWait(CauseRcvFin)
			return false
		}
		t.setState(Closing, CauseRcvFin)
	case FinWait2:
		t.stopTimer(tmFW2)
		t.enterTimeWait(CauseRcvFin)
		return false
	}
	// CLOSE-WAIT, CLOSING, LAST-ACK: remain.
	return true
}

// enterTimeWait acknowledges what we received, enters TIME-WAIT, tells the
// application the connection is closed, and replaces the TCB with a compact
// TIME-WAIT remnant (§3.10.7.4: "start the time-wait timer, turn off the
// other timers"). The TCB is deleted.
func (t *tcb) enterTimeWait(cause Cause) {
	s := t.s
	if t.ackPending {
		t.sendACK(NoteNone)
	}
	t.stopAll()
	t.setState(TimeWait, cause)
	if t.visible() {
		s.notify(notice{kind: nClosed, c: t.conn(), h: t.h, reason: ReasonNormal})
	}
	d := s.cfg.TimeWaitDuration()
	if d <= 0 {
		// TIME-WAIT ablated: straight through to CLOSED.
		t.setState(Closed, CauseTimeWait)
		s.freeTCB(t)
		return
	}
	key, e := t.key, twEntry{
		key: t.key, inc: t.inc, peer: t.peer,
		sndNxt: t.sndNxt, rcvNxt: t.rcvNxt,
		tsRecent: t.tsRecent, tsOK: t.tsOK,
	}
	t.h = nil // no OnClosed again from freeTCB's caller
	s.freeTCB(t)
	s.tw.add(key, e, d)
}

// twEntry is a connection in TIME-WAIT, reduced to what §3.10.7.4 needs to
// answer its segments (as Linux's tcp_timewait_sock).
type twEntry struct {
	key            uint64
	inc, peer      Incarnation
	expire         engine.Time
	oow            oowLimiter
	sndNxt, rcvNxt Seq
	tsRecent       uint32
	gen            uint32
	tsOK           bool
	live           bool
}

// twExpiry is a pending TIME-WAIT timeout. All remnants of a stack have the
// same TIME-WAIT length, so expiries are queued in FIFO order; a restart
// of 2·MSL queues a new expiry and the old one is skipped.
type twExpiry struct {
	at   engine.Time
	slot uint32
	gen  uint32
}

// twBlockLen is the number of remnants in one block of a twTable.
const twBlockLen = 512

// twTable holds a stack's TIME-WAIT remnants and their one timer. The
// remnants live in fixed blocks of twBlockLen, found by slot: a table that
// grows to its peak population allocates a block at a time and never
// copies the remnants it holds (an appended slice copied them about four
// times over while it grew by a quarter at a time, 5-8 % of a run that
// builds up hundreds of thousands of remnants).
type twTable struct {
	s      *Stack
	blocks []*[twBlockLen]twEntry
	n      uint32 // slots ever used: 0 … n-1
	// free is 1 + the first slot of the free list, or 0 if it is empty.
	// The list runs through the dead entries themselves (see kill), so
	// freeing a slot never allocates: a free list in a slice grew by
	// appending as a run's last TIME-WAITs expired, 11 MB of garbage at
	// hundred-million's 600,000.
	free  uint32
	fifo  twFIFO
	live  int
	timer engine.Timer
}

// entry returns the remnant at slot.
func (tw *twTable) entry(slot uint32) *twEntry {
	return &tw.blocks[slot/twBlockLen][slot%twBlockLen]
}

func (tw *twTable) init(s *Stack) {
	tw.s = s
	tw.timer.Init(s.sim, tw.expire)
}

// add files a remnant under key, expiring after d.
func (tw *twTable) add(key uint64, e twEntry, d time.Duration) {
	var slot uint32
	if tw.free != 0 {
		slot = tw.free - 1
		dead := tw.entry(slot)
		tw.free = uint32(dead.key)
		e.gen = dead.gen + 1
	} else {
		slot = tw.n
		if slot%twBlockLen == 0 {
			tw.blocks = append(tw.blocks, new([twBlockLen]twEntry))
		}
		tw.n++
	}
	e.live = true
	*tw.entry(slot) = e
	tw.live++
	tw.s.bind(key, slot<<1|1)
	tw.schedule(slot, d)
}

// schedule (re)starts the remnant's TIME-WAIT timeout.
func (tw *twTable) schedule(slot uint32, d time.Duration) {
	e := tw.entry(slot)
	e.expire = tw.s.sim.Now().Add(d)
	tw.fifo.push(twExpiry{at: e.expire, slot: slot, gen: e.gen})
	if !tw.timer.Armed() {
		tw.timer.ResetAt(tw.fifo.front().at)
	}
}

// twFIFOLen is the number of expiries in one block of a twFIFO.
const twFIFOLen = 256

// twFIFO is the queue of pending TIME-WAIT expiries, in blocks of
// twFIFOLen: pushing never copies the queued expiries, and every block
// drained at the head is kept for the tail (pushes and pops do not
// alternate block by block: arrivals are random, and a restarted 2·MSL
// queues a second expiry). Spare blocks wait past the end of blocks, in
// its capacity, so the queue's memory is its peak length and neither a
// steady run nor a drain makes garbage. A queue that kept one spare made
// half a byte of garbage per connection at hundred-million's 600,000
// TIME-WAITs, and its peak RSS grew with the length of the run (issue 17).
type twFIFO struct {
	// blocks holds the queue, blocks[0] its head; blocks[len:cap] the
	// spare blocks, then nils.
	blocks     []*[twFIFOLen]twExpiry
	head, tail int // next to pop in blocks[0]; written in the last block
}

func (q *twFIFO) empty() bool {
	return len(q.blocks) == 0 || len(q.blocks) == 1 && q.head == q.tail
}

func (q *twFIFO) push(x twExpiry) {
	if len(q.blocks) == 0 || q.tail == twFIFOLen {
		if n := len(q.blocks); n < cap(q.blocks) && q.blocks[:n+1][n] != nil {
			q.blocks = q.blocks[:n+1] // a spare block
		} else {
			q.blocks = append(q.blocks, new([twFIFOLen]twExpiry))
		}
		q.tail = 0
	}
	q.blocks[len(q.blocks)-1][q.tail] = x
	q.tail++
}

// front returns the earliest expiry; the queue must not be empty.
func (q *twFIFO) front() *twExpiry { return &q.blocks[0][q.head] }

// pop removes the front expiry.
func (q *twFIFO) pop() {
	q.head++
	switch {
	case len(q.blocks) == 1 && q.head == q.tail:
		q.head, q.tail = 0, 0 // drained: write the block afresh
	case q.head == twFIFOLen:
		// The drained head block becomes the first spare.
		b, n := q.blocks[0], len(q.blocks)-1
		copy(q.blocks, q.blocks[1:])
		q.blocks[n] = b
		q.blocks = q.blocks[:n]
		q.head = 0
	}
}

// reset empties the queue, keeping its blocks as spares.
func (q *twFIFO) reset() {
	q.blocks = q.blocks[:0]
	q.head, q.tail = 0, 0
}

// expire is the TIME-WAIT TIMEOUT (RFC 9293 §3.10.8): "delete the TCB,
// enter the CLOSED state".
func (tw *twTable) expire(now engine.Time) {
	tw.s.enter()
	for !tw.fifo.empty() {
		x := *tw.fifo.front()
		if x.at > now {
			break
		}
		tw.fifo.pop()
		e := tw.entry(x.slot)
		if e.live && e.gen == x.gen && e.expire == x.at {
			tw.kill(x.slot, CauseTimeWait)
		}
	}
	if !tw.fifo.empty() {
		tw.timer.ResetAt(tw.fifo.front().at)
	}
	tw.s.exit()
}

// kill ends a remnant: TIME-WAIT → CLOSED.
func (tw *twTable) kill(slot uint32, cause Cause) {
	s := tw.s
	e := tw.entry(slot)
	s.trans[TimeWait][cause][Closed]++
	if s.obs != nil {
		s.obs.OnState(StateEvent{Time: s.sim.Now(), Conn: tw.id(e), From: TimeWait, To: Closed, Cause: cause})
	}
	s.unbind(e.key, slot<<1|1)
	// A dead entry keeps its gen (the next remnant in the slot counts on
	// from it) and links the free list through its key, which nothing reads
	// once live is false.
	e.live = false
	e.key = uint64(tw.free)
	tw.free = slot + 1
	tw.live--
}

// find returns the slot of the live remnant of incarnation inc under key,
// or -1.
func (tw *twTable) find(key uint64, inc Incarnation) int {
	ref, ok := tw.s.conns.Get(key)
	if !ok || ref&1 == 0 {
		return -1
	}
	if e := tw.entry(ref >> 1); e.live && e.inc == inc {
		return int(ref >> 1)
	}
	return -1
}

// reopen ends the remnant at slot so a new connection can take its 4-tuple,
// and returns the ISS the new connection should use if the config says so
// (RFC 1122 §4.2.2.13; Linux's old SND.NXT + 65537).
func (tw *twTable) reopen(slot uint32, cfg *Config) (Seq, bool) {
	e := tw.entry(slot)
	iss := e.sndNxt + 65537
	tw.s.ctr.TimeWaitReopens++
	tw.kill(slot, CauseReopen)
	return iss, cfg.ReopenISN == ReopenISNOldPlus65537
}

// crash forgets every remnant.
func (tw *twTable) crash() {
	for i := range tw.n {
		if tw.entry(i).live {
			tw.kill(i, CauseCrash)
		}
	}
	tw.fifo.reset()
	tw.timer.Stop()
}

func (tw *twTable) id(e *twEntry) ConnID {
	lport, raddr, rport := keyParts(e.key)
	return ConnID{Local: Endpoint{tw.s.addr, lport}, Remote: Endpoint{raddr, rport}, Incarnation: e.inc, Peer: e.peer}
}

// send transmits a segment from the remnant: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
func (tw *twTable) sendACK(e *twEntry, n Note) {
	s := tw.s
	lport, raddr, rport := keyParts(e.key)
	sg := Segment{SrcPort: lport, DstPort: rport, Seq: e.sndNxt, Ack: e.rcvNxt, Flags: ACK,
		Window: s.cfg.RcvWindow, Origin: e.inc}
	if e.tsOK {
		sg.Options = OptTimestamp
		sg.TSVal = uint32(s.sim.Now() / 1e6)
		sg.TSEcr = e.tsRecent
	}
	if n == NoteChallengeACK {
		s.ctr.ChallengeACKs++
	}
	s.transmit(raddr, &sg, n, e.inc, TimeWait)
}

// oowACK is tcb.oowACK for a remnant.
func (tw *twTable) oowACK(e *twEntry, n Note) {
	if e.oow.allow(tw.s.sim.Now(), tw.s.cfg.OOWAckInterval, &tw.s.ctr) {
		tw.sendACK(e, n)
	}
}

// arrive is SEGMENT ARRIVES (RFC 9293 §3.10.7.4) for a connection in
// TIME-WAIT.
func (tw *twTable) arrive(slot uint32, seg *Segment) {
	s := tw.s
	cfg := &s.cfg
	e := tw.entry(slot)
	_, raddr, _ := keyParts(e.key)
	segLen := seg.SeqLen()
	if cfg.TimeWaitBSD {
		tw.arriveBSD(slot, seg) // timewait_bsd.go
		return
	}

	if seg.Flags&(SYN|ACK|RST) == SYN && cfg.TimeWaitReopen {
		// RFC 1122 §4.2.2.13 and RFC 6191: a new SYN may reopen the
		// connection if its sequence number is above the old RCV.NXT (or,
		// with timestamps, its TSVal above TS.Recent).
		newer := seg.Seq.GT(e.rcvNxt)
		if e.tsOK && seg.Options&OptTimestamp != 0 {
			newer = newer || int32(seg.TSVal-e.tsRecent) > 0
		}
		if l, ok := s.listeners[seg.DstPort]; ok && newer && !l.closed {
			iss, use := tw.reopen(slot, cfg)
			l.synArrives(raddr, seg, iss, use)
			return
		}
	}

	// First: the acceptability test.
	if !acceptable(seg.Seq, segLen, e.rcvNxt, uint32(cfg.RcvWindow)) {
		if seg.Flags&RST != 0 {
			s.dropped(raddr, seg, NoteRstIgnored, e.inc, TimeWait)
			return
		}
		if seg.Flags&FIN != 0 && seg.Seq.Add(segLen) == e.rcvNxt {
			// §3.10.7.4, fifth and eighth, TIME-WAIT: "The only thing that
			// can arrive in this state is a retransmission of the remote
			// FIN. Acknowledge it, and restart the 2 MSL timeout."
			s.dropped(raddr, seg, NoteDuplicate, e.inc, TimeWait)
			tw.sendACK(e, NoteNone)
			tw.schedule(slot, cfg.TimeWaitDuration())
			return
		}
		s.dropped(raddr, seg, NoteUnacceptable, e.inc, TimeWait)
		tw.oowACK(e, NoteNone)
		return
	}

	// Second: the RST bit.
	if seg.Flags&RST != 0 {
		if cfg.ChallengeRST && seg.Seq != e.rcvNxt {
			// RFC 5961 §3.2: in window but not exact: challenge ACK.
			s.dropped(raddr, seg, NoteChallenge, e.inc, TimeWait)
			tw.oowACK(e, NoteChallengeACK)
			return
		}
		if cfg.RFC1337 {
			// RFC 1337 §3 (F1): ignore RST segments in TIME-WAIT.
			s.dropped(raddr, seg, NoteRstIgnored, e.inc, TimeWait)
			return
		}
		// §3.10.7.4, second, TIME-WAIT: "enter the CLOSED state, delete
		// the TCB" — TIME-WAIT assassination (RFC 1337 hazard H1).
		s.ctr.RSTsRcvd++
		s.ctr.TimeWaitAssassinations++
		tw.kill(slot, CauseRcvRst)
		return
	}

	// Fourth: the SYN bit.
	if seg.Flags&SYN != 0 {
		if cfg.ChallengeSYN {
			// RFC 5961 §4: challenge ACK whatever the sequence number.
			s.dropped(raddr, seg, NoteChallenge, e.inc, TimeWait)
			tw.oowACK(e, NoteChallengeACK)
			return
		}
		// RFC 793: an in-window SYN is an error: reset, delete the TCB.
		// The reset is <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>, as for a
		// live TCB (established.go).
		s.dropped(raddr, seg, NoteIgnored, e.inc, TimeWait)
		lport, _, rport := keyParts(e.key)
		s.transmit(raddr, &Segment{SrcPort: lport, DstPort: rport, Seq: e.sndNxt, Ack: e.rcvNxt, Flags: RST | ACK, Origin: e.inc}, NoteReset, e.inc, TimeWait)
		tw.kill(slot, CauseRcvSynReset)
		return
	}

	// Fifth: the ACK bit.
	if seg.Flags&ACK == 0 {
		s.dropped(raddr, seg, NoteNoAck, e.inc, TimeWait)
		return
	}
	if seg.Flags&FIN != 0 {
		// Eighth, TIME-WAIT: "Remain in the TIME-WAIT state. Restart the 2
		// MSL time-wait timeout."
		s.dropped(raddr, seg, NoteDuplicate, e.inc, TimeWait)
		tw.sendACK(e, NoteNone)
		tw.schedule(slot, cfg.TimeWaitDuration())
		return
	}
	// Sixth, seventh: URG and text are ignored in TIME-WAIT.
	s.dropped(raddr, seg, NoteIgnored, e.inc, TimeWait)
}
