package endpoint

import (
	"time"

	"tcpsim/engine"
)

// Handler receives a connection's asynchronous reports (RFC 9293 §3.9.1.8).
// Calls are made after the stack has finished processing the event that
// caused them, so a handler may call any Conn or Stack method.
type Handler interface {
	// OnEstablished: an actively opened connection reached ESTABLISHED.
	OnEstablished(c Conn)
	// OnAccept: a listener's connection was accepted (it reached
	// ESTABLISHED, or SYN-RECEIVED under the two-way-handshake ablation).
	// It is called on the listener's handler; c.SetHandler can hand the
	// connection to another.
	OnAccept(l *Listener, c Conn)
	// OnData: n bytes were delivered in order; stale of them came from an
	// incarnation other than the peer this TCB synchronized with.
	OnData(c Conn, n, stale int)
	// OnPeerClose: the peer's FIN arrived ("connection closing").
	OnPeerClose(c Conn)
	// OnClosed is the last report: the connection is gone for the
	// application. For an active closer it comes when TIME-WAIT begins
	// (the remnant no longer belongs to the application, as in Linux).
	OnClosed(c Conn, r Reason)
}

// NopHandler is a Handler that ignores everything; embed it to implement
// only some methods.
type NopHandler struct{}

// OnEstablished does nothing.
func (NopHandler) OnEstablished(Conn) {}

// OnAccept does nothing.
func (NopHandler) OnAccept(*Listener, Conn) {}

// OnData does nothing.
func (NopHandler) OnData(Conn, int, int) {}

// OnPeerClose does nothing.
func (NopHandler) OnPeerClose(Conn) {}

// OnClosed does nothing.
func (NopHandler) OnClosed(Conn, Reason) {}

// timer indices into tcb.dl.
const (
	tmRTO  = iota // retransmission (SYN, SYN-ACK, data, FIN) and window probe
	tmDack        // delayed ACK
	tmKeep        // keep-alive
	tmUser        // user timeout (§3.10.8)
	tmConn        // connection-establishment bound
	tmFW2         // FIN-WAIT-2 timeout
	numTimers
)

// oooSeg is a segment held for later processing (RFC 9293 §3.10.7.4,
// first: "segments with higher beginning sequence numbers SHOULD be held").
type oooSeg struct {
	seq    Seq
	len    uint32
	fin    bool
	origin Incarnation
}

// tcb is a transmission control block (RFC 9293 §3.3.1). TCBs are recycled
// by their stack; a Conn names one incarnation of a tcb.
type tcb struct {
	s         *Stack
	slot      uint32
	key       uint64
	inc       Incarnation
	peer      Incarnation
	state     State
	passive   bool // reached SYN-RECEIVED from LISTEN (MUST-11)
	accepted  bool
	inAcceptQ bool
	listener  *Listener
	h         Handler
	raddr     Addr
	lport     uint16
	rport     uint16

	// Send sequence variables (RFC 9293 §3.3.1, Figure 3).
	iss, sndUna, sndNxt Seq
	sndWnd, maxSndWnd   uint32
	sndWl1, sndWl2      Seq
	sndMSS              uint32
	// Send buffer as byte offsets in our stream: queued by SEND, sent at
	// least once, acknowledged.
	queued, sent, acked uint64
	closeQueued         bool // CLOSE called: FIN follows the queued data
	finSent             bool
	finAcked            bool

	// Receive sequence variables (Figure 4).
	irs, rcvNxt Seq
	rcvWnd      uint32
	rcvd        uint64 // bytes delivered in order
	staleRcvd   uint64 // of which from another incarnation
	finRcvd     bool
	ooo         []oooSeg

	// Timestamps (RFC 7323).
	tsOK     bool
	tsRecent uint32
	// What the peer's SYN offered and what the connection uses (options.go):
	// SACK (RFC 2018) and window scale shifts (RFC 7323 §2).
	peerSACK, peerWS, sackOK bool
	sndShift, rcvShift       uint8
	lastOOO                  Seq  // start of the last segment held out of order
	peerECN, ecnOK           bool // the peer's SYN asked for ECN; ECN in use (RFC 3168)

	// RFC 6298 state.
	srtt, rttvar, rto time.Duration
	rttSeq            Seq
	rttStart          engine.Time
	rttTiming         bool
	backoff           int  // consecutive timeouts of the front segment
	recover           Seq  // SND.NXT when the last timeout happened
	inRecovery        bool // retransmitting what was outstanding at recover
	synResent         bool
	synStart          engine.Time // when an active open sent its first SYN

	// ACK and keep-alive bookkeeping.
	ackPending bool
	ackNow     bool // the pending ACK must not be delayed
	unacked    int  // full segments received since our last ACK
	kaProbes   int
	oow        oowLimiter

	timer   engine.Timer
	timerFn func(engine.Time)
	dl      [numTimers]engine.Time
	armedAt engine.Time // the engine timer's deadline, Never if idle
}

// Conn is the application's handle on one connection: one incarnation of a
// TCB. It is a small comparable value; once the connection is gone its
// methods report CLOSED or ErrNotExist.
type Conn struct {
	t   *tcb
	inc Incarnation
	key uint64
}

func (c Conn) live() *tcb {
	if c.t == nil || c.t.inc != c.inc || c.t.state == Closed {
		return nil
	}
	return c.t
}

// Valid reports whether c names a connection (live or not); the zero Conn
// is not valid.
func (c Conn) Valid() bool { return c.t != nil }

// Incarnation returns the connection's unique identity.
func (c Conn) Incarnation() Incarnation { return c.inc }

// State returns the connection's state; CLOSED once the TCB is deleted and
// TIME-WAIT while its TIME-WAIT remnant lives.
func (c Conn) State() State {
	if t := c.live(); t != nil {
		return t.state
	}
	if c.t != nil && c.t.s.tw.find(c.key, c.inc) >= 0 {
		return TimeWait
	}
	return Closed
}

// Status is the answer to the STATUS call (RFC 9293 §3.10.6 and §3.9.1.5).
type Status struct {
	ID    ConnID
	State State
	// Passive reports a connection created by a listener.
	Passive bool
	// SendWindow is SND.WND, RecvWindow RCV.WND.
	SendWindow, RecvWindow uint32
	// Queued, Sent and Acked count bytes given to SEND, sent at least once,
	// and acknowledged; Received counts bytes delivered in order.
	Queued, Sent, Acked, Received uint64
	// SRTT and RTO are the RFC 6298 estimates.
	SRTT, RTO time.Duration
	// ISS and IRS are the initial sequence numbers.
	ISS, IRS Seq
	// SndUna, SndNxt and RcvNxt are SND.UNA, SND.NXT and RCV.NXT (RFC 9293
	// §3.3.1), for experiments that craft segments relative to them.
	SndUna, SndNxt, RcvNxt Seq
}

// Status returns the connection's status; ok is false (RFC 9293: "error:
// connection does not exist") once the TCB is deleted.
func (c Conn) Status() (st Status, ok bool) {
	t := c.live()
	if t == nil {
		return Status{ID: ConnID{Incarnation: c.inc}, State: c.State()}, false
	}
	return Status{
		ID: t.id(), State: t.state, Passive: t.passive,
		SendWindow: t.sndWnd, RecvWindow: t.rcvWnd,
		Queued: t.queued, Sent: t.sent, Acked: t.acked, Received: t.rcvd,
		SRTT: t.srtt, RTO: t.rto, ISS: t.iss, IRS: t.irs,
		SndUna: t.sndUna, SndNxt: t.sndNxt, RcvNxt: t.rcvNxt,
	}, true
}

// ID returns the connection's 4-tuple and incarnations (the zero ConnID with
// just the incarnation once the TCB is deleted).
func (c Conn) ID() ConnID {
	if t := c.live(); t != nil {
		return t.id()
	}
	return ConnID{Incarnation: c.inc}
}

// PeerIncarnation returns the incarnation of the peer TCB this one
// synchronized with (0 until a SYN or SYN-ACK was accepted).
func (c Conn) PeerIncarnation() Incarnation {
	if t := c.live(); t != nil {
		return t.peer
	}
	return 0
}

// SetHandler replaces the connection's handler. Reports already due but not
// yet made go to h as well: a handler that calls SetHandler from OnAccept
// gets every report that follows the accept, including those caused by the
// segment that completed the handshake (its data and FIN).
func (c Conn) SetHandler(h Handler) {
	if c.t == nil {
		return
	}
	if t := c.live(); t != nil {
		t.h = h
	}
	c.t.s.redirect(c, h)
}

// Send queues n bytes for transmission (the SEND call, RFC 9293 §3.10.2).
func (c Conn) Send(n int) error {
	t := c.live()
	if t == nil {
		return ErrNotExist
	}
	if n < 0 {
		return ErrBadLength
	}
	switch t.state {
	case SynSent, SynReceived:
		// §3.10.2: queue the data for transmission after entering
		// ESTABLISHED.
		if t.closeQueued {
			return ErrClosing
		}
		t.queued += uint64(n)
		return nil
	case Established, CloseWait:
		if t.closeQueued {
			return ErrClosing
		}
		// §3.10.2: segmentize the buffer and send it with a piggybacked
		// acknowledgment.
		t.queued += uint64(n)
		s := t.s
		s.enter()
		t.output()
		s.exit()
		return nil
	}
	// §3.10.2: FIN-WAIT-1 ... TIME-WAIT: "error: connection closing".
	return ErrClosing
}

// Close closes the sending direction (the CLOSE call, RFC 9293 §3.10.4):
// queued data is sent, then a FIN.
func (c Conn) Close() error {
	t := c.live()
	if t == nil {
		return ErrNotExist
	}
	s := t.s
	s.enter()
	defer s.exit()
	return t.userClose()
}

// Abort resets the connection (the ABORT call, RFC 9293 §3.10.5).
func (c Conn) Abort() error {
	t := c.live()
	if t == nil {
		if c.t != nil {
			// §3.10.5, TIME-WAIT: respond "ok" and delete the TCB.
			s := c.t.s
			if slot := s.tw.find(c.key, c.inc); slot >= 0 {
				s.enter()
				s.tw.kill(uint32(slot), CauseAbort)
				s.exit()
				return nil
			}
		}
		return ErrNotExist
	}
	s := t.s
	s.enter()
	defer s.exit()
	switch t.state {
	case SynReceived, Established, FinWait1, FinWait2, CloseWait:
		// §3.10.5: send <SEQ=SND.NXT><CTL=RST>, flush queues, delete.
		t.sendRST(t.sndNxt, t.rcvNxt, t.s.cfg.AbortRSTACK, NoteReset) // AbortRSTACK: options.go
	}
	t.finish(Closed, CauseAbort, ReasonAborted)
	return nil
}

func (t *tcb) userClose() error {
	switch t.state {
	case SynSent:
		// §3.10.4: delete the TCB; queued SENDs get "error: closing".
		t.finish(Closed, CauseClose, ReasonAborted)
		return nil
	case SynReceived:
		if t.closeQueued {
			return ErrClosing
		}
		t.closeQueued = true
		// §3.10.4: with nothing to send, form a FIN and enter FIN-WAIT-1;
		// otherwise queue the CLOSE until ESTABLISHED.
		if t.queued == 0 {
			t.sendFIN(false)
			t.setState(FinWait1, CauseClose)
		}
		return nil
	case Established, CloseWait:
		if t.closeQueued {
			return ErrClosing
		}
		// §3.10.4: queue until preceding SENDs are segmentized, then send a
		// FIN; ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK.
		t.closeQueued = true
		if t.state == Established {
			t.setState(FinWait1, CauseClose)
		} else {
			t.setState(LastAck, CauseClose)
		}
		t.output()
		return nil
	}
	// §3.10.4: FIN-WAIT-1/2 (a second FIN is never emitted), CLOSING,
	// LAST-ACK, TIME-WAIT: "error: connection closing".
	return ErrClosing
}

// visible reports whether the application knows the connection: active
// opens always, passive ones once accepted.
func (t *tcb) visible() bool { return t.h != nil && (!t.passive || t.accepted) }

func (t *tcb) id() ConnID {
	return ConnID{
		Local:       Endpoint{t.s.addr, t.lport},
		Remote:      Endpoint{t.raddr, t.rport},
		Incarnation: t.inc,
		Peer:        t.peer,
	}
}

func (t *tcb) conn() Conn { return Conn{t: t, inc: t.inc, key: t.key} }

// setState moves the TCB to a new state, counting the transition and
// telling the observer.
func (t *tcb) setState(to State, cause Cause) {
	from := t.state
	t.state = to
	s := t.s
	s.trans[from][cause][to]++
	if s.obs != nil {
		s.obs.OnState(StateEvent{Time: s.sim.Now(), Conn: t.id(), From: from, To: to, Cause: cause, Passive: t.passive})
	}
}

// finish ends the TCB: it enters to (CLOSED, or LISTEN for a passive
// SYN-RECEIVED TCB returning to its listener), the application gets
// OnClosed(r) if it knew the connection, and the TCB is deleted.
func (t *tcb) finish(to State, cause Cause, r Reason) {
	if t.state != to {
		t.setState(to, cause)
	}
	// A forked SYN-RECEIVED TCB that "returns to LISTEN" is deleted: its
	// listener already is the LISTEN state.
	if t.visible() {
		t.s.notify(notice{kind: nClosed, c: t.conn(), h: t.h, reason: r})
	}
	t.s.freeTCB(t)
}
