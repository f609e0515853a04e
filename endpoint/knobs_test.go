package endpoint

import (
	"math"
	"slices"
	"testing"
	"time"
)

// wire records when a host sent segments of one kind, and when its first
// TCB ended (entered CLOSED).
type wire struct {
	match func(Segment) bool
	times []time.Duration
	ended time.Duration
}

func (w *wire) OnState(e StateEvent) {
	if e.To == Closed && e.From != Listen && w.ended == 0 {
		w.ended = e.Time.Duration()
	}
}

func (w *wire) OnSegment(e SegmentEvent) {
	if e.Dir == Sent && w.match(e.Seg) {
		w.times = append(w.times, e.Time.Duration())
	}
}

func linux() Config {
	c, _ := Profile("linux")
	return c
}

func rfc9293() Config { return DefaultConfig() }

// TestRetryKnobsOnTheWire sets each retry knob to 0, to a value other than
// its default, and leaves it at its default, and checks the segments it
// governs on the wire: when each went out, and when the connection gave
// up. A retry count of 0 means no retransmission at all (issue 11), and
// Unlimited no bound.
func TestRetryKnobsOnTheWire(t *testing.T) {
	type row struct {
		name  string
		cfg   Config
		set   func(*Config)
		times []float64 // seconds
		ended float64
	}
	s := func(v ...float64) []float64 { return v }

	t.Run("syn_retries and syn_linear_timeouts", func(t *testing.T) {
		for _, tc := range []row{
			{"rfc9293 default (unlimited, R2 3 min)", rfc9293(), nil, s(0, 1, 3, 7, 15, 31, 63, 123), 180},
			{"rfc9293 syn_retries 0", rfc9293(), func(c *Config) { c.SynRetries = 0 }, s(0), 1},
			{"rfc9293 syn_retries 3", rfc9293(), func(c *Config) { c.SynRetries = 3 }, s(0, 1, 3, 7), 15},
			{"rfc9293 syn_retries 3, syn_linear_timeouts 2", rfc9293(), func(c *Config) { c.SynRetries, c.SynLinearTimeouts = 3, 2 },
				s(0, 1, 2, 3, 5, 9), 17},
			{"linux default (6 + 4)", linux(), nil, s(0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67), 131},
			{"linux syn_linear_timeouts 0", linux(), func(c *Config) { c.SynLinearTimeouts = 0 }, s(0, 1, 3, 7, 15, 31, 63), 127},
			{"linux syn_linear_timeouts 8", linux(), func(c *Config) { c.SynLinearTimeouts = 8 },
				s(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 15, 23, 39, 71), 135},
			// 0 + 4 retransmissions by count, but the time bound (1 s,
			// checked once a SYN was retransmitted) ends it at 2 s.
			{"linux syn_retries 0", linux(), func(c *Config) { c.SynRetries = 0 }, s(0, 1), 2},
			{"linux syn_retries 2", linux(), func(c *Config) { c.SynRetries = 2 }, s(0, 1, 2, 3, 4, 5), 7},
			{"linux syn_retries 2, no time bound", linux(), func(c *Config) { c.SynRetries, c.SynTimeBound = 2, false },
				s(0, 1, 2, 3, 4, 5, 7), 11},
			{"linux syn_retries unlimited", linux(), func(c *Config) { c.SynRetries = Unlimited; c.ConnectTimeout = 5 * time.Minute },
				s(0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67, 131, 251), 300},
			// No overflow in the count (+4) or in the time bound.
			{"linux syn_retries MaxInt", linux(), func(c *Config) { c.SynRetries = math.MaxInt; c.ConnectTimeout = 5 * time.Minute },
				s(0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67, 131, 251), 300},
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := tc.cfg
				if tc.set != nil {
					tc.set(&cfg)
				}
				n := newTestNet(time.Millisecond)
				n.filter = func(Addr, Addr, *Segment) (bool, time.Duration) { return true, 0 } // black hole
				a := n.addStack(t, addrA, cfg)
				w := &wire{match: func(sg Segment) bool { return sg.Flags == SYN }}
				a.SetObserver(w)
				if _, err := a.Connect(addrB, 80, &app{}); err != nil {
					t.Fatal(err)
				}
				n.sim.Run()
				checkWire(t, w, tc.times, tc.ended)
			})
		}
	})

	t.Run("synack_retries", func(t *testing.T) {
		for _, tc := range []row{
			{"rfc9293 default (unlimited, R2 3 min)", rfc9293(), nil, s(0, 1, 3, 7, 15, 31, 63, 123), 180},
			{"rfc9293 synack_retries 0", rfc9293(), func(c *Config) { c.SynAckRetries = 0 }, s(0), 1},
			{"linux default 5", linux(), nil, s(0, 1, 3, 7, 15, 31), 63},
			{"linux synack_retries 0", linux(), func(c *Config) { c.SynAckRetries = 0 }, s(0), 1},
			{"linux synack_retries 2", linux(), func(c *Config) { c.SynAckRetries = 2 }, s(0, 1, 3), 7},
			{"linux synack_retries 7", linux(), func(c *Config) { c.SynAckRetries = 7 }, s(0, 1, 3, 7, 15, 31, 63, 127), 247}, // the last timeout capped at MaxRTO (TCP_RTO_MAX),
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := tc.cfg
				if tc.set != nil {
					tc.set(&cfg)
				}
				n := newTestNet(time.Millisecond)
				b := n.addStack(t, addrB, cfg)
				w := &wire{match: func(sg Segment) bool { return sg.Flags == SYN|ACK }}
				b.SetObserver(w)
				if _, err := b.Listen(80, ListenOptions{}, NopHandler{}); err != nil {
					t.Fatal(err)
				}
				// A SYN from a host that is not there: its SYN-ACKs go
				// nowhere.
				n.inject(addrA, addrB, Segment{SrcPort: 5555, DstPort: 80, Seq: 1, Flags: SYN, Window: 1000}, 0)
				n.sim.Run()
				checkWire(t, w, tc.times, tc.ended)
			})
		}
	})

	t.Run("data_retries", func(t *testing.T) {
		// The data goes out at 100 ms into a black hole; RTO 1 s (the
		// RTT sample of 20 ms is below the minimum).
		for _, tc := range []row{
			{"rfc9293 data_retries 0", rfc9293(), func(c *Config) { c.DataRetries = 0 }, s(0.1), 1.1},
			{"rfc9293 data_retries 3", rfc9293(), func(c *Config) { c.DataRetries = 3 }, s(0.1, 1.1, 3.1, 7.1), 15.1},
			{"rfc9293 default (unlimited, user timeout 5 min)", rfc9293(), nil,
				s(0.1, 1.1, 3.1, 7.1, 15.1, 31.1, 63.1, 123.1, 183.1, 243.1), 300.1},
			{"linux data_retries 0", linux(), func(c *Config) { c.DataRetries = 0 }, s(0.1), 0.3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := tc.cfg
				if tc.set != nil {
					tc.set(&cfg)
				}
				cfg.DelayedACK = 0
				p := newPair(t, cfg, cfg, true)
				ca, _ := establish(t, p)
				w := &wire{match: func(sg Segment) bool { return sg.Len > 0 }}
				p.a.SetObserver(w)
				p.net.filter = func(Addr, Addr, *Segment) (bool, time.Duration) { return true, 0 }
				ca.Send(100)
				p.net.sim.Run()
				checkWire(t, w, tc.times, tc.ended)
			})
		}
	})
}

func checkWire(t *testing.T, w *wire, times []float64, ended float64) {
	t.Helper()
	want := make([]time.Duration, len(times))
	for i, x := range times {
		want[i] = time.Duration(x * float64(time.Second))
	}
	if !slices.Equal(w.times, want) {
		t.Errorf("sent at %v, want %v (%d, want %d)", w.times, want, len(w.times), len(want))
	}
	if e := time.Duration(ended * float64(time.Second)); w.ended != e {
		t.Errorf("gave up at %v, want %v", w.ended, e)
	}
}
