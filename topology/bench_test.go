package topology

import (
	"testing"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/link"
)

// BenchmarkTransmit sends one segment from a host's stack through a tap,
// a link and a hop to the other host's stack, and runs the simulation until
// it is delivered: the per-segment path of every run, which must allocate
// nothing.
func BenchmarkTransmit(b *testing.B) {
	for _, tapped := range []bool{false, true} {
		name := "no-tap"
		if tapped {
			name = "tap"
		}
		b.Run(name, func(b *testing.B) {
			net := line(b, 3, link.Config{Delay: time.Millisecond})
			if tapped {
				net.SetTap(func(_ engine.Time, _ *Host, p *Packet) bool { p.Seg.Window--; return true })
			}
			from, to := net.Host("h0"), net.Host("h2")
			// A RST to a port without a listener: the receiver drops it
			// without an answer.
			seg := endpoint.Segment{SrcPort: 1000, DstPort: 2000, Seq: 1, Flags: endpoint.RST, Window: 65535}
			b.ReportAllocs()
			for b.Loop() {
				from.Transmit(from.Addr, to.Addr, &seg)
				net.Sim().Run()
			}
			if got := to.Stack.Counters().SegsRcvd; got == 0 {
				b.Fatal("nothing delivered")
			}
		})
	}
}
