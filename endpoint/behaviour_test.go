package endpoint

import (
	"errors"
	"hash/fnv"
	"testing"
	"time"

	"tcpsim/engine"
)

// synTimes records when A sent each SYN (or B each SYN-ACK) to a peer that
// never answers.
type sendTimes struct {
	times []time.Duration
	flags Flags
}

func (s *sendTimes) OnState(StateEvent) {}
func (s *sendTimes) OnSegment(e SegmentEvent) {
	if e.Dir == Sent && e.Seg.Flags == s.flags {
		s.times = append(s.times, e.Time.Duration())
	}
}

func TestLinuxSynRetransmissionSchedule(t *testing.T) {
	cfg, _ := Profile("linux")
	n := newTestNet(time.Millisecond)
	n.filter = func(Addr, Addr, *Segment) (bool, time.Duration) { return true, 0 } // black hole
	a := n.addStack(t, addrA, cfg)
	rec := &sendTimes{flags: SYN}
	a.SetObserver(rec)
	h := &app{}
	c, err := a.Connect(addrB, 80, h)
	if err != nil {
		t.Fatal(err)
	}
	n.sim.Run()
	want := []time.Duration{0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67}
	if len(rec.times) != len(want) {
		t.Fatalf("SYNs at %v, want %d of them", rec.times, len(want))
	}
	for i, w := range want {
		if rec.times[i] != w*time.Second {
			t.Errorf("SYN %d at %v, want %v", i, rec.times[i], w*time.Second)
		}
	}
	if c.State() != Closed || len(h.closed) != 1 || h.closed[0] != ReasonTimedOut {
		t.Errorf("state %s, closed %v", c.State(), h.closed)
	}
	if got := n.sim.Now().Duration(); got != 131*time.Second {
		t.Errorf("gave up at %v, want 131s", got)
	}
}

func TestLinuxSynAckRetransmissionSchedule(t *testing.T) {
	cfg, _ := Profile("linux")
	n := newTestNet(time.Millisecond)
	b := n.addStack(t, addrB, cfg)
	rec := &sendTimes{flags: SYN | ACK}
	b.SetObserver(rec)
	if _, err := b.Listen(80, ListenOptions{}, NopHandler{}); err != nil {
		t.Fatal(err)
	}
	n.inject(addrA, addrB, Segment{SrcPort: 5555, DstPort: 80, Seq: 1, Flags: SYN, Window: 1000}, 0)
	n.sim.Run()
	want := []time.Duration{0, 1, 3, 7, 15, 31}
	if len(rec.times) != len(want) {
		t.Fatalf("SYN-ACKs at %v, want %d", rec.times, len(want))
	}
	for i, w := range want {
		if rec.times[i] != w*time.Second {
			t.Errorf("SYN-ACK %d at %v, want %v", i, rec.times[i], w*time.Second)
		}
	}
	if tcbs, _ := b.NumConns(); tcbs != 0 {
		t.Errorf("%d TCBs left", tcbs)
	}
}

func TestRTOEstimation(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	ca, _ := establish(t, p) // RTT 20 ms
	st, _ := ca.Status()
	if st.SRTT != 20*ms || st.RTO != time.Second {
		t.Errorf("after the handshake SRTT %v RTO %v, want 20ms and the 1s floor", st.SRTT, st.RTO)
	}
	// RFC 6298 §2.2-2.3 without the floor.
	tc := &tcb{s: p.a}
	tc.s.cfg.MinRTO = time.Millisecond
	tc.rttSample(100 * ms)
	if tc.srtt != 100*ms || tc.rttvar != 50*ms || tc.rto != 300*ms {
		t.Errorf("first sample: srtt %v rttvar %v rto %v", tc.srtt, tc.rttvar, tc.rto)
	}
	tc.rttSample(200 * ms)
	if tc.srtt != 112500*time.Microsecond || tc.rttvar != 62500*time.Microsecond {
		t.Errorf("second sample: srtt %v rttvar %v", tc.srtt, tc.rttvar)
	}
	if got := backoff(time.Second, 3, 60*time.Second); got != 8*time.Second {
		t.Errorf("backoff 3 = %v", got)
	}
	if got := backoff(time.Second, 10, 60*time.Second); got != 60*time.Second {
		t.Errorf("backoff capped = %v", got)
	}
}

func TestDelayedACK(t *testing.T) {
	cfg := testConfig()
	cfg.DelayedACK = 200 * ms
	p := newPair(t, testConfig(), cfg, true)
	ca, _ := establish(t, p)
	rec := &sendTimes{flags: ACK}
	p.b.SetObserver(rec)
	start := p.net.sim.Now().Duration()
	ca.Send(100)
	p.run(time.Second)
	if len(rec.times) != 1 || rec.times[0]-start != 210*ms {
		t.Errorf("ACKs at %v, want one at +210ms", rec.times)
	}
	rec.times = nil
	start = p.net.sim.Now().Duration()
	ca.Send(2 * 1460)
	p.run(time.Second)
	if len(rec.times) != 1 || rec.times[0]-start != 10*ms {
		t.Errorf("ACKs at %v, want one at once for two full segments", rec.times)
	}
}

func TestManualAcceptQueue(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), false)
	l, err := p.b.Listen(80, ListenOptions{AcceptQueue: 1, ManualAccept: true}, p.appB)
	if err != nil {
		t.Fatal(err)
	}
	c1, _ := p.a.Connect(addrB, 80, p.appA)
	c2, _ := p.a.Connect(addrB, 80, p.appA)
	c1.Send(10)
	p.run(100 * ms)
	// Both SYNs were queued; the second final ACK found the accept queue
	// full and was dropped (as Linux does), leaving B in SYN-RECEIVED while
	// A believes the connection established.
	if syn, acc := l.Queues(); syn != 1 || acc != 1 {
		t.Errorf("queues %d, %d; want 1, 1", syn, acc)
	}
	wantState(t, "second", c2, Established)
	if got := p.b.Counters().ListenOverflows; got != 1 {
		t.Errorf("listen overflows %d, want 1", got)
	}
	c, ok := l.Accept()
	if !ok || c.State() != Established {
		t.Fatalf("Accept = %v, %v", c.State(), ok)
	}
	p.run(100 * ms)
	if p.appB.rcvd != 10 {
		t.Errorf("data before accept: %d bytes reported, want 10", p.appB.rcvd)
	}
	p.run(5 * time.Second) // B's SYN-ACK is retransmitted, A's ACK now fits
	if syn, acc := l.Queues(); syn != 0 || acc != 1 {
		t.Errorf("queues %d, %d; want 0, 1", syn, acc)
	}
}

// The two-way-handshake ablation accepts an old duplicate SYN: a ghost
// connection whose peer incarnation no live client has.
func TestTwoWayHandshakeGhost(t *testing.T) {
	cfg := testConfig()
	cfg.TwoWayHandshake = true
	p := newPair(t, testConfig(), cfg, true)
	p.net.inject(addrA, addrB, oldSeg(40000, 80, 90, 0, SYN, 0), 0)
	p.run(100 * ms)
	if len(p.appB.conns) != 1 {
		t.Fatalf("B accepted %d", len(p.appB.conns))
	}
	ghost := p.appB.conns[0]
	ghosts := 0
	for _, e := range p.tr.states {
		if e.To == Established && e.Conn.Local.Addr == addrB && e.Conn.Peer == 999 {
			ghosts++
		}
	}
	if ghosts != 1 {
		t.Errorf("%d ESTABLISHED TCBs peered with the old incarnation #999, want 1", ghosts)
	}
	// A answers the SYN-ACK with a RST; the ghost dies.
	wantState(t, "ghost", ghost, Closed)
	p.finish(t, "two_way_ghost.trace")
}

// Old data of another incarnation that falls in the window is accepted and
// counted as stale.
func TestStaleDataCounted(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	ca, _ := establish(t, p)
	p.net.inject(addrA, addrB, Segment{SrcPort: 40000, DstPort: 80, Seq: 101, Ack: 301, Flags: ACK | PSH, Len: 50, Window: 65535, Origin: 999, Replay: true}, 0)
	ca.Send(100) // the new incarnation's bytes 50..99 are then new, 0..49 duplicates
	p.run(100 * ms)
	if p.appB.rcvd != 100 || p.appB.stale != 50 {
		t.Errorf("B got %d bytes, %d stale; want 100, 50", p.appB.rcvd, p.appB.stale)
	}
	if c := p.b.Counters(); c.StaleBytes != 50 || c.StaleSegments != 1 {
		t.Errorf("counters %d bytes %d segments", c.StaleBytes, c.StaleSegments)
	}
}

func TestPortReuseSkipsTimeWait(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		cfg := testConfig()
		cfg.PortMin, cfg.PortMax = 40000, 40001
		cfg.TimeWaitReopen = reopen
		p := newPair(t, cfg, testConfig(), true)
		p.appB.onPeerFIN = func(c Conn) { c.Close() }
		var conns []Conn
		for range 2 {
			c, err := p.a.Connect(addrB, 80, p.appA)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		if _, err := p.a.Connect(addrB, 80, p.appA); !errors.Is(err, ErrNoPorts) {
			t.Errorf("third connect: %v, want ErrNoPorts", err)
		}
		p.run(100 * ms)
		st0, _ := conns[0].Status()
		conns[0].Close()
		p.run(100 * ms)
		wantState(t, "first", conns[0], TimeWait)
		c, err := p.a.Connect(addrB, 80, p.appA)
		if reopen {
			if err != nil || c.ID().Local.Port != 40000 {
				t.Errorf("reopen: %v, port %d", err, c.ID().Local.Port)
			}
			wantState(t, "first", conns[0], Closed)
			if st, _ := c.Status(); st.ISS != st0.ISS+2+65537 {
				t.Errorf("ISS %d, want old SND.NXT + 65537", st.ISS)
			}
		} else if !errors.Is(err, ErrNoPorts) {
			t.Errorf("without reopen: %v, want ErrNoPorts", err)
		}
	}
}

func TestCrashReleasesEverything(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	ca, cb := establish(t, p)
	ca.Send(1 << 20)
	p.run(5 * ms)
	p.b.Crash()
	wantState(t, "B", cb, Closed)
	if tcbs, tw := p.b.NumConns(); tcbs != 0 || tw != 0 {
		t.Errorf("after crash %d TCBs, %d TIME-WAIT", tcbs, tw)
	}
	if _, err := p.b.Listen(80, ListenOptions{}, p.appB); err != nil {
		t.Errorf("listen after reboot: %v", err)
	}
	p.run(10 * time.Minute)
	wantState(t, "A", ca, Closed)
	if len(p.appA.closed) != 1 || p.appA.closed[0] != ReasonReset {
		t.Errorf("A closed %v, want [reset]", p.appA.closed)
	}
	checkLegal(t, p.tr.states)
}

func TestUserCallErrors(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	ca, _ := establish(t, p)
	ca.Close()
	if err := ca.Send(1); !errors.Is(err, ErrClosing) {
		t.Errorf("SEND in FIN-WAIT-1: %v", err)
	}
	if err := ca.Close(); !errors.Is(err, ErrClosing) {
		t.Errorf("CLOSE in FIN-WAIT-1: %v", err)
	}
	if _, err := p.b.Listen(80, ListenOptions{}, nil); !errors.Is(err, ErrAddrInUse) {
		t.Errorf("second listen: %v", err)
	}
	if _, err := p.a.Connect(addrB, 0, nil); !errors.Is(err, ErrRemoteUnspecified) {
		t.Errorf("connect to port 0: %v", err)
	}
	var zero Conn
	if err := zero.Send(1); !errors.Is(err, ErrNotExist) {
		t.Errorf("SEND on nothing: %v", err)
	}
	if _, ok := zero.Status(); ok {
		t.Error("STATUS on nothing is ok")
	}
}

func TestProfilesAndValidation(t *testing.T) {
	for _, name := range Profiles() {
		c, err := Profile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	l, _ := Profile("linux")
	if l.SynRTO != time.Second || l.SynRetries != 6 || !l.SynTimeBound || l.SynLinearTimeouts != 4 || l.SynAckRetries != 5 ||
		l.MinRTO != 200*ms || l.DelayedACK != 40*ms || l.TimeWaitDuration() != 60*time.Second ||
		!l.ChallengeRST || !l.SynRcvdDupSynAck || !l.SynRcvdDupSynAckRearm || !l.SynSentBadAckResend || !l.TimeWaitReopen {
		t.Errorf("linux profile: %+v", l)
	}
	if _, err := Profile("bsd"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown profile: %v", err)
	}
	bad := DefaultConfig()
	bad.MSS, bad.MSL, bad.DelayedACK = 0, 0, time.Second
	err := bad.Validate()
	for _, field := range []string{"MSS", "MSL", "DelayedACK"} {
		if err == nil || !contains(err.Error(), field) {
			t.Errorf("Validate() = %v, want a complaint about %s", err, field)
		}
	}
	if _, err := ParseISNPolicy("nope"); !errors.Is(err, ErrBadValue) {
		t.Errorf("ParseISNPolicy: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestISNPolicies(t *testing.T) {
	rng := engine.NewStreams(1, 0).Rand("isn")
	for _, tc := range []struct {
		p    ISNPolicy
		tick time.Duration
	}{{ISNRFC9293, 4 * time.Microsecond}, {ISNClock, 4 * time.Microsecond}, {ISNRandom, 0}, {ISNZero, 0}} {
		cfg := DefaultConfig()
		cfg.ISN = tc.p
		g := newISNGen(&cfg, addrA, rng)
		a, b := g.next(0, 1000, addrB, 80), g.next(4000, 1000, addrB, 80)
		c := g.next(4000, 1001, addrB, 80)
		switch tc.p {
		case ISNRFC9293:
			if b-a != 1 || c == b {
				t.Errorf("rfc9293: clock step %d, tuples equal %v", b-a, c == b)
			}
		case ISNClock:
			if b-a != 1 || c != b {
				t.Errorf("clock: step %d, tuple-independent %v", b-a, c == b)
			}
		case ISNZero:
			if a != 0 || b != 0 {
				t.Errorf("zero: %d %d", a, b)
			}
		case ISNRandom:
			if a == b && b == c {
				t.Errorf("random: %d %d %d", a, b, c)
			}
		}
	}
}

// TestDeterminism runs the same randomised scenario twice and compares
// trace hashes.
func TestDeterminism(t *testing.T) {
	run := func() uint64 {
		cfg := DefaultConfig()
		n := newTestNet(3 * ms)
		n.tr = newTracer(n.sim)
		a := n.addStack(t, addrA, cfg)
		b := n.addStack(t, addrB, cfg)
		h := &app{onPeerFIN: func(c Conn) { c.Close() }}
		b.Listen(80, ListenOptions{}, h)
		for i := range 20 {
			id := n.sim.Register(engine.HandlerFunc(func(engine.Time, uint64) {
				c, _ := a.Connect(addrB, 80, h)
				c.Send(3000 * i)
				c.Close()
			}))
			n.sim.Schedule(engine.Time(i)*engine.Time(7*ms), id, 0)
		}
		n.sim.Run()
		f := fnv.New64a()
		f.Write([]byte(n.tr.b.String()))
		return f.Sum64()
	}
	if a, b := run(), run(); a != b {
		t.Errorf("trace hashes differ: %x, %x", a, b)
	}
}

// An old duplicate SYN far outside the sequence space of the connection
// whose 4-tuple is in TIME-WAIT makes a SYN-RECEIVED at the listener and a
// TIME-WAIT at the client that each find the other's segments unacceptable:
// an ACK loop (RFC 9293 §3.10.7.4 answers every unacceptable segment).
// OOWAckInterval cuts it to one ACK per interval per end.
func TestACKLoopThrottled(t *testing.T) {
	for _, tc := range []struct {
		interval      time.Duration
		minSegs       uint64 // segments both ends send in the second after the SYN
		maxSegs       uint64
		wantThrottled bool
	}{
		// A loop: one ACK per end per 20 ms round trip, 100 in the second
		// (80 leaves room for the loop's first round trip).
		{0, 80, 1 << 62, false},
		// At most 3 throttled ACKs per end in the second, plus B's SYN-ACK
		// and its retransmission (1 s RTO): 8; the SYN-ACK and A's ACK at least.
		{500 * time.Millisecond, 2, 10, true},
	} {
		t.Run(tc.interval.String(), func(t *testing.T) {
			cfgA, cfgB := testConfig(), testConfig()
			cfgA.OOWAckInterval, cfgB.OOWAckInterval = tc.interval, tc.interval
			p := newPair(t, cfgA, cfgB, true)
			p.appB.onPeerFIN = func(c Conn) { c.Close() }
			ca, _ := establish(t, p)
			ca.Close()
			p.run(100 * ms)
			wantState(t, "A", ca, TimeWait)
			before := p.a.Counters().SegsSent + p.b.Counters().SegsSent
			p.net.inject(addrA, addrB, oldSeg(40000, 80, 100+1<<31, 0, SYN, 0), 0)
			p.run(time.Second)
			sent := p.a.Counters().SegsSent + p.b.Counters().SegsSent - before
			if sent < tc.minSegs || sent > tc.maxSegs {
				t.Errorf("%d segments in the second after the old SYN, want %d..%d", sent, tc.minSegs, tc.maxSegs)
			}
			throttled := p.a.Counters().ACKsThrottled + p.b.Counters().ACKsThrottled
			if (throttled > 0) != tc.wantThrottled {
				t.Errorf("ACKsThrottled = %d, want > 0: %v", throttled, tc.wantThrottled)
			}
		})
	}
}

// An ACK that reaches a listener for a connection it does not have reveals
// a half-open connection, as in CLOSED (Figure 10).
func TestHalfOpenAtListener(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	p.net.inject(addrA, addrB, oldSeg(40000, 80, 500, 700, ACK, 10), 0)
	p.run(100 * ms)
	if c := p.b.Counters(); c.HalfOpenDetections != 1 || c.RSTsSent != 1 {
		t.Errorf("B: %d half-open detections, %d RSTs sent; want 1, 1", c.HalfOpenDetections, c.RSTsSent)
	}
}

// Connects fail with ErrNoPort exactly when every ephemeral port to the
// destination is held, and succeed again once a TIME-WAIT ends; the held
// count that lets a full range fail without a scan stays exact.
func TestPortExhaustion(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		cfgA := testConfig()
		cfgA.TimeWaitReopen = reopen
		cfgA.MSL = time.Second
		p := newPair(t, cfgA, testConfig(), true)
		p.appB.onPeerFIN = func(c Conn) { c.Close() }
		var conns []Conn
		for range 10 {
			c, err := p.a.Connect(addrB, 80, p.appA)
			if err != nil {
				t.Fatalf("reopen %v: connect %d: %v", reopen, len(conns), err)
			}
			conns = append(conns, c)
		}
		if _, err := p.a.Connect(addrB, 80, p.appA); !errors.Is(err, ErrNoPorts) {
			t.Errorf("reopen %v: 11th connect with 10 ports: %v, want ErrNoPorts", reopen, err)
		}
		p.run(100 * ms)
		for _, c := range conns {
			c.Close()
		}
		p.run(100 * ms) // all in TIME-WAIT now
		_, err := p.a.Connect(addrB, 80, p.appA)
		if reopen != (err == nil) {
			t.Errorf("reopen %v: connect with every port in TIME-WAIT: %v", reopen, err)
		}
		p.run(3 * time.Second) // TIME-WAIT (2 s) over
		for i := range 9 {
			if _, err := p.a.Connect(addrB, 80, p.appA); err != nil {
				t.Errorf("reopen %v: connect %d after TIME-WAIT: %v", reopen, i, err)
			}
		}
		want := 9
		if reopen {
			want++ // the connect that reopened a TIME-WAIT
		}
		if got := p.a.held[uint64(addrB)<<16|80]; got != want {
			t.Errorf("reopen %v: held = %d, want %d", reopen, got, want)
		}
	}
}
