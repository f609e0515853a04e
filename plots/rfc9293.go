package plots

// LegalTransition is one state transition that RFC 9293 allows, with the
// place in the RFC that allows it.
type LegalTransition struct {
	From, To string
	Source   string
}

// rfc9293Transitions is the default table of legal transitions: the arcs of
// RFC 9293's state diagram (Figure 5 in §3.3.2) and its notes, and the
// transitions the event processing of §3.6 and §3.10 adds to it.
var rfc9293Transitions = []LegalTransition{
	// Figure 5, opening.
	{"CLOSED", "LISTEN", "Figure 5: passive OPEN"},
	{"CLOSED", "SYN-SENT", "Figure 5: active OPEN, snd SYN"},
	{"LISTEN", "SYN-RECEIVED", "Figure 5: rcv SYN, snd SYN,ACK"},
	{"LISTEN", "SYN-SENT", "Figure 5: SEND, snd SYN"},
	{"LISTEN", "CLOSED", "Figure 5: CLOSE; §3.10.4 ABORT"},
	{"SYN-SENT", "SYN-RECEIVED", "Figure 5: rcv SYN, snd SYN,ACK (simultaneous open)"},
	{"SYN-SENT", "ESTABLISHED", "Figure 5: rcv SYN,ACK, snd ACK"},
	{"SYN-SENT", "CLOSED", "Figure 5: CLOSE; §3.10.7.3 acceptable RST; §3.10.4 ABORT"},
	{"SYN-RECEIVED", "ESTABLISHED", "Figure 5: rcv ACK of SYN"},
	{"SYN-RECEIVED", "FIN-WAIT-1", "Figure 5: CLOSE, snd FIN"},
	{"SYN-RECEIVED", "LISTEN", "Figure 5, note 1: rcv RST after a passive OPEN"},
	// Figure 5, closing.
	{"ESTABLISHED", "FIN-WAIT-1", "Figure 5: CLOSE, snd FIN"},
	{"ESTABLISHED", "CLOSE-WAIT", "Figure 5: rcv FIN, snd ACK"},
	{"FIN-WAIT-1", "FIN-WAIT-2", "Figure 5: rcv ACK of FIN"},
	{"FIN-WAIT-1", "CLOSING", "Figure 5: rcv FIN, snd ACK"},
	{"FIN-WAIT-1", "TIME-WAIT", "Figure 5, note 2; §3.10.7.4 eighth: rcv FIN that also ACKs our FIN"},
	{"FIN-WAIT-2", "TIME-WAIT", "Figure 5: rcv FIN, snd ACK"},
	{"CLOSE-WAIT", "LAST-ACK", "Figure 5: CLOSE, snd FIN"},
	{"CLOSING", "TIME-WAIT", "Figure 5: rcv ACK of FIN"},
	{"LAST-ACK", "CLOSED", "Figure 5: rcv ACK of FIN"},
	{"TIME-WAIT", "CLOSED", "Figure 5: timeout = 2MSL"},
	// §3.10: a FIN in SYN-RECEIVED.
	{"SYN-RECEIVED", "CLOSE-WAIT", "§3.10.7.4 eighth: FIN in SYN-RECEIVED, enter CLOSE-WAIT"},
	// Figure 5 note 3 and §3.10: a RST received, ABORT or the user
	// timeout ends a connection from any state that has one.
	{"SYN-RECEIVED", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST (active OPEN); §3.10.4 ABORT; §3.10.8 user timeout"},
	{"ESTABLISHED", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST; §3.10.4 ABORT; §3.10.8 user timeout"},
	{"FIN-WAIT-1", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST; §3.10.4 ABORT; §3.10.8 user timeout"},
	{"FIN-WAIT-2", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST; §3.10.4 ABORT; §3.10.8 user timeout"},
	{"CLOSE-WAIT", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST; §3.10.4 ABORT; §3.10.8 user timeout"},
	{"CLOSING", "CLOSED", "Figure 5, note 3; §3.10.7.4 second: RST; §3.10.4 ABORT; §3.10.8 user timeout"},
	// Figure 5 note 3: "A RST can be sent from any state with a
	// corresponding transition to TIME-WAIT"; read here as the states that
	// have a connection to reset (the ones where ABORT sends a RST, §3.10.4).
	{"SYN-RECEIVED", "TIME-WAIT", "Figure 5, note 3: RST sent; §3.6.1 MAY-2 (2): an old duplicate SYN that reopened TIME-WAIT"},
	{"ESTABLISHED", "TIME-WAIT", "Figure 5, note 3: RST sent"},
	{"CLOSE-WAIT", "TIME-WAIT", "Figure 5, note 3: RST sent"},
	{"LAST-ACK", "TIME-WAIT", "Figure 5, note 3: RST sent"},
	// §3.6.1: reopening from TIME-WAIT.
	{"TIME-WAIT", "SYN-RECEIVED", "§3.6.1 MAY-2: a new SYN reopens the connection from TIME-WAIT"},
}

// RFC9293Transitions returns a copy of the default table of legal state
// transitions, each with its source in RFC 9293:
//
//   - the arcs of the state diagram, Figure 5 in §3.3.2, and its notes: 1,
//     SYN-RECEIVED back to LISTEN on a RST after a passive OPEN; 2,
//     FIN-WAIT-1 straight to TIME-WAIT on a FIN that also acknowledges ours;
//     3, a RST received ends a connection in any state (to CLOSED), and a
//     RST sent may move any state with a connection to TIME-WAIT;
//   - from §3.10 (event processing): a FIN in SYN-RECEIVED enters
//     CLOSE-WAIT (§3.10.7.4, eighth); ABORT (§3.10.4) and the user timeout
//     (§3.10.8) end a connection from any state;
//   - from §3.6.1 (MAY-2, after RFC 1122 §4.2.2.13): a new SYN may reopen a
//     connection from TIME-WAIT, going back to TIME-WAIT if it turns out to
//     be an old duplicate.
//
// A caller whose implementation takes fewer liberties (no RST-to-TIME-WAIT,
// no reopening) can filter the table and pass the stricter set to
// TransitionCoverage.
func RFC9293Transitions() []LegalTransition {
	return append([]LegalTransition(nil), rfc9293Transitions...)
}

// rfc9293Set indexes rfc9293Transitions.
var rfc9293Set = func() map[[2]string]bool {
	m := make(map[[2]string]bool, len(rfc9293Transitions))
	for _, t := range rfc9293Transitions {
		m[[2]string{t.From, t.To}] = true
	}
	return m
}()

// RFC9293Legal reports whether from → to is in RFC9293Transitions. It is
// the default legality of TransitionCoverage.
func RFC9293Legal(from, to string) bool { return rfc9293Set[[2]string{from, to}] }

// LegalSet returns a legality function for TransitionCoverage from a list of
// transitions, such as a filtered RFC9293Transitions.
func LegalSet(ts []LegalTransition) func(from, to string) bool {
	m := make(map[[2]string]bool, len(ts))
	for _, t := range ts {
		m[[2]string{t.From, t.To}] = true
	}
	return func(from, to string) bool { return m[[2]string{from, to}] }
}
