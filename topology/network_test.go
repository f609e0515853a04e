package topology

import (
	"testing"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/link"
)

// app records what a connection's application saw.
type app struct {
	endpoint.NopHandler
	established, peerClosed bool
	got                     int
	closed                  []endpoint.Reason
	accepted                []endpoint.Conn
}

func (a *app) OnEstablished(endpoint.Conn)                    { a.established = true }
func (a *app) OnAccept(_ *endpoint.Listener, c endpoint.Conn) { a.accepted = append(a.accepted, c) }
func (a *app) OnData(_ endpoint.Conn, n, _ int)               { a.got += n }
func (a *app) OnPeerClose(c endpoint.Conn)                    { a.peerClosed = true; c.Close() }
func (a *app) OnClosed(_ endpoint.Conn, r endpoint.Reason)    { a.closed = append(a.closed, r) }

func addr(i byte) endpoint.Addr { return endpoint.AddrFrom4(10, 0, 0, i) }

// line builds hosts h0 - h1 - ... with a link each way between neighbours.
func line(t testing.TB, n int, cfg link.Config) *Network {
	t.Helper()
	net := New(engine.New(), engine.NewStreams(1, 0))
	var hs []*Host
	for i := range n {
		h, err := net.AddHost("h"+string(rune('0'+i)), addr(byte(i+1)), endpoint.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	for i := 0; i+1 < n; i++ {
		a, b := hs[i], hs[i+1]
		if _, err := net.Connect(a.Name+">"+b.Name, a, b, cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := net.Connect(b.Name+">"+a.Name, b, a, cfg); err != nil {
			t.Fatal(err)
		}
	}
	if err := net.ComputeRoutes(); err != nil {
		t.Fatal(err)
	}
	return net
}

func TestConnectionOverThreeHops(t *testing.T) {
	net := line(t, 4, link.Config{Delay: 5 * time.Millisecond})
	client, server := net.Host("h0"), net.Host("h3")
	srv := &app{}
	if _, err := server.Stack.Listen(80, endpoint.ListenOptions{}, srv); err != nil {
		t.Fatal(err)
	}
	cli := &app{}
	c, err := client.Stack.Connect(server.Addr, 80, cli)
	if err != nil {
		t.Fatal(err)
	}
	net.Sim().RunUntil(engine.FromDuration(200 * time.Millisecond))
	if !cli.established || len(srv.accepted) != 1 {
		t.Fatalf("handshake over 3 hops: client established %v, server accepted %d", cli.established, len(srv.accepted))
	}
	// SYN 3 hops + SYN-ACK 3 hops: 30 ms to the client's ESTABLISHED.
	if err := c.Send(3000); err != nil {
		t.Fatal(err)
	}
	c.Close()
	net.Sim().RunUntil(engine.FromDuration(time.Second))
	if srv.got != 3000 {
		t.Errorf("server received %d bytes, want 3000", srv.got)
	}
	if got := net.Counters().Forwarded; got == 0 {
		t.Error("no packet was forwarded by the middle hosts")
	}
}

func TestRoutesAreShortestAndDeterministic(t *testing.T) {
	// A diamond: a→b→d and a→c→d, equally fast, plus a slow direct a→d.
	for range 5 {
		net := New(engine.New(), engine.NewStreams(1, 0))
		hosts := map[string]*Host{}
		for i, name := range []string{"a", "b", "c", "d"} {
			h, err := net.AddHost(name, addr(byte(i+1)), endpoint.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			hosts[name] = h
		}
		for _, l := range []struct {
			from, to string
			delay    time.Duration
		}{{"a", "c", 1}, {"c", "d", 1}, {"a", "b", 1}, {"b", "d", 1}, {"a", "d", 5}} {
			if _, err := net.Connect(l.from+l.to, hosts[l.from], hosts[l.to], link.Config{Delay: l.delay * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
		}
		if err := net.ComputeRoutes(); err != nil {
			t.Fatal(err)
		}
		if got := net.NextHop(hosts["a"], hosts["d"]).Name; got != "ab" {
			t.Fatalf("a→d leaves on %s, want ab (2 ms beats 5 ms; b has the lower index than c)", got)
		}
		if net.NextHop(hosts["d"], hosts["a"]) != nil {
			t.Fatal("d→a has a route, but no link leaves d")
		}
		if err := net.ComputeRoutes(Route{From: "a", To: "d", Via: "ad"}); err != nil {
			t.Fatal(err)
		}
		if got := net.NextHop(hosts["a"], hosts["d"]).Name; got != "ad" {
			t.Fatalf("explicit route ignored: a→d leaves on %s", got)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	net := New(engine.New(), engine.NewStreams(1, 0))
	a, _ := net.AddHost("a", addr(1), endpoint.DefaultConfig())
	b, _ := net.AddHost("b", addr(2), endpoint.DefaultConfig())
	net.Connect("ab", a, b, link.Config{})
	tests := []struct {
		name string
		err  error
	}{
		{"duplicate host name", func() error { _, err := net.AddHost("a", addr(9), endpoint.DefaultConfig()); return err }()},
		{"duplicate address", func() error { _, err := net.AddHost("z", addr(1), endpoint.DefaultConfig()); return err }()},
		{"duplicate link", func() error { _, err := net.Connect("ab", a, b, link.Config{}); return err }()},
		{"self link", func() error { _, err := net.Connect("aa", a, a, link.Config{}); return err }()},
		{"bad link config", func() error { _, err := net.Connect("x", b, a, link.Config{Corrupt: 2}); return err }()},
		{"route via unknown link", net.ComputeRoutes(Route{From: "a", To: "b", Via: "nope"})},
		{"route via wrong start", net.ComputeRoutes(Route{From: "b", To: "a", Via: "ab"})},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestCrashAndRebootMakeAHalfOpenConnection(t *testing.T) {
	net := line(t, 2, link.Config{Delay: time.Millisecond})
	client, server := net.Host("h0"), net.Host("h1")
	if _, err := server.Stack.Listen(80, endpoint.ListenOptions{}, &app{}); err != nil {
		t.Fatal(err)
	}
	cli := &app{}
	c, _ := client.Stack.Connect(server.Addr, 80, cli)
	sim := net.Sim()
	sim.RunUntil(engine.FromDuration(100 * time.Millisecond))
	if !cli.established {
		t.Fatal("not established")
	}
	server.Crash()
	if tcbs, _ := server.Stack.NumConns(); tcbs != 0 || server.Up() {
		t.Fatalf("after a crash the server has %d TCBs and up=%v", tcbs, server.Up())
	}
	// Data sent while the server is down is dropped: no RST comes back.
	c.Send(100)
	sim.RunUntil(engine.FromDuration(150 * time.Millisecond))
	if len(cli.closed) != 0 || net.Counters().HostDown == 0 {
		t.Fatalf("while the server was down: closed %v, host-down drops %d", cli.closed, net.Counters().HostDown)
	}
	server.Reboot()
	// The retransmission reaches a rebooted server with no TCB: RST (§3.10.7.1).
	sim.RunUntil(engine.FromDuration(5 * time.Second))
	if len(cli.closed) != 1 || cli.closed[0] != endpoint.ReasonReset {
		t.Errorf("client closed %v, want reset by the rebooted server", cli.closed)
	}
	if server.Crashes() != 1 {
		t.Errorf("Crashes() = %d", server.Crashes())
	}
}

func TestCorruptedPacketsAreDiscarded(t *testing.T) {
	net := line(t, 2, link.Config{Delay: time.Millisecond, Corrupt: 1})
	client, server := net.Host("h0"), net.Host("h1")
	server.Stack.Listen(80, endpoint.ListenOptions{}, &app{})
	cli := &app{}
	client.Stack.Connect(server.Addr, 80, cli)
	net.Sim().RunUntil(engine.FromDuration(2 * time.Second))
	if cli.established {
		t.Error("a connection was established over a link that corrupts everything")
	}
	if net.Counters().Corrupted == 0 || server.Stack.Counters().SegsDropped == 0 {
		t.Errorf("corrupted %d, server drops %d: want both > 0", net.Counters().Corrupted, server.Stack.Counters().SegsDropped)
	}
}

func TestNoRoute(t *testing.T) {
	net := New(engine.New(), engine.NewStreams(1, 0))
	a, _ := net.AddHost("a", addr(1), endpoint.DefaultConfig())
	net.ComputeRoutes()
	a.Stack.Connect(addr(77), 80, &app{})
	net.Sim().RunUntil(engine.FromDuration(100 * time.Millisecond))
	if net.Counters().NoRoute == 0 {
		t.Error("a SYN to an unknown address was not counted as no route")
	}
}

func TestTapDropsAndInjectDelivers(t *testing.T) {
	net := line(t, 2, link.Config{Delay: time.Millisecond})
	client, server := net.Host("h0"), net.Host("h1")
	server.Stack.Listen(80, endpoint.ListenOptions{}, &app{})
	var syns []Packet
	net.SetTap(func(_ engine.Time, from *Host, p *Packet) bool {
		if p.Seg.Flags == endpoint.SYN {
			syns = append(syns, *p)
			return false // every SYN vanishes
		}
		return true
	})
	cli := &app{}
	client.Stack.Connect(server.Addr, 80, cli)
	net.Sim().RunUntil(engine.FromDuration(500 * time.Millisecond))
	if cli.established || len(syns) != 1 {
		t.Fatalf("tap did not drop the SYN: established %v, %d SYNs seen", cli.established, len(syns))
	}
	// Hand the captured SYN to the server directly: it answers, and the
	// handshake completes.
	net.SetTap(nil)
	if !net.Inject(syns[0]) {
		t.Fatal("Inject to a live host failed")
	}
	net.Sim().RunUntil(engine.FromDuration(600 * time.Millisecond))
	if !cli.established {
		t.Error("the injected SYN did not complete the handshake")
	}
}

// windows records the window of every segment a stack receives.
type windows struct{ got []uint16 }

func (w *windows) OnState(endpoint.StateEvent) {}
func (w *windows) OnSegment(e endpoint.SegmentEvent) {
	if e.Dir == endpoint.Received {
		w.got = append(w.got, e.Seg.Window)
	}
}

// A tap that injects a packet whose answer passes the tap again (a nested
// tap call) still sends its own packet as it left it.
func TestNestedTap(t *testing.T) {
	net := line(t, 2, link.Config{Delay: time.Millisecond})
	h0, h1 := net.Host("h0"), net.Host("h1")
	if _, err := h1.Stack.Listen(80, endpoint.ListenOptions{}, &app{}); err != nil {
		t.Fatal(err)
	}
	rcvd := &windows{}
	h1.Stack.SetObserver(rcvd)
	nested, outer := 0, false
	net.SetTap(func(_ engine.Time, from *Host, p *Packet) bool {
		if from != h0 {
			if outer {
				nested++ // h1's SYN-ACK to the injected SYN
			}
			p.Seg.Window = 1
			return false
		}
		// An old SYN from another port of h0, straight into h1: h1 answers
		// at once, through this tap.
		outer = true
		net.Inject(Packet{Src: h0.Addr, Dst: h1.Addr, Seg: endpoint.Segment{SrcPort: 999, DstPort: 80, Seq: 5, Flags: endpoint.SYN, Window: 500}})
		outer = false
		p.Seg.Window = 777
		return true
	})
	h0.Transmit(h0.Addr, h1.Addr, &endpoint.Segment{SrcPort: 1000, DstPort: 2000, Seq: 1, Flags: endpoint.RST, Window: 65535})
	net.Sim().Run()
	if nested != 1 || len(rcvd.got) != 2 || rcvd.got[0] != 500 || rcvd.got[1] != 777 {
		t.Errorf("nested tap calls %d, windows received %v; want 1 and [500 777]", nested, rcvd.got)
	}
}
