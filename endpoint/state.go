package endpoint

import "fmt"

// State is a connection state of RFC 9293 §3.3.2 (Figure 5). CLOSED is the
// fictional state of a TCB that does not exist.
type State uint8

// The eleven states of RFC 9293 §3.3.2.
const (
	Closed State = iota
	Listen
	SynSent
	SynReceived
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
	// NumStates is the number of states, for tables indexed by State.
	NumStates
)

var stateNames = [NumStates]string{
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
}

// String returns the RFC spelling of the state, such as "SYN-SENT".
func (s State) String() string {
	if s < NumStates {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// ParseState returns the state with the RFC spelling name ("SYN-SENT").
func ParseState(name string) (State, bool) {
	for s, n := range stateNames {
		if n == name {
			return State(s), true
		}
	}
	return 0, false
}

// Synchronized reports whether the state is one of RFC 9293 §3.5.2's
// synchronized states (ESTABLISHED through TIME-WAIT).
func (s State) Synchronized() bool { return s >= Established && s <= TimeWait }

// Open reports whether the TCB exists (any state but CLOSED).
func (s State) Open() bool { return s != Closed && s < NumStates }

// CanSend reports whether SEND is serviced in the state (RFC 9293 §3.10.2):
// queued in LISTEN, SYN-SENT and SYN-RECEIVED, sent in ESTABLISHED and
// CLOSE-WAIT.
func (s State) CanSend() bool {
	switch s {
	case SynSent, SynReceived, Established, CloseWait:
		return true
	}
	return false
}

// Cause is the event that made a TCB change state: a user call, a kind of
// arriving segment, or a timeout (RFC 9293 §3.10's three categories).
type Cause uint8

// The causes of state changes.
const (
	CauseNone Cause = iota
	// User calls (RFC 9293 §3.10.1-3.10.5).
	CausePassiveOpen
	CauseActiveOpen
	CauseSend // SEND in LISTEN with a remote socket: passive to active
	CauseClose
	CauseAbort
	// Arriving segments (RFC 9293 §3.10.7).
	CauseRcvSyn      // a SYN without ACK (LISTEN, SYN-SENT)
	CauseRcvSynAck   // a SYN-ACK acknowledging our SYN (SYN-SENT)
	CauseRcvAck      // an ACK of our SYN or FIN
	CauseRcvFin      // a FIN
	CauseRcvRst      // an acceptable RST
	CauseRcvSynReset // a SYN in a synchronized state under RFC 793 rules, or in passive SYN-RECEIVED
	CauseTwoWay      // the two-way-handshake ablation accepting on the SYN alone
	CauseReopen      // a SYN (or new connect) reusing the 4-tuple of a TIME-WAIT TCB
	// Timeouts (RFC 9293 §3.10.8 and the optional timers).
	CauseTimeWait        // TIME-WAIT timeout (2·MSL or as configured)
	CauseUserTimeout     // user timeout (§3.10.8)
	CauseRetransmitLimit // R2 reached: too many retransmissions (§3.8.3)
	CauseFinWait2Timeout // the optional FIN-WAIT-2 timeout (Linux tcp_fin_timeout)
	CauseKeepAlive       // keep-alive probes unanswered (§3.8.4)
	// Host events.
	CauseCrash // the host crashed: the TCB vanished silently
	// CauseCookie: an ACK carrying a valid SYN cookie rebuilt the request
	// a listener never kept (RFC 4987 §3.6), LISTEN → SYN-RECEIVED.
	CauseCookie
	// NumCauses is the number of causes, for tables indexed by Cause.
	NumCauses
)

var causeNames = [NumCauses]string{
	"none", "passive OPEN", "active OPEN", "SEND", "CLOSE", "ABORT",
	"rcv SYN", "rcv SYN,ACK", "rcv ACK", "rcv FIN", "rcv RST", "rcv SYN (reset)",
	"two-way accept", "reopen", "TIME-WAIT timeout", "user timeout",
	"retransmission limit", "FIN-WAIT-2 timeout", "keep-alive timeout", "crash",
	"SYN cookie",
}

// String names the cause, such as "rcv SYN,ACK".
func (c Cause) String() string {
	if c < NumCauses {
		return causeNames[c]
	}
	return fmt.Sprintf("Cause(%d)", uint8(c))
}

// Legal reports whether from → to is a transition RFC 9293 allows: an arc
// of Figure 5 or a rule of §3.10. Besides Figure 5's arcs these are the
// §3.10 rules that delete a TCB from any state (ABORT §3.10.5, an acceptable
// RST §3.10.7.4 second, a SYN under RFC 793 rules §3.10.7.4 fourth, the user
// timeout §3.10.8, R2 §3.8.3), SYN-SENT to CLOSED on a RST (§3.10.7.3
// second) or CLOSE (§3.10.4), SYN-RECEIVED to LISTEN on a RST or SYN when
// opened passively (§3.10.7.4 second and fourth), SYN-RECEIVED to CLOSE-WAIT
// on a FIN (§3.10.7.4 eighth), FIN-WAIT-1 to TIME-WAIT on a FIN that
// acknowledges ours (§3.10.7.4 eighth), and LISTEN to SYN-SENT on SEND with
// a remote socket (§3.10.2).
func Legal(from, to State) bool {
	if from >= NumStates || to >= NumStates || from == to {
		return false
	}
	if to == Closed {
		return from != Closed
	}
	return legalArcs[from]&(1<<to) != 0
}

// legalArcs[from] has bit to set for each legal from → to other than the
// arcs to CLOSED.
var legalArcs = [NumStates]uint16{
	Closed:      1<<Listen | 1<<SynSent,
	Listen:      1<<SynReceived | 1<<SynSent,
	SynSent:     1<<SynReceived | 1<<Established,
	SynReceived: 1<<Established | 1<<FinWait1 | 1<<Listen | 1<<CloseWait,
	Established: 1<<FinWait1 | 1<<CloseWait,
	FinWait1:    1<<FinWait2 | 1<<Closing | 1<<TimeWait,
	FinWait2:    1 << TimeWait,
	CloseWait:   1 << LastAck,
	Closing:     1 << TimeWait,
	LastAck:     0,
	TimeWait:    0,
}

// Reason says why a connection ended, as reported to the application.
type Reason uint8

// The reasons a connection ends (the RFC 9293 §3.10 signals).
const (
	// ReasonNormal: both FINs exchanged (or the TCB reached TIME-WAIT).
	ReasonNormal Reason = iota
	// ReasonRefused: "connection refused", a RST answered our SYN.
	ReasonRefused
	// ReasonReset: "connection reset" by an acceptable RST.
	ReasonReset
	// ReasonTimedOut: "connection aborted due to user timeout", R2, an
	// establishment limit, or keep-alive.
	ReasonTimedOut
	// ReasonAborted: the local user called ABORT (or CLOSE in SYN-SENT).
	ReasonAborted
)

var reasonNames = [...]string{"normal", "refused", "reset", "timed out", "aborted"}

// String names the reason.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}
