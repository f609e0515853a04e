package endpoint

import (
	"strings"
	"testing"
	"time"

	"tcpsim/engine"
)

// rig is one stack under test ("me", 10.0.0.1:40000) whose peer
// (10.0.0.2:80) is the test itself: segments are delivered by hand and
// everything the stack sends is captured.
type rig struct {
	sim     *engine.Sim
	me      *Stack
	out     []Segment
	last    map[Incarnation]State
	events  []StateEvent
	subject Incarnation
	child   Incarnation // a TCB forked by the listener
	conn    Conn
}

const (
	myPort, peerPort = 40000, 80
	myISS, peerISS   = Seq(1000), Seq(5000)
)

func (r *rig) Transmit(src, dst Addr, seg *Segment) { r.out = append(r.out, *seg) }
func (r *rig) OnSegment(SegmentEvent)               {}
func (r *rig) OnState(e StateEvent) {
	r.last[e.Conn.Incarnation] = e.To
	r.events = append(r.events, e)
	if e.From == Listen && e.To == SynReceived {
		r.child = e.Conn.Incarnation
		if r.subject == 0 {
			r.subject = r.child // a listener's child becomes the subject
		}
	}
}

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{sim: engine.New(), last: map[Incarnation]State{}}
	st, err := NewStack(r.sim, addrA, cfg, engine.NewStreams(1, 0).Rand("rig"), NewIDs(), r)
	if err != nil {
		t.Fatal(err)
	}
	st.SetObserver(r)
	st.SetISNFunc(func(_, _ Endpoint) Seq { return myISS })
	r.me = st
	return r
}

// in delivers a segment from the peer.
func (r *rig) in(flags Flags, seq, ack Seq, n uint32) {
	r.me.Deliver(addrB, addrA, &Segment{SrcPort: peerPort, DstPort: myPort, Flags: flags, Seq: seq, Ack: ack,
		Len: n, Window: 65535, Origin: 77})
}

func (r *rig) state() State {
	if r.child != 0 && r.child != r.subject {
		// The subject is a listener that forked a child: report the child.
		return r.last[r.child]
	}
	if s, ok := r.last[r.subject]; ok {
		return s
	}
	return Closed
}

// setups drive the subject TCB into each state. Afterwards the sequence
// variables are: ISS 1000, IRS 5000, and SND.NXT/RCV.NXT as listed in
// seqs.
func setup(t *testing.T, r *rig, state string) {
	switch state {
	case "LISTEN":
		l, err := r.me.Listen(myPort, ListenOptions{}, NopHandler{})
		if err != nil {
			t.Fatal(err)
		}
		r.subject = l.Incarnation()
	case "SYN-SENT":
		c, err := r.me.ConnectFrom(myPort, addrB, peerPort, NopHandler{})
		if err != nil {
			t.Fatal(err)
		}
		r.conn, r.subject = c, c.Incarnation()
	case "SYN-RECEIVED/passive":
		setup(t, r, "LISTEN")
		r.subject = 0
		r.in(SYN, peerISS, 0, 0)
	case "SYN-RECEIVED/active":
		setup(t, r, "SYN-SENT")
		r.in(SYN, peerISS, 0, 0)
	case "ESTABLISHED":
		setup(t, r, "SYN-SENT")
		r.in(SYN|ACK, peerISS, myISS+1, 0)
	case "FIN-WAIT-1":
		setup(t, r, "ESTABLISHED")
		r.conn.Close()
	case "FIN-WAIT-2":
		setup(t, r, "FIN-WAIT-1")
		r.in(ACK, peerISS+1, myISS+2, 0)
	case "CLOSE-WAIT":
		setup(t, r, "ESTABLISHED")
		r.in(FIN|ACK, peerISS+1, myISS+1, 0)
	case "CLOSING":
		setup(t, r, "FIN-WAIT-1")
		r.in(FIN|ACK, peerISS+1, myISS+1, 0)
	case "LAST-ACK":
		setup(t, r, "CLOSE-WAIT")
		r.conn.Close()
	case "TIME-WAIT":
		setup(t, r, "FIN-WAIT-2")
		r.in(FIN|ACK, peerISS+1, myISS+2, 0)
	default:
		t.Fatalf("no setup for %q", state)
	}
}

// seqs gives SND.NXT and RCV.NXT after each setup.
var seqs = map[string][2]Seq{
	"LISTEN":               {0, peerISS},
	"SYN-SENT":             {myISS + 1, peerISS},
	"SYN-RECEIVED/passive": {myISS + 1, peerISS + 1},
	"SYN-RECEIVED/active":  {myISS + 1, peerISS + 1},
	"ESTABLISHED":          {myISS + 1, peerISS + 1},
	"FIN-WAIT-1":           {myISS + 2, peerISS + 1},
	"FIN-WAIT-2":           {myISS + 2, peerISS + 1},
	"CLOSE-WAIT":           {myISS + 1, peerISS + 2},
	"CLOSING":              {myISS + 2, peerISS + 2},
	"LAST-ACK":             {myISS + 2, peerISS + 2},
	"TIME-WAIT":            {myISS + 2, peerISS + 2},
}

// inputs are the events of RFC 9293 §3.10: arriving segment kinds (in
// terms of the subject's SND.NXT and RCV.NXT), user calls and timeouts.
var inputs = map[string]func(r *rig, nxt, rcv Seq){
	"ACK":              func(r *rig, nxt, rcv Seq) { r.in(ACK, rcv, nxt, 0) },
	"ACK of SYN only":  func(r *rig, nxt, rcv Seq) { r.in(ACK, rcv, myISS+1, 0) },
	"ACK beyond":       func(r *rig, nxt, rcv Seq) { r.in(ACK, rcv, nxt+1000, 0) },
	"ACK bad":          func(r *rig, nxt, rcv Seq) { r.in(ACK, rcv, myISS-5, 0) },
	"data":             func(r *rig, nxt, rcv Seq) { r.in(ACK|PSH, rcv, nxt, 10) },
	"data no ACK":      func(r *rig, nxt, rcv Seq) { r.in(PSH, rcv, 0, 10) },
	"data unaccept":    func(r *rig, nxt, rcv Seq) { r.in(ACK|PSH, rcv+100000, nxt, 10) },
	"FIN":              func(r *rig, nxt, rcv Seq) { r.in(FIN|ACK, rcv, nxt, 0) },
	"FIN acking SYN":   func(r *rig, nxt, rcv Seq) { r.in(FIN|ACK, rcv, myISS+1, 0) },
	"FIN again":        func(r *rig, nxt, rcv Seq) { r.in(FIN|ACK, rcv-1, nxt, 0) },
	"FIN no ACK":       func(r *rig, nxt, rcv Seq) { r.in(FIN, rcv, 0, 0) },
	"RST exact":        func(r *rig, nxt, rcv Seq) { r.in(RST, rcv, 0, 0) },
	"RST in window":    func(r *rig, nxt, rcv Seq) { r.in(RST, rcv+100, 0, 0) },
	"RST out of win":   func(r *rig, nxt, rcv Seq) { r.in(RST, rcv+100000, 0, 0) },
	"RST,ACK ok":       func(r *rig, nxt, rcv Seq) { r.in(RST|ACK, 0, myISS+1, 0) },
	"RST,ACK bad":      func(r *rig, nxt, rcv Seq) { r.in(RST|ACK, 0, myISS+7, 0) },
	"SYN":              func(r *rig, nxt, rcv Seq) { r.in(SYN, peerISS, 0, 0) },
	"SYN in window":    func(r *rig, nxt, rcv Seq) { r.in(SYN, rcv+100, 0, 0) },
	"SYN,ACK":          func(r *rig, nxt, rcv Seq) { r.in(SYN|ACK, peerISS, myISS+1, 0) },
	"SYN,ACK bad":      func(r *rig, nxt, rcv Seq) { r.in(SYN|ACK, peerISS, myISS, 0) },
	"SYN higher":       func(r *rig, nxt, rcv Seq) { r.in(SYN, rcv+200000, 0, 0) },
	"CLOSE":            func(r *rig, nxt, rcv Seq) { r.userClose() },
	"ABORT":            func(r *rig, nxt, rcv Seq) { r.userAbort() },
	"SEND":             func(r *rig, nxt, rcv Seq) { r.conn.Send(10) },
	"timeout":          func(r *rig, nxt, rcv Seq) { r.sim.RunFor(10 * time.Minute) },
	"SEND and timeout": func(r *rig, nxt, rcv Seq) { r.conn.Send(10); r.sim.RunFor(10 * time.Minute) },
}

func (r *rig) userClose() {
	if r.conn.Valid() {
		r.conn.Close()
		return
	}
	for _, l := range r.me.listeners {
		l.Close()
	}
}

func (r *rig) userAbort() {
	if r.conn.Valid() {
		r.conn.Abort()
		return
	}
	for _, c := range r.me.Conns() {
		c.Abort()
	}
}

// tableConfig is rfc9293 with short retry limits so timeouts end quickly.
func tableConfig() Config {
	c := DefaultConfig()
	c.DelayedACK = 0
	c.SynRetries, c.SynAckRetries, c.DataRetries = 1, 1, 1
	c.ConnectTimeout, c.UserTimeout = 0, 0
	return c
}

type row struct {
	state, input string
	want         State
	emit         string // flags of the segments sent, space-separated
}

// transitionTable is RFC 9293 §3.10 as (state, event) → (next state,
// segments emitted), for the rfc9293 profile (RFC 5961 on).
var transitionTable = []row{
	// §3.10.7.2 LISTEN; §3.10.4 and §3.10.5 for CLOSE and ABORT.
	{"LISTEN", "RST exact", Listen, ""},
	{"LISTEN", "ACK", Listen, "R"},
	{"LISTEN", "SYN", SynReceived, "S."},
	{"LISTEN", "FIN no ACK", Listen, ""},
	{"LISTEN", "CLOSE", Closed, ""},
	// §3.10.7.3 SYN-SENT.
	{"SYN-SENT", "SYN,ACK", Established, "."},
	{"SYN-SENT", "SYN,ACK bad", SynSent, "R"},
	{"SYN-SENT", "ACK bad", SynSent, "R"},
	{"SYN-SENT", "RST,ACK ok", Closed, ""},
	{"SYN-SENT", "RST,ACK bad", SynSent, ""},
	{"SYN-SENT", "RST exact", SynSent, ""},
	{"SYN-SENT", "SYN", SynReceived, "S."},
	{"SYN-SENT", "FIN no ACK", SynSent, ""},
	{"SYN-SENT", "CLOSE", Closed, ""},
	{"SYN-SENT", "ABORT", Closed, ""},
	{"SYN-SENT", "SEND", SynSent, ""},
	{"SYN-SENT", "timeout", Closed, "S"},
	// §3.10.7.4 SYN-RECEIVED, passive.
	{"SYN-RECEIVED/passive", "ACK", Established, ""},
	{"SYN-RECEIVED/passive", "ACK beyond", SynReceived, "R"},
	{"SYN-RECEIVED/passive", "data", Established, "."},
	{"SYN-RECEIVED/passive", "FIN", CloseWait, "."},
	{"SYN-RECEIVED/passive", "RST exact", Listen, ""},
	{"SYN-RECEIVED/passive", "RST in window", SynReceived, "."},
	{"SYN-RECEIVED/passive", "RST out of win", SynReceived, ""},
	{"SYN-RECEIVED/passive", "SYN", SynReceived, "."},
	{"SYN-RECEIVED/passive", "SYN in window", Listen, ""},
	{"SYN-RECEIVED/passive", "data unaccept", SynReceived, "."},
	{"SYN-RECEIVED/passive", "data no ACK", SynReceived, ""},
	{"SYN-RECEIVED/passive", "ABORT", Closed, "R"},
	{"SYN-RECEIVED/passive", "timeout", Closed, "S."},
	// SYN-RECEIVED, active (simultaneous open).
	{"SYN-RECEIVED/active", "ACK", Established, ""},
	{"SYN-RECEIVED/active", "SYN,ACK", Established, ""},
	{"SYN-RECEIVED/active", "RST exact", Closed, ""},
	{"SYN-RECEIVED/active", "SYN in window", SynReceived, "."},
	{"SYN-RECEIVED/active", "CLOSE", FinWait1, "F."},
	{"SYN-RECEIVED/active", "ABORT", Closed, "R"},
	{"SYN-RECEIVED/active", "SEND", SynReceived, ""},
	{"SYN-RECEIVED/active", "timeout", Closed, "S."},
	// ESTABLISHED.
	{"ESTABLISHED", "ACK", Established, ""},
	{"ESTABLISHED", "data", Established, "."},
	{"ESTABLISHED", "FIN", CloseWait, "."},
	{"ESTABLISHED", "RST exact", Closed, ""},
	{"ESTABLISHED", "RST in window", Established, "."},
	{"ESTABLISHED", "RST out of win", Established, ""},
	{"ESTABLISHED", "SYN in window", Established, "."},
	{"ESTABLISHED", "SYN higher", Established, "."},
	{"ESTABLISHED", "ACK beyond", Established, "."},
	{"ESTABLISHED", "data unaccept", Established, "."},
	{"ESTABLISHED", "data no ACK", Established, ""},
	{"ESTABLISHED", "CLOSE", FinWait1, "F."},
	{"ESTABLISHED", "ABORT", Closed, "R"},
	{"ESTABLISHED", "SEND", Established, "P."},
	{"ESTABLISHED", "timeout", Established, ""},
	{"ESTABLISHED", "SEND and timeout", Closed, "P. P."},
	// FIN-WAIT-1.
	{"FIN-WAIT-1", "ACK", FinWait2, ""},
	{"FIN-WAIT-1", "ACK of SYN only", FinWait1, ""},
	{"FIN-WAIT-1", "FIN", TimeWait, "."},
	{"FIN-WAIT-1", "FIN acking SYN", Closing, "."},
	{"FIN-WAIT-1", "data", FinWait2, "."},
	{"FIN-WAIT-1", "RST exact", Closed, ""},
	{"FIN-WAIT-1", "RST in window", FinWait1, "."},
	{"FIN-WAIT-1", "SYN in window", FinWait1, "."},
	{"FIN-WAIT-1", "CLOSE", FinWait1, ""},
	{"FIN-WAIT-1", "SEND", FinWait1, ""},
	{"FIN-WAIT-1", "ABORT", Closed, "R"},
	{"FIN-WAIT-1", "timeout", Closed, "F."},
	// FIN-WAIT-2.
	{"FIN-WAIT-2", "ACK", FinWait2, ""},
	{"FIN-WAIT-2", "data", FinWait2, "."},
	{"FIN-WAIT-2", "FIN", TimeWait, "."},
	{"FIN-WAIT-2", "RST exact", Closed, ""},
	{"FIN-WAIT-2", "RST in window", FinWait2, "."},
	{"FIN-WAIT-2", "SYN in window", FinWait2, "."},
	{"FIN-WAIT-2", "CLOSE", FinWait2, ""},
	{"FIN-WAIT-2", "ABORT", Closed, "R"},
	{"FIN-WAIT-2", "timeout", FinWait2, ""},
	// CLOSE-WAIT.
	{"CLOSE-WAIT", "ACK", CloseWait, ""},
	{"CLOSE-WAIT", "FIN again", CloseWait, "."},
	{"CLOSE-WAIT", "data", CloseWait, ""},
	{"CLOSE-WAIT", "RST exact", Closed, ""},
	{"CLOSE-WAIT", "SYN in window", CloseWait, "."},
	{"CLOSE-WAIT", "CLOSE", LastAck, "F."},
	{"CLOSE-WAIT", "SEND", CloseWait, "P."},
	{"CLOSE-WAIT", "ABORT", Closed, "R"},
	{"CLOSE-WAIT", "timeout", CloseWait, ""},
	// CLOSING.
	{"CLOSING", "ACK", TimeWait, ""},
	{"CLOSING", "ACK of SYN only", Closing, ""},
	{"CLOSING", "FIN again", Closing, "."},
	{"CLOSING", "RST exact", Closed, ""},
	{"CLOSING", "SYN in window", Closing, "."},
	{"CLOSING", "CLOSE", Closing, ""},
	{"CLOSING", "ABORT", Closed, ""},
	{"CLOSING", "timeout", Closed, "F."},
	// LAST-ACK.
	{"LAST-ACK", "ACK", Closed, ""},
	{"LAST-ACK", "ACK of SYN only", LastAck, ""},
	{"LAST-ACK", "FIN again", LastAck, "."},
	{"LAST-ACK", "RST exact", Closed, ""},
	{"LAST-ACK", "SYN in window", LastAck, "."},
	{"LAST-ACK", "CLOSE", LastAck, ""},
	{"LAST-ACK", "ABORT", Closed, ""},
	{"LAST-ACK", "timeout", Closed, "F."},
	// TIME-WAIT.
	{"TIME-WAIT", "FIN again", TimeWait, "."},
	{"TIME-WAIT", "ACK", TimeWait, ""},
	{"TIME-WAIT", "data unaccept", TimeWait, "."},
	{"TIME-WAIT", "RST exact", Closed, ""},
	{"TIME-WAIT", "RST in window", TimeWait, "."},
	{"TIME-WAIT", "RST out of win", TimeWait, ""},
	{"TIME-WAIT", "SYN in window", TimeWait, "."},
	{"TIME-WAIT", "SYN higher", TimeWait, "."},
	{"TIME-WAIT", "data no ACK", TimeWait, ""},
	{"TIME-WAIT", "CLOSE", TimeWait, ""},
	{"TIME-WAIT", "ABORT", Closed, ""},
	{"TIME-WAIT", "timeout", Closed, ""},
}

// variantTable covers the switches: each row names the config change.
var variantTable = []struct {
	name string
	cfg  func(*Config)
	row
}{
	{"rfc793", rfc793, row{"ESTABLISHED", "RST in window", Closed, ""}},
	{"rfc793", rfc793, row{"ESTABLISHED", "SYN in window", Closed, "R."}},
	{"rfc793", rfc793, row{"FIN-WAIT-2", "RST in window", Closed, ""}},
	{"rfc793", rfc793, row{"SYN-RECEIVED/active", "SYN in window", Closed, "R."}},
	{"rfc793", rfc793, row{"TIME-WAIT", "RST in window", Closed, ""}},
	{"rfc793", rfc793, row{"TIME-WAIT", "SYN in window", Closed, "R."}},
	{"rfc793", rfc793, row{"ESTABLISHED", "ACK beyond", Established, "."}},
	{"rfc1337", func(c *Config) { c.RFC1337 = true }, row{"TIME-WAIT", "RST exact", TimeWait, ""}},
	{"linux dup SYN", func(c *Config) { c.SynRcvdDupSynAck = true }, row{"SYN-RECEIVED/passive", "SYN", SynReceived, "S."}},
	{"linux bad ACK", func(c *Config) { c.SynSentBadAckResend = true }, row{"SYN-SENT", "ACK bad", SynSent, "R S"}},
	{"fin timeout", func(c *Config) { c.FinWait2Timeout = time.Minute }, row{"FIN-WAIT-2", "timeout", Closed, ""}},
	{"two-way", func(c *Config) { c.TwoWayHandshake = true }, row{"LISTEN", "SYN", Established, "S."}},
	{"no TIME-WAIT", func(c *Config) { c.TimeWait = TimeWaitNone }, row{"FIN-WAIT-2", "FIN", Closed, "."}},
	{"keep-alive", func(c *Config) {
		c.KeepAlive = true
		c.KeepIdle = time.Minute
		c.KeepInterval = 10 * time.Second
		c.KeepCount = 3
	},
		row{"ESTABLISHED", "timeout", Closed, ". . ."}},
	{"user timeout", func(c *Config) { c.UserTimeout = 30 * time.Second; c.DataRetries = Unlimited },
		row{"ESTABLISHED", "SEND and timeout", Closed, "P. P. P. P. P."}},
	{"connect timeout", func(c *Config) { c.ConnectTimeout = 10 * time.Second; c.SynRetries = Unlimited },
		row{"SYN-SENT", "timeout", Closed, "S S S"}},
}

func rfc793(c *Config) { c.ChallengeRST, c.ChallengeSYN, c.ACKCheck = false, false, false }

func runRow(t *testing.T, cfg Config, rw row) {
	t.Helper()
	r := newRig(t, cfg)
	setup(t, r, rw.state)
	if got := r.state(); got.String() != strings.Split(rw.state, "/")[0] {
		t.Fatalf("setup reached %s, want %s", got, rw.state)
	}
	in, ok := inputs[rw.input]
	if !ok {
		t.Fatalf("no input %q", rw.input)
	}
	r.out = r.out[:0]
	sq := seqs[rw.state]
	in(r, sq[0], sq[1])
	var flags []string
	for _, s := range r.out {
		flags = append(flags, s.Flags.String())
	}
	emit := strings.Join(flags, " ")
	if got := r.state(); got != rw.want || emit != rw.emit {
		t.Errorf("%s + %s = %s emitting %q, want %s emitting %q", rw.state, rw.input, got, emit, rw.want, rw.emit)
	}
	for _, e := range r.events {
		if !Legal(e.From, e.To) {
			t.Errorf("illegal transition %s -> %s (%s)", e.From, e.To, e.Cause)
		}
	}
}

func TestTransitionTable(t *testing.T) {
	covered := map[string]bool{}
	for _, rw := range transitionTable {
		covered[rw.state] = true
		t.Run(rw.state+"/"+rw.input, func(t *testing.T) { runRow(t, tableConfig(), rw) })
	}
	for st := range seqs {
		if !covered[st] {
			t.Errorf("no rows for %s", st)
		}
	}
}

func TestTransitionVariants(t *testing.T) {
	for _, v := range variantTable {
		t.Run(v.name+"/"+v.state+"/"+v.input, func(t *testing.T) {
			cfg := tableConfig()
			v.cfg(&cfg)
			runRow(t, cfg, v.row)
		})
	}
}

func TestLegal(t *testing.T) {
	for _, tc := range []struct {
		from, to State
		want     bool
	}{
		{Closed, SynSent, true}, {Closed, Listen, true}, {Closed, Established, false},
		{Listen, SynReceived, true}, {SynSent, Established, true}, {SynSent, SynReceived, true},
		{SynReceived, Listen, true}, {SynReceived, FinWait1, true}, {FinWait1, TimeWait, true},
		{FinWait1, Closing, true}, {FinWait2, TimeWait, true}, {Closing, TimeWait, true},
		{CloseWait, LastAck, true}, {LastAck, Closed, true}, {TimeWait, Closed, true},
		{Established, Established, false}, {TimeWait, SynReceived, false}, {Established, SynSent, false},
		{LastAck, TimeWait, false}, {FinWait2, FinWait1, false}, {Closed, Closed, false},
	} {
		if got := Legal(tc.from, tc.to); got != tc.want {
			t.Errorf("Legal(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
