package endpoint

import (
	"runtime"
	"testing"
	"time"
	"unsafe"

	"tcpsim/engine"
)

// benchApp scripts one connection: the client sends 1 KiB and closes, the
// server sends 1 KiB on accept and closes when the client's FIN arrives.
type benchApp struct {
	NopHandler
	server bool
}

func (a *benchApp) OnEstablished(c Conn) {
	c.Send(1024)
	c.Close()
}

func (a *benchApp) OnAccept(_ *Listener, c Conn) { c.Send(1024) }

func (a *benchApp) OnPeerClose(c Conn) {
	if a.server {
		c.Close()
	}
}

// BenchmarkConnection runs whole connections over a perfect 1 ms link:
// handshake, 1 KiB each way, close and TIME-WAIT expiry, one after another
// on the same pair of stacks.
func BenchmarkConnection(b *testing.B) {
	n := newTestNet(time.Millisecond)
	cfg := DefaultConfig()
	cfg.DelayedACK = 0
	a := n.addStack(b, addrA, cfg)
	s := n.addStack(b, addrB, cfg)
	if _, err := s.Listen(80, ListenOptions{}, &benchApp{server: true}); err != nil {
		b.Fatal(err)
	}
	client := &benchApp{}
	run := func() {
		if _, err := a.Connect(addrB, 80, client); err != nil {
			b.Fatal(err)
		}
		n.sim.Run()
	}
	run() // warm the pools
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
	b.StopTimer()
	if tcbs, tw := a.NumConns(); tcbs != 0 || tw != 0 {
		b.Fatalf("left %d TCBs, %d TIME-WAIT", tcbs, tw)
	}
	if c := a.Counters(); c.SegsSent > 0 && c.Timeouts > 0 {
		b.Fatalf("timeouts: %+v", c)
	}
}

// BenchmarkHandshake measures connection setup and RST teardown alone.
func BenchmarkHandshake(b *testing.B) {
	n := newTestNet(time.Millisecond)
	cfg := DefaultConfig()
	a := n.addStack(b, addrA, cfg)
	s := n.addStack(b, addrB, cfg)
	if _, err := s.Listen(80, ListenOptions{}, NopHandler{}); err != nil {
		b.Fatal(err)
	}
	h := &abortApp{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Connect(addrB, 80, h); err != nil {
			b.Fatal(err)
		}
		n.sim.Run()
	}
}

type abortApp struct{ NopHandler }

func (abortApp) OnEstablished(c Conn) { c.Abort() }

// timeWaitFootprint measures the heap a stack uses per TIME-WAIT remnant,
// table overhead included: it files n remnants in a fresh stack's table
// and divides the growth of the live heap by n.
func timeWaitFootprint(t testing.TB, n int) float64 {
	sim := engine.New()
	st, err := NewStack(sim, addrA, DefaultConfig(), engine.NewStreams(1, 0).Rand("tw"), NewIDs(), discard{})
	if err != nil {
		t.Fatal(err)
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for i := range n {
		key := tupleKey(uint16(1024+i%60000), Addr(0x0a000002+i/60000), 80)
		st.tw.add(key, twEntry{key: key, inc: Incarnation(i + 1), sndNxt: 1, rcvNxt: 2}, 4*time.Minute)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(st)
	return float64(m1.HeapAlloc-m0.HeapAlloc) / float64(n)
}

type discard struct{}

func (discard) Transmit(Addr, Addr, *Segment) {}

// TestTimeWaitFootprint checks issue 4's bound: a TCB in TIME-WAIT holds at
// most 256 bytes. The remnant's own size, its FIFO expiry record and its
// share of the connection map and slices are all counted.
func TestTimeWaitFootprint(t *testing.T) {
	per := timeWaitFootprint(t, 200000)
	t.Logf("TIME-WAIT remnant: %.0f bytes each on the heap (sizeof twEntry %d, twExpiry %d; a live tcb is %d)",
		per, unsafe.Sizeof(twEntry{}), unsafe.Sizeof(twExpiry{}), unsafe.Sizeof(tcb{}))
	if per > 256 {
		t.Errorf("TIME-WAIT costs %.0f bytes, want at most 256", per)
	}
}

// BenchmarkTimeWaitBuildUp files 200,000 TIME-WAIT remnants in a fresh
// stack and lets them all expire: the cost per remnant of a run whose
// TIME-WAIT population builds up from nothing, growth of the tables
// included (issue 17).
func BenchmarkTimeWaitBuildUp(b *testing.B) {
	const n = 200000
	b.ReportAllocs()
	for b.Loop() {
		sim := engine.New()
		st, err := NewStack(sim, addrA, DefaultConfig(), engine.NewStreams(1, 0).Rand("tw"), NewIDs(), discard{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			key := tupleKey(uint16(1024+i%60000), Addr(0x0a000002+i/60000), 80)
			st.tw.add(key, twEntry{key: key, inc: Incarnation(i + 1), sndNxt: 1, rcvNxt: 2}, time.Minute)
		}
		sim.Run()
		if _, tw := st.NumConns(); tw != 0 {
			b.Fatalf("%d remnants left", tw)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/remnant")
}

// BenchmarkConnectionAmidTimeWait is BenchmarkConnection at a client that
// also holds 600,000 TIME-WAIT remnants of other connections, as each
// client of hundred-million.yaml holds 60,000 (issue 17): every segment
// of the connection is looked up in a host whose connection tables no
// longer fit in cache. The client's own TIME-WAIT is ablated, and the
// remnants outlive the run.
func BenchmarkConnectionAmidTimeWait(b *testing.B) {
	n := newTestNet(time.Millisecond)
	cfg := DefaultConfig()
	cfg.DelayedACK = 0
	ccfg := cfg
	ccfg.TimeWait = TimeWaitNone
	a := n.addStack(b, addrA, ccfg)
	s := n.addStack(b, addrB, cfg)
	if _, err := s.Listen(80, ListenOptions{}, &benchApp{server: true}); err != nil {
		b.Fatal(err)
	}
	const remnants = 600000
	for i := range remnants {
		key := tupleKey(uint16(1024+i%60000), Addr(0x0b000000+i/60000), 80)
		a.tw.add(key, twEntry{key: key, inc: Incarnation(i + 1), sndNxt: 1, rcvNxt: 2}, 1e6*time.Hour)
	}
	client := &benchApp{}
	run := func() {
		if _, err := a.Connect(addrB, 80, client); err != nil {
			b.Fatal(err)
		}
		n.sim.RunFor(time.Second)
	}
	run() // warm the pools
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
	b.StopTimer()
	if tcbs, tw := a.NumConns(); tcbs != 0 || tw != remnants {
		b.Fatalf("left %d TCBs, %d TIME-WAIT", tcbs, tw)
	}
}
