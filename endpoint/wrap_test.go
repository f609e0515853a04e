package endpoint

import (
	"math"
	"testing"
	"time"
)

// TestSequenceWraparound runs a whole connection whose ISNs are just below
// 2^32: the handshake, 20 kB each way (one segment lost and retransmitted
// across the wrap, so the out-of-order queue spans it too) and the close.
func TestSequenceWraparound(t *testing.T) {
	cfg := testConfig()
	p := newPair(t, cfg, cfg, true)
	fixedISN(p.a, math.MaxUint32-1000)
	fixedISN(p.b, math.MaxUint32-10)
	lost := false
	p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
		// Lose A's segment that crosses 2^32.
		if src == addrA && seg.Len > 0 && !lost && uint32(seg.Seq)+seg.Len < uint32(seg.Seq) {
			lost = true
			return true, 0
		}
		return false, 0
	}
	const n = 20000
	p.appA.onEstab = func(c Conn) { c.Send(n); c.Close() }
	p.appB.onAccept = func(c Conn) { c.Send(n) }
	p.appB.onPeerFIN = func(c Conn) { c.Close() }
	ca, err := p.a.Connect(addrB, 80, p.appA)
	if err != nil {
		t.Fatal(err)
	}
	p.run(10 * time.Second)
	if !lost {
		t.Error("no segment crossed the wrap")
	}
	if p.appA.rcvd != n || p.appB.rcvd != n {
		t.Errorf("delivered A %d, B %d bytes; want %d each", p.appA.rcvd, p.appB.rcvd, n)
	}
	if p.appA.stale+p.appB.stale != 0 {
		t.Errorf("stale bytes %d", p.appA.stale+p.appB.stale)
	}
	wantState(t, "A", ca, TimeWait)
	if len(p.appB.closed) != 1 || p.appB.closed[0] != ReasonNormal {
		t.Errorf("B closed %v", p.appB.closed)
	}
	if c := p.a.Counters(); c.DataRetransmits != 1 {
		t.Errorf("A retransmitted %d data segments, want 1", c.DataRetransmits)
	}
	p.finish(t, "sequence_wraparound.trace")
}
