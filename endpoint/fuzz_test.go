package endpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tcpsim/engine"
)

// legalChecker panics on any state change RFC 9293 does not allow, so the
// fuzzer reports it as a crash.
type legalChecker struct{ n int }

func (l *legalChecker) OnState(e StateEvent) {
	l.n++
	if !Legal(e.From, e.To) {
		panic(fmt.Sprintf("illegal transition %s -> %s (%s) of %v", e.From, e.To, e.Cause, e.Conn))
	}
}

func (*legalChecker) OnSegment(SegmentEvent) {}

// fuzzConfig derives a config from a byte: each bit flips one switch.
func fuzzConfig(b byte) Config {
	c := DefaultConfig()
	if b&1 != 0 {
		c, _ = Profile("linux")
	}
	if b&2 != 0 {
		rfc793(&c)
	}
	c.TwoWayHandshake = b&4 != 0
	if b&5 == 5 {
		// The linux profile with every SYN answered by a cookie instead
		// (the two-way ablation stays off: a cookie needs the third ACK).
		c.TwoWayHandshake, c.SynCookies = false, CookiesAlways
	}
	c.RFC1337 = b&8 != 0
	c.TimeWaitReopen = b&16 != 0
	if b&32 != 0 {
		c.TimeWait = TimeWaitNone
	}
	if b&64 != 0 {
		c.KeepAlive, c.KeepIdle = true, 30*time.Second
		c.FinWait2Timeout = 20 * time.Second
	}
	c.ISN = ISNPolicy(b >> 7 * 3) // rfc9293 or zero
	c.PortMin, c.PortMax = 40000, 40003
	c.RcvWindow = 4000
	c.MSS = 500
	return c
}

// runProgram interprets data as a sequence of operations on two stacks: opens,
// sends, closes, aborts, crashes, injected segments near the live
// connections' sequence numbers, losses and the passage of time.
func runProgram(data []byte) {
	if len(data) < 2 {
		return
	}
	n := newTestNet(time.Duration(1+data[1]%50) * time.Millisecond)
	chk := &legalChecker{}
	var stacks [2]*Stack
	for i, a := range []Addr{addrA, addrB} {
		st, err := NewStack(n.sim, a, fuzzConfig(data[0]), engine.NewStreams(uint64(len(data)), 0).Rand(a.String()), n.ids, n)
		if err != nil {
			panic(err)
		}
		st.SetObserver(chk)
		if fuzzTrace {
			tr := newTracer(n.sim)
			st.SetObserver(multiObs{chk, tr})
			traces = append(traces, tr)
		}
		n.stacks[a] = st
		stacks[i] = st
	}
	n.sim.SetEventLimit(200000)
	apps := [2]*app{{}, {}}
	for i := range stacks {
		apps[i].onPeerFIN = func(c Conn) { c.Close() }
		stacks[i].Listen(80, ListenOptions{SynQueue: 2, AcceptQueue: 2}, apps[i])
	}
	loss := 0
	n.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
		if loss > 0 {
			loss--
			return true, 0
		}
		return false, 0
	}
	data = data[2:]
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	pick := func(st *Stack, b byte) *tcb {
		var live []*tcb
		for _, t := range st.tcbs {
			if t.state != Closed {
				live = append(live, t)
			}
		}
		if len(live) == 0 {
			return nil
		}
		return live[int(b)%len(live)]
	}
	for len(data) > 0 {
		op := next()
		who := int(op>>4) & 1
		st, other := stacks[who], stacks[1-who]
		switch op % 12 {
		case 0:
			st.Connect(other.addr, 80, apps[who])
		case 1:
			st.ConnectFrom(40000+uint16(next()%4), other.addr, 40000+uint16(next()%4), apps[who])
		case 2:
			if t := pick(st, next()); t != nil {
				t.conn().Send(int(next()) * 37)
			}
		case 3:
			if t := pick(st, next()); t != nil {
				t.conn().Close()
			}
		case 4:
			if t := pick(st, next()); t != nil {
				t.conn().Abort()
			}
		case 5, 6, 7:
			// A segment near a live connection's sequence numbers.
			t := pick(other, next())
			seg := Segment{SrcPort: 80, DstPort: 40000 + uint16(next()%4), Flags: Flags(next()) & (FIN | SYN | RST | ACK | PSH),
				Window: uint16(next()) << 4, Len: uint32(next() % 3 * 100), Origin: 999, Replay: true}
			d1, d2 := Seq(int8(next())), Seq(int8(next()))
			if t != nil {
				seg.SrcPort, seg.DstPort = t.lport, t.rport
				seg.Seq, seg.Ack = t.sndNxt+d1*50, t.rcvNxt+d2*50
			} else {
				seg.Seq, seg.Ack = d1<<24, d2<<24
			}
			n.inject(other.addr, st.addr, seg, time.Duration(next())*time.Millisecond)
		case 8:
			n.sim.RunFor(time.Duration(next()) * 10 * time.Millisecond)
		case 9:
			n.sim.RunFor(time.Duration(next()) * time.Second)
		case 10:
			loss = int(next() % 4)
		case 11:
			if next()%8 == 0 {
				st.Crash()
				st.Listen(80, ListenOptions{SynQueue: 2, AcceptQueue: 2}, apps[who])
			}
		}
	}
	if n.sim.RunFor(20*time.Minute) == engine.EventLimit {
		return // an ACK storm without throttling (OOWAckInterval 0) can run forever
	}
	// Everything ends: with no traffic left every TCB must be in a state that
	// waits for the user or the peer, never mid-handshake forever.
	for _, st := range stacks {
		for _, t := range st.tcbs {
			if t.state == SynSent || t.state == SynReceived {
				panic(fmt.Sprintf("TCB #%d still in %s after 20 minutes", t.inc, t.state))
			}
		}
	}
}

var (
	fuzzTrace bool
	traces    []*tracer
)

type multiObs []Observer

func (m multiObs) OnState(e StateEvent) {
	for _, o := range m {
		o.OnState(e)
	}
}

func (m multiObs) OnSegment(e SegmentEvent) {
	for _, o := range m {
		o.OnSegment(e)
	}
}

// FuzzEndpoint drives random segments and user calls into two stacks in
// every state: no panic, and every state change is a legal RFC 9293
// transition. The seed corpus is testdata/fuzz/FuzzEndpoint.
func FuzzEndpoint(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { runProgram(data) })
}

// TestWriteFuzzSeeds regenerates the seed corpus with -update.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("only with -update")
	}
	seeds := [][]byte{
		{0, 10, 0, 8, 20, 2, 0, 5, 3, 0, 9, 10},                               // connect, data, close
		{1, 5, 0, 0x10, 8, 5, 8, 1, 2, 0, 3, 9, 100},                          // linux, both connect
		{2, 20, 0, 8, 10, 5, 0, 1, 1, 0, 0, 0, 8, 5, 4, 0, 9, 30},             // rfc793, injected segments
		{4, 3, 0, 8, 10, 6, 0, 2, 2, 3, 1, 1, 0, 9, 60},                       // two-way, injected SYN
		{8, 7, 0, 8, 10, 3, 0, 9, 1, 7, 0, 4, 4, 1, 255, 0, 9, 10},            // RFC 1337, RST into TIME-WAIT
		{16, 9, 0, 8, 10, 3, 0, 8, 30, 0, 8, 10, 1, 1, 1, 9, 200},             // reopen
		{32, 2, 10, 3, 0, 8, 10, 2, 0, 50, 10, 2, 8, 100, 9, 100},             // no TIME-WAIT, losses
		{64, 15, 0, 8, 10, 9, 200, 0x1b, 0, 9, 100},                           // keep-alive, crash
		{128, 4, 0, 0x10, 1, 0, 0, 0x11, 0, 0, 8, 10, 7, 0, 0x12, 0, 0, 9, 5}, // ISN zero, simultaneous open
		{3, 1, 0, 0, 0, 0, 4, 0, 8, 1, 0x15, 0, 0, 3, 1, 0, 9, 250},           // linux+rfc793, aborts
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzEndpoint")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
