package endpoint

import (
	"testing"
	"time"
)

// The scenario tests replay RFC 9293's Figures 6 to 13 and the other
// behaviours issue 4 names between two traced stacks A (10.0.0.1) and B
// (10.0.0.2) joined by perfect 10 ms links, with fixed ISNs. Each writes a
// golden trace to testdata/<name>.trace (go test -update rewrites them).

const ms = time.Millisecond

// oldSeg builds a segment as if from an older incarnation, marked Replay.
func oldSeg(sport, dport uint16, seq, ack Seq, flags Flags, n uint32) Segment {
	return Segment{SrcPort: sport, DstPort: dport, Seq: seq, Ack: ack, Flags: flags, Len: n,
		Window: 65535, Origin: 999, Replay: true}
}

// establish connects A to B:80 with ISNs 100 and 300 and runs until both
// are ESTABLISHED.
func establish(t *testing.T, p *pair) (ca, cb Conn) {
	t.Helper()
	fixedISN(p.a, 100)
	fixedISN(p.b, 300)
	ca, err := p.a.Connect(addrB, 80, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	p.run(100 * ms)
	if len(p.appB.conns) != 1 || ca.State() != Established || p.appB.conns[0].State() != Established {
		t.Fatalf("not established: A %s", ca.State())
	}
	return ca, p.appB.conns[0]
}

func wantState(t *testing.T, who string, c Conn, want State) {
	t.Helper()
	if got := c.State(); got != want {
		t.Errorf("%s state = %s, want %s", who, got, want)
	}
}

// Figure 6.
func TestBasicHandshake(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	p.appA.onEstab = func(c Conn) { c.Send(10) }
	ca, cb := establish(t, p)
	wantState(t, "A", ca, Established)
	wantState(t, "B", cb, Established)
	if p.appB.rcvd != 10 {
		t.Errorf("B received %d bytes, want 10", p.appB.rcvd)
	}
	p.finish(t, "fig06_basic_handshake.trace")
}

// Figure 7.
func TestSimultaneousOpen(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), false)
	fixedISN(p.a, 100)
	fixedISN(p.b, 300)
	ca, err := p.a.ConnectFrom(1000, addrB, 2000, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	var cb Conn
	p.at(5*ms, func() {
		cb, err = p.b.ConnectFrom(2000, addrA, 1000, p.appB)
		if err != nil {
			t.Error(err)
		}
	})
	p.run(200 * ms)
	wantState(t, "A", ca, Established)
	wantState(t, "B", cb, Established)
	if ca.PeerIncarnation() != cb.Incarnation() || cb.PeerIncarnation() != ca.Incarnation() {
		t.Errorf("peers: A knows #%d, B is #%d; B knows #%d, A is #%d", ca.PeerIncarnation(), cb.Incarnation(), cb.PeerIncarnation(), ca.Incarnation())
	}
	p.finish(t, "fig07_simultaneous_open.trace")
}

// Figure 8.
func TestOldDuplicateSynRecovery(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	fixedISN(p.a, 100)
	fixedISN(p.b, 300, 400)
	first := true
	p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
		if src == addrA && seg.Flags == SYN && first {
			first = false
			return false, 30 * ms // A's SYN is slow
		}
		return false, 0
	}
	ca, err := p.a.Connect(addrB, 80, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	// An old duplicate SYN <SEQ=90> from an earlier incarnation arrives at
	// B first.
	p.net.inject(addrA, addrB, oldSeg(40000, 80, 90, 0, SYN, 0), 5*ms)
	p.run(300 * ms)
	wantState(t, "A", ca, Established)
	if len(p.appB.conns) != 1 || p.appB.conns[0].PeerIncarnation() != ca.Incarnation() {
		t.Errorf("B accepted %d connections; want one, peered with A", len(p.appB.conns))
	}
	p.finish(t, "fig08_old_duplicate_syn.trace")
}

// Figure 9: A crashes; its new SYN meets B's ESTABLISHED TCB, B's ACK
// reveals the half-open connection, A's RST aborts it.
func TestHalfOpenDiscovery(t *testing.T) {
	cfgB := testConfig()
	cfgB.RcvWindow = 100 // keep A's new SYN outside B's window, as in the figure
	p := newPair(t, testConfig(), cfgB, true)
	fixedISN(p.a, 99, 400)
	fixedISN(p.b, 299, 500)
	ca, err := p.a.Connect(addrB, 80, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	p.run(100 * ms)
	port := ca.ID().Local.Port
	cb := p.appB.conns[0]
	p.at(1000*ms, func() {
		p.a.Crash()
		p.tr.linef(addrA, "(REBOOT)")
		ca, err = p.a.ConnectFrom(port, addrB, 80, p.appA)
		if err != nil {
			t.Error(err)
		}
	})
	p.run(5 * time.Second)
	if p.appB.closed[0] != ReasonReset {
		t.Errorf("B's old connection ended %v, want reset", p.appB.closed)
	}
	wantState(t, "B old", cb, Closed)
	wantState(t, "A", ca, Established)
	if c := p.a.Counters(); c.HalfOpenDetections != 1 {
		t.Errorf("A's half-open detections = %d, want 1", c.HalfOpenDetections)
	}
	p.finish(t, "fig09_half_open_discovery.trace")
}

// Figure 10: A crashes; B's data draws a RST from A's stack.
func TestHalfOpenDiscoveryActiveSide(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	fixedISN(p.a, 99)
	fixedISN(p.b, 299)
	if _, err := p.a.Connect(addrB, 80, p.appA); err != nil {
		t.Fatal(err)
	}
	p.run(100 * ms)
	cb := p.appB.conns[0]
	p.at(1000*ms, func() {
		p.a.Crash()
		p.tr.linef(addrA, "(REBOOT)")
		cb.Send(10)
	})
	p.run(5 * time.Second)
	wantState(t, "B", cb, Closed)
	if len(p.appB.closed) != 1 || p.appB.closed[0] != ReasonReset {
		t.Errorf("B closed %v, want [reset]", p.appB.closed)
	}
	p.finish(t, "fig10_half_open_active_side.trace")
}

// Figure 11.
func TestOldDuplicateSynTwoPassive(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	if _, err := p.a.Listen(80, ListenOptions{}, p.appA); err != nil {
		t.Fatal(err)
	}
	fixedISN(p.b, 300)
	p.net.inject(addrA, addrB, oldSeg(80, 80, 200, 0, SYN, 0), 5*ms)
	p.run(time.Second)
	if tcbs, _ := p.b.NumConns(); tcbs != 0 {
		t.Errorf("B holds %d TCBs, want 0 (back to LISTEN)", tcbs)
	}
	if got := p.b.Transitions().Pairs()[SynReceived][Listen]; got != 1 {
		t.Errorf("SYN-RECEIVED -> LISTEN taken %d times, want 1", got)
	}
	p.finish(t, "fig11_old_syn_two_passive.trace")
}

// Figure 12.
func TestNormalClose(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	p.appB.onPeerFIN = func(c Conn) {
		p.at(p.net.sim.Now().Duration()+50*ms, func() { c.Close() })
	}
	ca, cb := establish(t, p)
	ca.Close()
	p.run(100 * ms)
	wantState(t, "A", ca, TimeWait)
	wantState(t, "B", cb, Closed)
	p.run(5 * time.Minute)
	wantState(t, "A", ca, Closed)
	p.finish(t, "fig12_normal_close.trace")
}

// Figure 13.
func TestSimultaneousClose(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	ca, cb := establish(t, p)
	ca.Close()
	cb.Close()
	p.run(100 * ms)
	wantState(t, "A", ca, TimeWait)
	wantState(t, "B", cb, TimeWait)
	p.run(5 * time.Minute)
	wantState(t, "A", ca, Closed)
	wantState(t, "B", cb, Closed)
	if got := p.a.Transitions().Pairs()[Closing][TimeWait]; got != 1 {
		t.Errorf("A: CLOSING -> TIME-WAIT taken %d times, want 1", got)
	}
	p.finish(t, "fig13_simultaneous_close.trace")
}

// TIME-WAIT assassination (RFC 1337 hazard H1): an old duplicate segment
// makes A's TIME-WAIT send an ACK, B (no connection) answers with a RST,
// and the RST kills TIME-WAIT unless RFC 1337's fix is on.
func TestTimeWaitAssassination(t *testing.T) {
	for _, rfc1337 := range []bool{false, true} {
		name := "time_wait_assassination.trace"
		if rfc1337 {
			name = "time_wait_assassination_rfc1337.trace"
		}
		t.Run(name, func(t *testing.T) {
			cfg := testConfig()
			cfg.RFC1337 = rfc1337
			p := newPair(t, cfg, testConfig(), true)
			p.appB.onPeerFIN = func(c Conn) { c.Close() }
			ca, _ := establish(t, p)
			ca.Close()
			p.run(100 * ms)
			wantState(t, "A", ca, TimeWait)
			// An old data segment of B's from long ago.
			p.net.inject(addrB, addrA, oldSeg(80, 40000, 250, 90, ACK, 10), 0)
			p.run(100 * ms)
			want, kills := Closed, uint64(1)
			if rfc1337 {
				want, kills = TimeWait, 0
			}
			wantState(t, "A", ca, want)
			if got := p.a.Counters().TimeWaitAssassinations; got != kills {
				t.Errorf("assassinations = %d, want %d", got, kills)
			}
			p.finish(t, name)
		})
	}
}

func TestSynToClosedPort(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	fixedISN(p.a, 100)
	ca, err := p.a.Connect(addrB, 81, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	p.run(time.Second)
	wantState(t, "A", ca, Closed)
	if len(p.appA.closed) != 1 || p.appA.closed[0] != ReasonRefused {
		t.Errorf("A closed %v, want [refused]", p.appA.closed)
	}
	p.finish(t, "syn_to_closed_port.trace")
}

// The final ACK of the handshake is lost; A's first data segment, which
// carries the same acknowledgment, completes B's handshake.
func TestLostFinalAckCompletedByData(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
		return src == addrA && seg.Flags == ACK && seg.Len == 0 && seg.Ack == 301, 0
	}
	p.appA.onEstab = func(c Conn) {
		p.at(p.net.sim.Now().Duration()+5*ms, func() { c.Send(100) })
	}
	fixedISN(p.a, 100)
	fixedISN(p.b, 300)
	if _, err := p.a.Connect(addrB, 80, p.appA); err != nil {
		t.Fatal(err)
	}
	p.run(200 * ms)
	if len(p.appB.conns) != 1 || p.appB.conns[0].State() != Established || p.appB.rcvd != 100 {
		t.Errorf("B: %d conns, %d bytes", len(p.appB.conns), p.appB.rcvd)
	}
	p.finish(t, "lost_final_ack.trace")
}

// A's FIN is lost and retransmitted after the RTO.
func TestLostFinRetransmitted(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	lost := false
	p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
		if src == addrA && seg.Flags&FIN != 0 && !lost {
			lost = true
			return true, 0
		}
		return false, 0
	}
	p.appB.onPeerFIN = func(c Conn) { c.Close() }
	ca, cb := establish(t, p)
	ca.Close()
	p.run(5 * time.Second)
	wantState(t, "A", ca, TimeWait)
	wantState(t, "B", cb, Closed)
	if got := p.a.Counters().FinRetransmits; got != 1 {
		t.Errorf("FIN retransmissions = %d, want 1", got)
	}
	p.finish(t, "lost_fin_retransmitted.trace")
}

// B closes first and sits in TIME-WAIT when A reconnects from the same
// port; what happens depends on the TIME-WAIT rule.
func TestSynIntoTimeWait(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		// the state of A's new connection at the end
		want State
	}{
		{"challenge_ack", func(c *Config) {}, Established},
		{"rfc793_reset", func(c *Config) { c.ChallengeSYN = false; c.ChallengeRST = false }, Established},
		{"rfc1337", func(c *Config) { c.RFC1337 = true }, SynSent},
		{"reopen", func(c *Config) { c.TimeWaitReopen = true }, Established},
		{"no_time_wait", func(c *Config) { c.TimeWait = TimeWaitNone }, Established},
		{"fixed_1s", func(c *Config) { c.TimeWait = TimeWaitFixed; c.TimeWaitLen = time.Second }, Established},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgB := testConfig()
			tc.cfg(&cfgB)
			cfgA := testConfig()
			cfgA.ChallengeSYN, cfgA.ChallengeRST = cfgB.ChallengeSYN, cfgB.ChallengeRST
			p := newPair(t, cfgA, cfgB, true)
			p.appA.onPeerFIN = func(c Conn) { c.Close() }
			fixedISN(p.a, 100, 5000)
			fixedISN(p.b, 300, 9000)
			ca, err := p.a.Connect(addrB, 80, p.appA)
			if err != nil {
				t.Fatal(err)
			}
			p.run(100 * ms)
			port := ca.ID().Local.Port
			cb := p.appB.conns[0]
			cb.Close()
			p.run(100 * ms)
			wantState(t, "A", ca, Closed)
			ca, err = p.a.ConnectFrom(port, addrB, 80, p.appA)
			if err != nil {
				t.Fatal(err)
			}
			p.run(3 * time.Second)
			wantState(t, "A new", ca, tc.want)
			p.finish(t, "syn_into_time_wait_"+tc.name+".trace")
		})
	}
}
