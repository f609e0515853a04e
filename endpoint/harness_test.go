package endpoint

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tcpsim/engine"
)

var update = flag.Bool("update", false, "rewrite the golden traces in testdata/")

var (
	addrA = AddrFrom4(10, 0, 0, 1)
	addrB = AddrFrom4(10, 0, 0, 2)
)

// flight is a segment in the test network.
type flight struct {
	src, dst Addr
	seg      Segment
}

// testNet connects stacks by perfect links with a fixed one-way delay. A
// filter can drop or delay individual segments, and tests can inject
// segments directly.
type testNet struct {
	sim    *engine.Sim
	id     engine.HandlerID
	delay  time.Duration
	stacks map[Addr]*Stack
	slab   []flight
	free   []uint32
	// filter, if set, sees every transmitted segment; it returns whether
	// to drop it and any extra delay.
	filter func(src, dst Addr, seg *Segment) (drop bool, extra time.Duration)
	ids    *IDs
	tr     *tracer
}

func newTestNet(delay time.Duration) *testNet {
	n := &testNet{sim: engine.New(), delay: delay, stacks: map[Addr]*Stack{}, ids: NewIDs()}
	n.id = n.sim.Register(n)
	return n
}

func (n *testNet) Transmit(src, dst Addr, seg *Segment) {
	if n.filter != nil {
		n.transmitFiltered(src, dst, *seg)
		return
	}
	n.inject(src, dst, *seg, n.delay)
}

// transmitFiltered is kept apart so that only filtered runs move segments
// to the heap.
func (n *testNet) transmitFiltered(src, dst Addr, seg Segment) {
	drop, extra := n.filter(src, dst, &seg)
	if drop {
		if n.tr != nil {
			n.tr.linef(src, "lost  %s", fmtSeg(seg))
		}
		return
	}
	n.inject(src, dst, seg, n.delay+extra)
}

// inject delivers seg to dst after d.
func (n *testNet) inject(src, dst Addr, seg Segment, d time.Duration) {
	var i uint32
	if k := len(n.free); k > 0 {
		i = n.free[k-1]
		n.free = n.free[:k-1]
		n.slab[i] = flight{src, dst, seg}
	} else {
		i = uint32(len(n.slab))
		n.slab = append(n.slab, flight{src, dst, seg})
	}
	n.sim.After(d, n.id, uint64(i))
}

func (n *testNet) HandleEvent(now engine.Time, arg uint64) {
	f := n.slab[arg]
	n.free = append(n.free, uint32(arg))
	if st := n.stacks[f.dst]; st != nil {
		st.Deliver(f.src, f.dst, &f.seg)
	}
}

// testConfig is the rfc9293 profile with deterministic ports and no delayed
// ACKs, which keeps traces short.
func testConfig() Config {
	c := DefaultConfig()
	c.Ports = PortsSequential
	c.PortMin, c.PortMax = 40000, 40009
	c.DelayedACK = 0
	return c
}

func (n *testNet) addStack(t testing.TB, addr Addr, cfg Config) *Stack {
	t.Helper()
	st, err := NewStack(n.sim, addr, cfg, engine.NewStreams(1, 0).Rand("tcp/"+addr.String()), n.ids, n)
	if err != nil {
		t.Fatal(err)
	}
	n.stacks[addr] = st
	if n.tr != nil {
		st.SetObserver(n.tr)
	}
	return st
}

// fixedISN makes a stack use the given ISNs in order.
func fixedISN(st *Stack, isns ...Seq) {
	i := 0
	st.SetISNFunc(func(_, _ Endpoint) Seq {
		v := isns[min(i, len(isns)-1)]
		i++
		return v
	})
}

// tracer records events as golden-trace lines.
type tracer struct {
	sim   *engine.Sim
	names map[Addr]string
	b     strings.Builder
	// states records every state change for legality checks.
	states []StateEvent
}

func newTracer(sim *engine.Sim) *tracer {
	return &tracer{sim: sim, names: map[Addr]string{addrA: "A", addrB: "B"}}
}

func (tr *tracer) name(a Addr) string {
	if s, ok := tr.names[a]; ok {
		return s
	}
	return a.String()
}

func (tr *tracer) linef(host Addr, format string, args ...any) {
	fmt.Fprintf(&tr.b, "%s %s %s\n", tr.sim.Now().FormatSeconds(), tr.name(host), fmt.Sprintf(format, args...))
}

func fmtSeg(s Segment) string {
	out := fmt.Sprintf("%-4s %d:%d ack %d win %d", s.Flags, s.Seq, s.Seq.Add(s.Len), s.Ack, s.Window)
	if s.Flags&ACK == 0 {
		out = fmt.Sprintf("%-4s %d:%d win %d", s.Flags, s.Seq, s.Seq.Add(s.Len), s.Window)
	}
	if s.Len > 0 {
		out += fmt.Sprintf(" data %d@#%d+%d", s.Len, s.Origin, s.Offset)
	}
	if s.Replay {
		out += " replay"
	}
	return out + fmt.Sprintf(" #%d", s.Origin)
}

func (tr *tracer) OnState(e StateEvent) {
	tr.states = append(tr.states, e)
	host := e.Conn.Local.Addr
	tr.linef(host, "state %s -> %s (%s) #%d peer #%d", e.From, e.To, e.Cause, e.Conn.Incarnation, e.Conn.Peer)
}

func (tr *tracer) OnSegment(e SegmentEvent) {
	note := ""
	if e.Note != NoteNone {
		note = " [" + e.Note.String() + "]"
	}
	switch e.Dir {
	case Sent:
		tr.linef(e.Host, "send  %s%s", fmtSeg(e.Seg), note)
	case Received:
		tr.linef(e.Host, "recv  %s", fmtSeg(e.Seg))
	case Dropped:
		tr.linef(e.Host, "drop  %s%s", fmtSeg(e.Seg), note)
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("trace differs from %s (rerun with -update and review the diff):\n%s", path, diffLines(string(want), got))
	}
}

// diffLines shows the first differing line.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, a, b)
		}
	}
	return ""
}

// checkLegal fails the test for any state change RFC 9293 does not allow.
func checkLegal(t *testing.T, events []StateEvent) {
	t.Helper()
	for _, e := range events {
		if !Legal(e.From, e.To) {
			t.Errorf("illegal transition %s -> %s (%s) of %v", e.From, e.To, e.Cause, e.Conn)
		}
	}
}

// app is a scriptable Handler recording what it is told.
type app struct {
	name      string
	tr        *tracer
	host      Addr
	conns     []Conn
	rcvd      int
	stale     int
	closed    []Reason
	peerClose int
	onAccept  func(c Conn)
	onData    func(c Conn, n int)
	onPeerFIN func(c Conn)
	onEstab   func(c Conn)
}

func (a *app) log(format string, args ...any) {
	if a.tr != nil {
		a.tr.linef(a.host, "app   "+format, args...)
	}
}

func (a *app) OnEstablished(c Conn) {
	a.conns = append(a.conns, c)
	a.log("established #%d", c.Incarnation())
	if a.onEstab != nil {
		a.onEstab(c)
	}
}

func (a *app) OnAccept(l *Listener, c Conn) {
	a.conns = append(a.conns, c)
	a.log("accept #%d", c.Incarnation())
	if a.onAccept != nil {
		a.onAccept(c)
	}
}

func (a *app) OnData(c Conn, n, stale int) {
	a.rcvd += n
	a.stale += stale
	a.log("data %d stale %d #%d", n, stale, c.Incarnation())
	if a.onData != nil {
		a.onData(c, n)
	}
}

func (a *app) OnPeerClose(c Conn) {
	a.peerClose++
	a.log("peer closed #%d", c.Incarnation())
	if a.onPeerFIN != nil {
		a.onPeerFIN(c)
	}
}

func (a *app) OnClosed(c Conn, r Reason) {
	a.closed = append(a.closed, r)
	a.log("closed %s #%d", r, c.Incarnation())
}

// pair is two traced stacks A and B on a test network.
type pair struct {
	net    *testNet
	tr     *tracer
	a, b   *Stack
	appA   *app
	appB   *app
	listen *Listener
}

// newPair builds A and B with the given configs and a one-way delay of
// 10 ms; B listens on port 80 unless noListen.
func newPair(t *testing.T, cfgA, cfgB Config, listen bool) *pair {
	t.Helper()
	n := newTestNet(10 * time.Millisecond)
	n.tr = newTracer(n.sim)
	p := &pair{net: n, tr: n.tr}
	p.a = n.addStack(t, addrA, cfgA)
	p.b = n.addStack(t, addrB, cfgB)
	p.appA = &app{name: "A", tr: n.tr, host: addrA}
	p.appB = &app{name: "B", tr: n.tr, host: addrB}
	if listen {
		l, err := p.b.Listen(80, ListenOptions{}, p.appB)
		if err != nil {
			t.Fatal(err)
		}
		p.listen = l
	}
	return p
}

func (p *pair) run(d time.Duration) { p.net.sim.RunFor(d) }

// at schedules f at simulated time at.
func (p *pair) at(at time.Duration, f func()) {
	id := p.net.sim.Register(engine.HandlerFunc(func(engine.Time, uint64) { f() }))
	p.net.sim.Schedule(engine.Time(at), id, 0)
}

func (p *pair) finish(t *testing.T, golden string) {
	t.Helper()
	checkLegal(t, p.tr.states)
	checkGolden(t, golden, p.tr.b.String())
}
