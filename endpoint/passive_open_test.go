package endpoint

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// callApp is a Handler that logs every call, by name, to a shared list and
// to the trace, so a test can check which handler heard what, in order.
type callApp struct {
	name      string
	tr        *tracer
	host      Addr
	calls     *[]string
	onAccept  func(c Conn)
	onPeerFIN func(c Conn)
}

func (a *callApp) log(format string, args ...any) {
	s := a.name + " " + fmt.Sprintf(format, args...)
	*a.calls = append(*a.calls, s)
	if a.tr != nil {
		a.tr.linef(a.host, "app   %s", s)
	}
}

func (a *callApp) OnEstablished(c Conn) { a.log("established") }

func (a *callApp) OnAccept(_ *Listener, c Conn) {
	a.log("accept")
	if a.onAccept != nil {
		a.onAccept(c)
	}
}

func (a *callApp) OnData(c Conn, n, stale int) { a.log("data %d", n) }

func (a *callApp) OnPeerClose(c Conn) {
	a.log("peer closed")
	if a.onPeerFIN != nil {
		a.onPeerFIN(c)
	}
}

func (a *callApp) OnClosed(c Conn, r Reason) { a.log("closed %s", r) }

// TestSegmentCompletingPassiveOpen loses the handshake's third ACK, so the
// client's next segment (its data, its FIN, or both) completes the server's
// passive open. Whatever that segment carries, the listener's handler gets
// OnAccept first, and every report after it (data, peer close, closed)
// reaches the handler the application installs in OnAccept; both ends then
// close (issue 11: the FIN used to be reported to the listener's handler,
// leaving the server in CLOSE-WAIT and the client in FIN-WAIT-2 for ever).
func TestSegmentCompletingPassiveOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		// send and close: what the client does 5 ms after ESTABLISHED.
		send  int
		close bool
		// loseFirst loses the first transmission of the client's data and
		// FIN, so that the retransmission carries both in one segment.
		loseFirst bool
		// serverCloses: the server closes in OnAccept, at the instant the
		// client's segment completes its handshake, rather than in answer
		// to the peer's close.
		serverCloses bool
		// closeAt, if set, is when the client closes instead (after its
		// data), so that its FIN crosses the server's.
		closeAt time.Duration
		golden  string
		want    []string
		// wantServer is the server's end: CLOSED (no TCB or remnant) or
		// TIME-WAIT after a simultaneous close.
		wantServer State
	}{{
		name: "data", send: 100,
		golden: "third_ack_lost_data.trace",
		want:   []string{"listener accept", "server data 100"},
	}, {
		name: "FIN", close: true,
		golden: "third_ack_lost_fin.trace",
		want:   []string{"listener accept", "server peer closed", "server closed normal"},
	}, {
		name: "data+FIN", send: 100, close: true, loseFirst: true,
		golden: "third_ack_lost_data_fin.trace",
		want:   []string{"listener accept", "server data 100", "server peer closed", "server closed normal"},
	}, {
		name: "FIN, server closes in OnAccept", close: true, serverCloses: true,
		golden: "third_ack_lost_fin_server_closes.trace",
		want:   []string{"listener accept", "server peer closed", "server closed normal"},
	}, {
		name: "data, then FINs cross", send: 100, serverCloses: true, closeAt: 40 * ms,
		golden:     "third_ack_lost_data_fins_cross.trace",
		want:       []string{"listener accept", "server data 100", "server peer closed", "server closed normal"},
		wantServer: TimeWait,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t, testConfig(), testConfig(), false)
			var calls []string
			srv := &callApp{name: "server", tr: p.tr, host: addrB, calls: &calls}
			srv.onPeerFIN = func(c Conn) { c.Close() } // ErrClosing if it already closed
			lst := &callApp{name: "listener", tr: p.tr, host: addrB, calls: &calls}
			if _, err := p.b.Listen(80, ListenOptions{}, lst); err != nil {
				t.Fatal(err)
			}
			lostData, lostFIN := !tc.loseFirst, !tc.loseFirst
			p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
				switch {
				case src != addrA:
					return false, 0
				case seg.Flags == ACK && seg.Len == 0 && seg.Ack == 301:
					return true, 0 // the third ACK, and any bare ACK like it
				case seg.Len > 0 && seg.Flags&FIN == 0 && !lostData:
					lostData = true
					return true, 0
				case seg.Len == 0 && seg.Flags&FIN != 0 && !lostFIN:
					lostFIN = true
					return true, 0
				}
				return false, 0
			}
			cli := &callApp{name: "client", tr: p.tr, host: addrA, calls: &[]string{}}
			fixedISN(p.a, 100)
			fixedISN(p.b, 300)
			ca, err := p.a.Connect(addrB, 80, cli)
			if err != nil {
				t.Fatal(err)
			}
			var cb Conn
			lst.onAccept = func(c Conn) {
				cb = c
				c.SetHandler(srv)
				if tc.serverCloses {
					if err := c.Close(); err != nil {
						t.Errorf("server Close in OnAccept: %v", err)
					}
				}
			}
			p.at(25*ms, func() {
				if tc.send > 0 {
					ca.Send(tc.send)
				}
				if tc.close {
					ca.Close()
				}
			})
			if tc.closeAt > 0 {
				p.at(tc.closeAt, func() { ca.Close() })
			}
			p.run(5 * time.Second)
			if !slices.Equal(calls, tc.want) {
				t.Errorf("server-side handler calls:\n got %q\nwant %q", calls, tc.want)
			}
			if tc.close || tc.closeAt > 0 {
				wantState(t, "client", ca, TimeWait)
				wantState(t, "server", cb, tc.wantServer)
				tcbs, tw := p.b.NumConns()
				if wantTW := map[State]int{Closed: 0, TimeWait: 1}[tc.wantServer]; tcbs != 0 || tw != wantTW {
					t.Errorf("server keeps %d TCBs and %d TIME-WAIT remnants, want 0 and %d", tcbs, tw, wantTW)
				}
			}
			p.finish(t, tc.golden)
		})
	}
}

// TestAcceptToGetsHeldBackReports: data and a FIN that arrive while a
// connection waits in a manual accept queue are reported, after
// AcceptTo, to the handler AcceptTo names, and not to the listener's.
func TestAcceptToGetsHeldBackReports(t *testing.T) {
	for _, tc := range []struct {
		name      string
		to        bool // AcceptTo(srv) rather than Accept()
		want      []string
		wantState State
	}{
		{"AcceptTo", true, []string{"server data 10", "server peer closed", "server closed normal"}, Closed},
		{"Accept", false, []string{"listener data 10", "listener peer closed"}, CloseWait},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t, testConfig(), testConfig(), false)
			var calls []string
			lst := &callApp{name: "listener", calls: &calls}
			srv := &callApp{name: "server", calls: &calls}
			srv.onPeerFIN = func(c Conn) { c.Close() }
			l, err := p.b.Listen(80, ListenOptions{ManualAccept: true}, lst)
			if err != nil {
				t.Fatal(err)
			}
			cli := &callApp{name: "client", calls: &[]string{}}
			ca, err := p.a.Connect(addrB, 80, cli)
			if err != nil {
				t.Fatal(err)
			}
			p.at(25*ms, func() { ca.Send(10); ca.Close() })
			p.run(100 * ms)
			if len(calls) != 0 {
				t.Fatalf("reports before accept: %q", calls)
			}
			var c Conn
			var ok bool
			if tc.to {
				c, ok = l.AcceptTo(srv)
			} else {
				c, ok = l.Accept()
			}
			if !ok {
				t.Fatal("nothing to accept")
			}
			p.run(100 * ms)
			if !slices.Equal(calls, tc.want) {
				t.Errorf("handler calls:\n got %q\nwant %q", calls, tc.want)
			}
			wantState(t, "server", c, tc.wantState)
		})
	}
}
