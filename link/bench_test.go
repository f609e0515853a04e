package link

import (
	"testing"
	"time"

	"tcpsim/engine"
)

// BenchmarkPacket measures one packet through a lossy, jittered,
// rate-limited link with a bounded queue: Send, the arrival event through
// the engine, and the receiver call. Packets come in bursts of 8 at 97 % of
// the link's rate on average, so the FIFO fills and drains, the jitter
// clamp keeps order and the loss model draws for every packet.
func BenchmarkPacket(b *testing.B) {
	cfg := Config{
		QueuePackets: 64,
		Rate:         100_000_000, // 100 Mbit/s: 120 µs per 1500-byte packet
		Overhead:     38,
		Delay:        10 * time.Millisecond,
		Jitter:       Dist{Kind: Normal, Mean: 0, StdDev: 2 * time.Millisecond},
		Loss:         Loss{Model: Bernoulli, P: 0.01},
	}
	sim := engine.New()
	n := 0
	rx := ReceiverFunc[pkt](func(engine.Time, *pkt, bool) { n++ })
	l, err := New[pkt](sim, engine.NewStreams(1, 0), "bench", cfg, rx)
	if err != nil {
		b.Fatal(err)
	}
	p := pkt{size: 1500}
	const burst, gap = 8, 127 * time.Microsecond // 123.04 µs per packet on the wire
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Send(&p)
		if i++; i%burst == 0 {
			sim.RunFor(burst * gap)
		}
	}
	b.StopTimer()
	if c := l.Counters(); c.Lost == 0 || c.Delivered == 0 {
		b.Fatalf("counters %+v", c)
	}
}

// BenchmarkPacketAllKnobs is BenchmarkPacket's loop through a link with
// every knob on (richConfig, without the outage): Pareto jitter, reordering
// with a log-normal extra delay, the 4-state loss chain, a drop list,
// duplication with held copies and corruption.
func BenchmarkPacketAllKnobs(b *testing.B) {
	cfg := richConfig()
	cfg.Outages = nil
	cfg.Rate = 100_000_000
	sim := engine.New()
	rx := ReceiverFunc[pkt](func(engine.Time, *pkt, bool) {})
	l, err := New[pkt](sim, engine.NewStreams(1, 0), "bench", cfg, rx)
	if err != nil {
		b.Fatal(err)
	}
	p := pkt{size: 1500}
	const burst, gap = 8, 127 * time.Microsecond
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Send(&p)
		if i++; i%burst == 0 {
			sim.RunFor(burst * gap)
		}
	}
}
