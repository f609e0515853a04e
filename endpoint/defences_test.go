package endpoint

import (
	"testing"
	"time"
)

// spoofedSYN is a SYN from an address no stack answers for: its SYN-ACK
// goes nowhere, so its request holds a SYN-queue slot until it times out.
func spoofedSYN(i int) (Addr, Segment) {
	return AddrFrom4(192, 0, 2, byte(1+i)), Segment{SrcPort: uint16(5000 + i), DstPort: 80, Seq: Seq(1000 * i), Flags: SYN,
		Options: OptMSS, MSS: 1460, Window: 1000}
}

// TestListenQueueFull drives each full case of a listener with Linux
// semantics (tcp_conn_request): what happens to the SYN and which counter
// says so.
func TestListenQueueFull(t *testing.T) {
	type want struct {
		passive, synDrops, backlogDrops, overflows, cookies, rsts int
		synMax, acceptMax                                         int
	}
	tests := []struct {
		name  string
		set   func(c *Config)
		opts  ListenOptions
		syns  int
		proof bool // B completed a handshake with every spoofed address before
		want  want
	}{
		{"syn queue full, cookies off: dropped", func(c *Config) {}, ListenOptions{SynQueue: 2}, 3, false,
			want{passive: 2, synDrops: 1, synMax: 2, acceptMax: 128}},
		{"syn queue full, abort_on_overflow does not reset a SYN", func(c *Config) { c.ListenOverflow = OverflowReset },
			ListenOptions{SynQueue: 2}, 3, false, want{passive: 2, synDrops: 1, synMax: 2, acceptMax: 128}},
		{"syn queue full, cookies on overflow", func(c *Config) { c.SynCookies = CookiesOnOverflow },
			ListenOptions{SynQueue: 2}, 4, false, want{passive: 2, cookies: 2, synMax: 2, acceptMax: 128}},
		{"cookies always keep no request", func(c *Config) { c.SynCookies = CookiesAlways },
			ListenOptions{SynQueue: 2}, 3, false, want{cookies: 3, synMax: 2, acceptMax: 128}},
		{"syn queue 0 follows the backlog, capped by somaxconn", func(c *Config) { c.SynQueue, c.Somaxconn = 0, 3 },
			ListenOptions{AcceptQueue: 10}, 5, false, want{passive: 3, synDrops: 2, synMax: 3, acceptMax: 3}},
		{"tcp_max_syn_backlog keeps its last quarter for proven peers", func(c *Config) { c.SynQueue, c.MaxSynBacklog = 100, 8 },
			ListenOptions{}, 9, false, want{passive: 7, backlogDrops: 2, synMax: 100, acceptMax: 128}},
		{"tcp_max_syn_backlog admits proven peers", func(c *Config) { c.SynQueue, c.MaxSynBacklog = 100, 8 },
			ListenOptions{}, 9, true, want{passive: 9, synMax: 100, acceptMax: 128}},
		{"tcp_max_syn_backlog is off with cookies", func(c *Config) {
			c.SynQueue, c.MaxSynBacklog, c.SynCookies = 100, 8, CookiesOnOverflow
		}, ListenOptions{}, 9, false, want{passive: 9, synMax: 100, acceptMax: 128}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.set(&cfg)
			n := newTestNet(time.Millisecond)
			b := n.addStack(t, addrB, cfg)
			if tc.proof {
				for i := range tc.syns {
					src, _ := spoofedSYN(i)
					b.prove(src)
				}
			}
			l, err := b.Listen(80, tc.opts, NopHandler{})
			if err != nil {
				t.Fatal(err)
			}
			rsts := 0
			b.SetObserver(&countSent{flags: RST, n: &rsts})
			for i := range tc.syns {
				src, seg := spoofedSYN(i)
				n.inject(src, addrB, seg, 0)
			}
			n.sim.RunFor(100 * ms)
			c := b.Counters()
			syn, acc := l.Bounds()
			got := want{int(c.PassiveOpens), int(c.SynQueueDrops), int(c.SynBacklogDrops), int(c.ListenOverflows),
				int(c.CookiesSent), rsts, syn, acc}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

type countSent struct {
	flags Flags
	n     *int
}

func (c *countSent) OnState(StateEvent) {}
func (c *countSent) OnSegment(e SegmentEvent) {
	if e.Dir == Sent && e.Seg.Flags.Has(c.flags) {
		*c.n++
	}
}

// TestAcceptQueueFullDropsSYN: a SYN that finds the accept queue full is
// dropped even when cookies are on (sk_acceptq_is_full in
// tcp_conn_request), and counted as a listen overflow.
func TestAcceptQueueFullDropsSYN(t *testing.T) {
	for _, mode := range []SynCookieMode{CookiesOff, CookiesOnOverflow, CookiesAlways} {
		cfg := testConfig()
		cfg.SynCookies = mode
		p := newPair(t, testConfig(), cfg, false)
		l, err := p.b.Listen(80, ListenOptions{AcceptQueue: 1, ManualAccept: true}, p.appB)
		if err != nil {
			t.Fatal(err)
		}
		c1, _ := p.a.Connect(addrB, 80, p.appA)
		p.run(100 * ms)
		wantState(t, "first", c1, Established)
		before := p.b.Counters().CookiesSent
		src, seg := spoofedSYN(0)
		p.net.inject(src, addrB, seg, 0)
		p.run(100 * ms)
		c := p.b.Counters()
		if _, acc := l.Queues(); acc != 1 || c.ListenOverflows != 1 || c.CookiesSent != before {
			t.Errorf("%s: accept queue %d, overflows %d, cookies sent for it %d; want 1, 1, 0", mode, acc, c.ListenOverflows, c.CookiesSent-before)
		}
	}
}

// TestSynCookieHandshake: with cookies always on, a handshake completes
// with no request kept, and the connection keeps only what the cookie
// carries: an MSS from the table, and SACK and window scaling only when
// timestamps brought them back (RFC 4987 §3.6; Linux's
// cookie_init_timestamp).
func TestSynCookieHandshake(t *testing.T) {
	tests := []struct {
		name                    string
		timestamps              bool
		clientMSS               uint16
		wantMSS                 uint32
		wantTS, wantSACK, wantW bool
	}{
		{"no timestamps: options lost", false, 1460, 1460, false, false, false},
		{"timestamps carry SACK and window scale", true, 1460, 1460, true, true, true},
		{"MSS rounded down to the table", true, 1420, 1400, true, true, true},
		{"small MSS", false, 600, 536, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ca, cb := testConfig(), testConfig()
			for _, c := range []*Config{&ca, &cb} {
				c.Timestamps = tc.timestamps
				c.SACK, c.WindowScale, c.WScale, c.RcvBuf = true, true, 7, 1<<20
			}
			ca.MSS = tc.clientMSS
			cb.SynCookies = CookiesAlways
			p := newPair(t, ca, cb, true)
			c, _ := p.a.Connect(addrB, 80, p.appA)
			p.run(100 * ms)
			c.Send(3000)
			p.run(time.Second)
			wantState(t, "client", c, Established)
			ctr := p.b.Counters()
			if ctr.CookiesSent != 1 || ctr.CookiesValidated != 1 || ctr.CookiesFailed != 0 || ctr.SynAckRetransmits != 0 {
				t.Errorf("cookies sent %d validated %d failed %d, SYN-ACK retransmits %d; want 1 1 0 0",
					ctr.CookiesSent, ctr.CookiesValidated, ctr.CookiesFailed, ctr.SynAckRetransmits)
			}
			if len(p.appB.conns) != 1 {
				t.Fatalf("server accepted %d connections, want 1", len(p.appB.conns))
			}
			srv := p.appB.conns[0].t
			if srv.sndMSS != tc.wantMSS || srv.tsOK != tc.wantTS || srv.sackOK != tc.wantSACK || (srv.sndShift != 0) != tc.wantW {
				t.Errorf("server MSS %d ts %v sack %v shift %d; want %d %v %v scaled=%v",
					srv.sndMSS, srv.tsOK, srv.sackOK, srv.sndShift, tc.wantMSS, tc.wantTS, tc.wantSACK, tc.wantW)
			}
			if p.appB.rcvd != 3000 {
				t.Errorf("server received %d bytes, want 3000", p.appB.rcvd)
			}
			checkLegal(t, p.tr.states)
		})
	}
}

// TestCookieCheck: a cookie validates only for its own 4-tuple and client
// ISN, for two 64-second periods (Linux's MAX_SYNCOOKIE_AGE), and gives
// back the MSS index it encodes.
func TestCookieCheck(t *testing.T) {
	g := isnGen{key: [2]uint64{1, 2}, laddr: addrB}
	const period = int64(cookiePeriod)
	raddr := addrA
	for idx := range uint32(len(cookieMSS)) {
		at := int64(idx) * 7 * period // spans a wrap of the 5-bit counter
		c := g.cookie(at, 80, raddr, 5000, 1234, idx)
		tests := []struct {
			name       string
			now        int64
			port       uint16
			seq, ack   Seq
			wantOK     bool
			wantMSSIdx uint32
		}{
			{"at once", at, 80, 1235, c + 1, true, idx},
			{"one period later", at + period, 80, 1235, c + 1, true, idx},
			{"two periods later", at + 2*period, 80, 1235, c + 1, false, 0},
			{"other client ISN", at, 80, 1236, c + 1, false, 0},
			{"other port", at, 81, 1235, c + 1, false, 0},
			{"one bit off", at, 80, 1235, c + 1 ^ 1<<7, false, 0},
		}
		for _, tc := range tests {
			got, ok := g.checkCookie(tc.now, tc.port, raddr, 5000, tc.seq, tc.ack)
			if ok != tc.wantOK || got != tc.wantMSSIdx {
				t.Errorf("index %d, %s: checkCookie = %d, %v; want %d, %v", idx, tc.name, got, ok, tc.wantMSSIdx, tc.wantOK)
			}
		}
	}
	for _, tc := range []struct {
		mss  uint16
		want uint32
	}{{100, 0}, {536, 1}, {1459, 6}, {1460, 7}, {9000, 7}} {
		if got := cookieMSSIndex(tc.mss); got != tc.want {
			t.Errorf("cookieMSSIndex(%d) = %d, want %d", tc.mss, got, tc.want)
		}
	}
}

// TestCookieACKFlood: ACKs that match no connection are looked at for a
// cookie only while cookies were sent recently (tcp_synq_no_recent_overflow);
// those that fail are counted and reset as LISTEN says.
func TestCookieACKFlood(t *testing.T) {
	tests := []struct {
		name       string
		sendCookie bool
		wait       time.Duration
		wantFailed uint64
	}{
		{"no cookie sent: plain LISTEN rules", false, 0, 0},
		{"cookie sent: ACKs checked", true, 0, 10},
		{"cookie sent long ago: not checked", true, 3 * time.Minute, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.SynCookies = CookiesAlways
			n := newTestNet(time.Millisecond)
			b := n.addStack(t, addrB, cfg)
			if _, err := b.Listen(80, ListenOptions{}, NopHandler{}); err != nil {
				t.Fatal(err)
			}
			if tc.sendCookie {
				src, seg := spoofedSYN(0)
				n.inject(src, addrB, seg, 0)
			}
			n.sim.RunFor(tc.wait + ms)
			rsts := 0
			b.SetObserver(&countSent{flags: RST, n: &rsts})
			for i := range 10 {
				n.inject(AddrFrom4(198, 51, 100, byte(i)), addrB, Segment{SrcPort: 7000, DstPort: 80, Seq: Seq(i * 77), Ack: Seq(i * 1e8), Flags: ACK}, 0)
			}
			n.sim.RunFor(10 * ms)
			c := b.Counters()
			if c.CookiesFailed != tc.wantFailed || c.CookiesValidated != 0 || rsts != 10 {
				t.Errorf("failed %d validated %d RSTs %d; want %d, 0, 10", c.CookiesFailed, c.CookiesValidated, rsts, tc.wantFailed)
			}
			if tcbs, _ := b.NumConns(); tcbs != 0 {
				t.Errorf("%d TCBs after an ACK flood, want 0", tcbs)
			}
		})
	}
}

// TestCookieAcceptQueueFull: a valid cookie that finds the accept queue
// full is dropped without state, and the client's retransmission of its
// data brings it back once there is room.
func TestCookieAcceptQueueFull(t *testing.T) {
	cfg := testConfig()
	cfg.SynCookies = CookiesAlways
	p := newPair(t, testConfig(), cfg, false)
	l, err := p.b.Listen(80, ListenOptions{AcceptQueue: 1, ManualAccept: true}, p.appB)
	if err != nil {
		t.Fatal(err)
	}
	c1, _ := p.a.Connect(addrB, 80, p.appA)
	p.run(100 * ms)
	// The second SYN finds the accept queue full and is dropped; its
	// retransmission (1 s later) gets a cookie after the accept.
	c2, _ := p.a.Connect(addrB, 80, p.appA)
	p.run(100 * ms)
	if got := p.b.Counters().ListenOverflows; got != 1 {
		t.Errorf("listen overflows %d, want 1", got)
	}
	if _, ok := l.Accept(); !ok {
		t.Fatal("no connection to accept")
	}
	p.run(2 * time.Second)
	wantState(t, "first", c1, Established)
	wantState(t, "second", c2, Established)
	if _, acc := l.Queues(); acc != 1 {
		t.Errorf("accept queue %d, want 1", acc)
	}
	if c := p.b.Counters(); c.CookiesValidated != 2 {
		t.Errorf("cookies validated %d, want 2", c.CookiesValidated)
	}
	checkLegal(t, p.tr.states)
}

// TestAbortOnOverflow: a final ACK that finds the accept queue full is
// dropped, or with tcp_abort_on_overflow answered with a RST that resets
// the client's connection.
func TestAbortOnOverflow(t *testing.T) {
	for _, tc := range []struct {
		policy    OverflowPolicy
		wantState State
	}{{OverflowDrop, Established}, {OverflowReset, Closed}} {
		cfg := testConfig()
		cfg.ListenOverflow = tc.policy
		p := newPair(t, testConfig(), cfg, false)
		if _, err := p.b.Listen(80, ListenOptions{AcceptQueue: 1, SynQueue: 4, ManualAccept: true}, p.appB); err != nil {
			t.Fatal(err)
		}
		p.a.Connect(addrB, 80, p.appA)
		p.run(5 * ms) // both SYNs fit the SYN queue; the second ACK finds the accept queue full
		c2, _ := p.a.Connect(addrB, 80, p.appA)
		p.run(100 * ms)
		wantState(t, tc.policy.String(), c2, tc.wantState)
		if got := p.b.Counters().ListenOverflows; got != 1 {
			t.Errorf("%s: listen overflows %d, want 1", tc.policy, got)
		}
	}
}

// TestSynAckPrune: with a SYN queue more than half full of requests that
// all had a timeout, Linux's reqsk_timer_handler lowers the SYN-ACK retry
// limit from 5 to 2, so unanswered requests die at 7 s instead of 63 s
// until the queue is down to half; a queue at most half full keeps the
// configured limit.
func TestSynAckPrune(t *testing.T) {
	tests := []struct {
		name      string
		prune     bool
		syns      int
		wantAt8s  int // requests left at 8 s
		wantAt64s int
	}{
		{"full queue pruned to half at 7 s", true, 16, 8, 0},
		{"without pruning", false, 16, 16, 0},
		{"half-full queue is not pruned", true, 8, 8, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.SynAckRetries, cfg.SynAckPrune, cfg.ConnectTimeout = 5, tc.prune, 0
			n := newTestNet(time.Millisecond)
			b := n.addStack(t, addrB, cfg)
			l, err := b.Listen(80, ListenOptions{SynQueue: 16, AcceptQueue: 16}, NopHandler{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.syns {
				src, seg := spoofedSYN(i)
				n.inject(src, addrB, seg, 0)
			}
			n.sim.RunFor(8 * time.Second)
			if syn, _ := l.Queues(); syn != tc.wantAt8s {
				t.Errorf("at 8 s: %d requests, want %d", syn, tc.wantAt8s)
			}
			n.sim.RunFor(60 * time.Second)
			if syn, _ := l.Queues(); syn != tc.wantAt64s || l.young != 0 {
				t.Errorf("at 68 s: %d requests (%d young), want %d and 0", syn, l.young, tc.wantAt64s)
			}
		})
	}
	// The limit itself, against Linux's loop.
	l := &Listener{acceptMax: 16}
	for _, tc := range []struct{ qlen, young, want int }{
		{16, 16, 5}, {16, 8, 4}, {16, 7, 4}, {16, 4, 3}, {16, 3, 3}, {16, 1, 2}, {16, 0, 2}, {8, 0, 5}, {9, 0, 2},
	} {
		l.synQ, l.young = tc.qlen, tc.young
		if got := l.pruneLimit(5); got != tc.want {
			t.Errorf("qlen %d, young %d: limit %d, want %d", tc.qlen, tc.young, got, tc.want)
		}
	}
}

// TestSynCookieHandshakeTrace is the golden trace of a handshake a
// listener answers with a SYN cookie (RFC 4987 §3.6): no SYN-RECEIVED TCB
// until the ACK, whose cookie rebuilds the request (LISTEN → SYN-RECEIVED
// → ESTABLISHED at once), then data both ways and a close as usual. The
// client learns its peer's incarnation from the server's first segment
// (the cookie SYN-ACK came from no TCB), so the server's data is not
// counted as stale.
func TestSynCookieHandshakeTrace(t *testing.T) {
	cfgB := testConfig()
	cfgB.SynCookies = CookiesAlways
	p := newPair(t, testConfig(), cfgB, true)
	fixedISN(p.a, 100)
	p.appB.onAccept = func(c Conn) { c.Send(50) }
	c, _ := p.a.Connect(addrB, 80, p.appA)
	p.run(100 * ms)
	c.Send(100)
	p.run(100 * ms)
	c.Close()
	p.run(time.Second)
	if p.appA.rcvd != 50 || p.appA.stale != 0 {
		t.Errorf("client received %d bytes, %d stale; want 50, 0: the cookie connection's peer is the server's TCB", p.appA.rcvd, p.appA.stale)
	}
	p.finish(t, "syn_cookie_handshake.trace")
}
