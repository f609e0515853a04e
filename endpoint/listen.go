package endpoint

import "tcpsim/engine"

// ListenOptions configures a listener. Zero sizes take the stack's
// Config.SynQueue and Config.AcceptQueue.
type ListenOptions struct {
	// SynQueue bounds the connections in SYN-RECEIVED; AcceptQueue, the
	// backlog of listen(2), those established but not yet accepted. The
	// backlog is capped at Config.Somaxconn; a SynQueue of 0 (in the
	// options and the config) takes the capped backlog, as Linux bounds
	// both queues by sk_max_ack_backlog.
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
	// synMax and acceptMax bound the SYN queue and the accept queue.
	synMax, acceptMax int
	// lastCookie is when the listener last sent a SYN cookie, if
	// cookieSent: cookies in ACKs are looked for only for a while after.
	lastCookie engine.Time
	cookieSent bool
	// young counts the requests in the SYN queue that had no SYN-ACK
	// timeout yet (Linux's qlen_young), for Config.SynAckPrune.
	young int
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
	l.acceptMax, l.synMax = s.cfg.queueBounds(opts.SynQueue, opts.AcceptQueue)
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

// Bounds returns the sizes of the SYN queue and the accept queue.
func (l *Listener) Bounds() (syn, accept int) { return l.synMax, l.acceptMax }

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
	if len(l.acceptQ) >= l.acceptMax {
		return false
	}
	l.leaveSynQ(t)
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
	l.leaveSynQ(t)
}

// leaveSynQ takes t out of the SYN queue's counts.
func (l *Listener) leaveSynQ(t *tcb) {
	l.synQ--
	if t.backoff == 0 {
		l.young--
	}
}

// segmentArrives applies RFC 9293 §3.10.7.2 (LISTEN STATE) to a segment
// that matched no connection.
func (l *Listener) segmentArrives(src Addr, seg *Segment) {
	s := l.s
	switch {
	case seg.Flags&RST != 0:
		// First: "An incoming RST should be ignored."
		s.dropped(src, seg, NoteRstIgnored, l.inc, Listen)
	case seg.Flags&(ACK|SYN) == ACK && l.cookieACK(src, seg):
		// An ACK carrying a valid SYN cookie (RFC 4987 §3.6) completed a
		// handshake whose request was never kept (defences.go).
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
	if !l.admit(src, seg, useISS) {
		return
	}
	t := s.newTCB(tupleKey(seg.DstPort, src, seg.SrcPort), l.h)
	t.passive = true
	t.listener = l
	l.synQ++
	l.young++
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

// admit applies the listener's defences to a SYN in the order of Linux's
// tcp_conn_request and reports whether a SYN-RECEIVED TCB may be made for
// it; if not, the SYN was dropped or answered with a SYN cookie. A SYN
// that reopens TIME-WAIT (useISS) is exempt from cookies and from the
// SYN-queue rules, as Linux exempts a SYN with an ISN chosen by
// tcp_timewait_state_process.
func (l *Listener) admit(src Addr, seg *Segment, useISS bool) bool {
	s := l.s
	cfg := &s.cfg
	cookie := false
	if !useISS && (cfg.SynCookies == CookiesAlways || l.synQ >= l.synMax) {
		// The SYN queue is full (inet_csk_reqsk_queue_is_full), or every
		// SYN gets a cookie: tcp_syn_flood_action.
		if cfg.SynCookies == CookiesOff {
			s.ctr.SynQueueDrops++
			s.dropped(src, seg, NoteBacklogFull, l.inc, Listen)
			return false
		}
		cookie = true
	}
	if len(l.acceptQ) >= l.acceptMax {
		// sk_acceptq_is_full: the SYN is dropped, cookie or not (Linux's
		// ListenOverflows); the client will retransmit it.
		s.ctr.ListenOverflows++
		s.dropped(src, seg, NoteBacklogFull, l.inc, Listen)
		return false
	}
	if cookie {
		l.sendCookie(src, seg)
		return false
	}
	if n := cfg.MaxSynBacklog; !useISS && cfg.SynCookies == CookiesOff && n > 0 && n-l.synQ < n>>2 && !s.proven(src) {
		// "Without syncookies last quarter of backlog is filled with
		// destinations, proven to be alive" (tcp_conn_request,
		// tcp_peer_is_proven).
		s.ctr.SynBacklogDrops++
		s.dropped(src, seg, NoteBacklogFull, l.inc, Listen)
		return false
	}
	return true
}

// queueBounds returns a listener's accept-queue and SYN-queue bounds for
// the requested sizes: the backlog capped at Somaxconn (Linux's
// __sys_listen), and the SYN queue as asked or, if 0, the capped backlog.
func (c *Config) queueBounds(synQ, backlog int) (acceptMax, synMax int) {
	if c.Somaxconn > 0 {
		backlog = min(backlog, c.Somaxconn)
	}
	if synQ <= 0 {
		synQ = backlog
	}
	return backlog, synQ
}

// proven reports whether this host completed a handshake with addr (the
// simulation's tcp_peer_is_proven: Linux asks its TCP metrics cache).
func (s *Stack) proven(addr Addr) bool {
	_, ok := s.provenPeers[addr]
	return ok
}

// prove records that a handshake with addr completed, when the
// tcp_max_syn_backlog rule may ask.
func (s *Stack) prove(addr Addr) {
	if s.cfg.MaxSynBacklog > 0 && s.cfg.SynCookies == CookiesOff {
		if s.provenPeers == nil {
			s.provenPeers = make(map[Addr]struct{})
		}
		s.provenPeers[addr] = struct{}{}
	}
}
