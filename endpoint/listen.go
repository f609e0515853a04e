package endpoint

// ListenOptions configures a listener. Zero sizes take the stack's
// Config.SynQueue and Config.AcceptQueue.
type ListenOptions struct {
	// SynQueue bounds the connections in SYN-RECEIVED; AcceptQueue those
	// established but not yet accepted.
	SynQueue, AcceptQueue int
	// ManualAccept leaves established connections in the accept queue until
	// the application calls Accept; otherwise each is accepted at once and
	// reported with OnAccept.
	ManualAccept bool
}

// Listener is a passive OPEN (RFC 9293 §3.10.1): a TCB in LISTEN that
// creates a new TCB for each acceptable SYN (real stacks fork the listener
// rather than turning it into the connection, so one port serves many
// peers).
type Listener struct {
	s       *Stack
	port    uint16
	inc     Incarnation
	h       Handler
	opts    ListenOptions
	synQ    int
	acceptQ []*tcb
	closed  bool
}

// Listen performs a passive OPEN on port; h receives OnAccept for each new
// connection and, until it is replaced with Conn.SetHandler, the
// connection's other reports.
func (s *Stack) Listen(port uint16, opts ListenOptions, h Handler) (*Listener, error) {
	if port == 0 {
		return nil, ErrRemoteUnspecified
	}
	if _, ok := s.listeners[port]; ok {
		return nil, ErrAddrInUse
	}
	if opts.SynQueue <= 0 {
		opts.SynQueue = s.cfg.SynQueue
	}
	if opts.AcceptQueue <= 0 {
		opts.AcceptQueue = s.cfg.AcceptQueue
	}
	l := &Listener{s: s, port: port, inc: s.ids.Next(), h: h, opts: opts}
	s.listeners[port] = l
	s.trans[Closed][CausePassiveOpen][Listen]++
	if s.obs != nil {
		s.obs.OnState(StateEvent{Time: s.sim.Now(), Conn: l.id(), From: Closed, To: Listen, Cause: CausePassiveOpen})
	}
	return l, nil
}

func (l *Listener) id() ConnID {
	return ConnID{Local: Endpoint{l.s.addr, l.port}, Incarnation: l.inc}
}

// Port returns the listening port.
func (l *Listener) Port() uint16 { return l.port }

// Incarnation returns the listening TCB's identity.
func (l *Listener) Incarnation() Incarnation { return l.inc }

// Queues returns the number of connections in the SYN queue and in the
// accept queue.
func (l *Listener) Queues() (syn, accept int) { return l.synQ, len(l.acceptQ) }

// Accept takes the oldest connection from the accept queue; it is
// AcceptTo(nil).
func (l *Listener) Accept() (Conn, bool) { return l.AcceptTo(nil) }

// AcceptTo takes the oldest connection from the accept queue and hands it to
// h (nil keeps the listener's handler). The reports held back while the
// connection waited in the queue (its data and the peer's FIN) go to h, in
// order; called outside a handler, they are made before AcceptTo returns.
func (l *Listener) AcceptTo(h Handler) (Conn, bool) {
	if len(l.acceptQ) == 0 {
		return Conn{}, false
	}
	t := l.acceptQ[0]
	copy(l.acceptQ, l.acceptQ[1:])
	l.acceptQ = l.acceptQ[:len(l.acceptQ)-1]
	if h != nil {
		t.h = h
	}
	l.s.enter()
	l.accept(t, false)
	l.s.exit()
	return t.conn(), true
}

// Close deletes the listener (CLOSE in LISTEN, RFC 9293 §3.10.4) and
// aborts the connections it has not yet handed to the application.
func (l *Listener) Close() error {
	if l.closed {
		return ErrNotExist
	}
	s := l.s
	s.enter()
	defer s.exit()
	l.closed = true
	delete(s.listeners, l.port)
	s.trans[Listen][CauseClose][Closed]++
	if s.obs != nil {
		s.obs.OnState(StateEvent{Time: s.sim.Now(), Conn: l.id(), From: Listen, To: Closed, Cause: CauseClose})
	}
	for _, t := range s.tcbs {
		if t.listener == l && t.state != Closed {
			t.sendRST(t.sndNxt, 0, false, NoteReset)
			t.finish(Closed, CauseAbort, ReasonAborted)
		}
	}
	return nil
}

// accept hands t to the application. With notify, OnAccept is queued on the
// listener's handler; every report that follows it (queued after it, in
// the order the events happened) goes to the handler OnAccept installs
// (Conn.SetHandler redirects them).
func (l *Listener) accept(t *tcb, notify bool) {
	t.listener = nil
	t.accepted = true
	l.s.ctr.Accepted++
	if notify && l.h != nil {
		l.s.notify(notice{kind: nAccept, c: t.conn(), h: l.h, l: l})
	}
	// Reports held back while the connection was not yet the
	// application's.
	if t.rcvd > 0 && t.h != nil {
		l.s.notify(notice{kind: nData, c: t.conn(), h: t.h, n: int(t.rcvd), stale: int(t.staleRcvd)})
	}
	if t.finRcvd && t.h != nil {
		l.s.notify(notice{kind: nPeerClose, c: t.conn(), h: t.h})
	}
}

// established moves a passive TCB from the SYN queue to the accept queue.
// It reports false if the accept queue is full.
func (l *Listener) established(t *tcb) bool {
	if len(l.acceptQ) >= l.opts.AcceptQueue {
		return false
	}
	l.synQ--
	t.inAcceptQ = true
	if l.opts.ManualAccept {
		l.acceptQ = append(l.acceptQ, t)
		return true
	}
	t.inAcceptQ = false
	l.accept(t, true)
	return true
}

// forget removes a dying TCB from the listener's queues.
func (l *Listener) forget(t *tcb) {
	if t.inAcceptQ {
		for i, u := range l.acceptQ {
			if u == t {
				l.acceptQ = append(l.acceptQ[:i], l.acceptQ[i+1:]...)
				break
			}
		}
		t.inAcceptQ = false
		return
	}
	l.synQ--
}

// segmentArrives applies RFC 9293 §3.10.7.2 (LISTEN STATE) to a segment
// that matched no connection.
func (l *Listener) segmentArrives(src Addr, seg *Segment) {
	s := l.s
	switch {
	case seg.Flags&RST != 0:
		// First: "An incoming RST should be ignored."
		s.dropped(src, seg, NoteRstIgnored, l.inc, Listen)
	case seg.Flags&ACK != 0:
		// Second: "Any acknowledgment is bad ... <SEQ=SEG.ACK><CTL=RST>".
		// It reveals a half-open connection as CLOSED does (Figure 10):
		// the peer's TCB outlived ours, typically across a crash.
		s.dropped(src, seg, NoteBadAck, l.inc, Listen)
		if seg.Flags&SYN == 0 {
			s.ctr.HalfOpenDetections++
		}
		s.resetFor(src, seg, 0)
	case seg.Flags&SYN != 0:
		// Third: check for a SYN.
		l.synArrives(src, seg, 0, false)
	default:
		// Fourth: "This should not be reached. Drop the segment."
		s.dropped(src, seg, NoteIgnored, l.inc, Listen)
	}
}

// synArrives creates a SYN-RECEIVED TCB for an acceptable SYN. If useISS,
// iss is the new ISS (a TIME-WAIT reopen).
func (l *Listener) synArrives(src Addr, seg *Segment, iss Seq, useISS bool) {
	s := l.s
	if l.synQ >= l.opts.SynQueue || len(l.acceptQ) >= l.opts.AcceptQueue {
		s.ctr.ListenOverflows++
		s.dropped(src, seg, NoteBacklogFull, l.inc, Listen)
		if s.cfg.ListenOverflow == OverflowReset {
			s.resetFor(src, seg, 0)
		}
		return
	}
	t := s.newTCB(tupleKey(seg.DstPort, src, seg.SrcPort), l.h)
	t.passive = true
	t.listener = l
	l.synQ++
	s.ctr.PassiveOpens++
	t.state = Listen // the fork starts as a copy of the listener
	// §3.10.7.2, third: RCV.NXT <- SEG.SEQ+1, IRS <- SEG.SEQ; select ISS,
	// send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SND.NXT <- ISS+1,
	// SND.UNA <- ISS, enter SYN-RECEIVED. Text on the SYN is not accepted
	// (it would be queued until ESTABLISHED; like Linux without Fast Open
	// we drop it, and the peer retransmits it).
	t.irs = seg.Seq
	t.rcvNxt = seg.Seq + 1
	t.peer = seg.Origin
	t.synOptions(seg)
	if !useISS {
		iss = s.pickISN(seg.DstPort, src, seg.SrcPort)
	}
	t.iss = iss
	t.sndUna = iss
	t.sndNxt = iss + 1
	t.sndWnd = uint32(seg.Window)
	t.maxSndWnd = t.sndWnd
	t.sndWl1 = seg.Seq
	t.setState(SynReceived, CauseRcvSyn)
	t.sendSYN(false)
	t.startConnTimer()
	if s.cfg.TwoWayHandshake {
		// Ablation: accept on the SYN alone (no RFC 9293 rule; a
		// SYN-RECEIVED → ESTABLISHED arc taken without the ACK of our SYN).
		if l.established(t) {
			t.setState(Established, CauseTwoWay)
			t.stopTimer(tmConn)
		}
	}
}
