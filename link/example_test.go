package link_test

import (
	"fmt"
	"time"

	"tcpsim/engine"
	"tcpsim/link"
)

// segment stands for whatever the topology sends: here, a label and a size.
type segment struct {
	label string
	size  int
}

func (s segment) WireSize() int { return s.size }

// printer traces a link's fates.
type printer struct{}

func (printer) Observe(r link.Record, s segment) {
	copy := ""
	if r.Copy {
		copy = " (copy)"
	}
	fmt.Printf("%-8v %-10v %s%s\n", r.At, r.Fate, s.label, copy)
}

// A link that duplicates every packet and holds the copy back for a minute:
// the receiver gets the same segment twice, the second time long after the
// connection that sent it may be gone: an old duplicate.
func Example_oldDuplicate() {
	sim := engine.New()
	rx := link.ReceiverFunc[segment](func(now engine.Time, s *segment, corrupt bool) {
		fmt.Printf("%-8v receiver gets %s\n", now, s.label)
	})
	cfg := link.Config{
		Rate:      10_000_000, // 10 Mbit/s: 40 µs for 50 bytes
		Delay:     10 * time.Millisecond,
		Duplicate: link.Duplicate{Prob: 1, Hold: link.Dist{Kind: link.Constant, Value: time.Minute}},
	}
	l, err := link.New[segment](sim, engine.NewStreams(1, 0), "link/client->server", cfg, rx)
	if err != nil {
		fmt.Println(err)
		return
	}
	l.SetObserver(printer{})
	l.Send(&segment{"SYN seq=100", 50})
	sim.Run()
	// Output:
	// 0s       sent       SYN seq=100
	// 0s       duplicated SYN seq=100 (copy)
	// 10.04ms  delivered  SYN seq=100
	// 10.04ms  receiver gets SYN seq=100
	// 1m0.01004s delivered  SYN seq=100 (copy)
	// 1m0.01004s receiver gets SYN seq=100
}

// Config.Validate reports every problem at once, each naming its field.
func ExampleConfig_Validate() {
	cfg := link.Config{
		Reorder: link.Reorder{Prob: 0.25, Gap: 5},
		Loss:    link.Loss{Model: link.GilbertElliott, P: 0.01, R: 0.3},
		Corrupt: 5, // meant 5 %
	}
	fmt.Println(cfg.Validate())
	// Output:
	// link: Reorder.Gap: reorders by letting a packet skip the delay, and there is no Delay or Jitter to skip (netem's reorder does nothing without delay, silently)
	// link: Loss.LossBad: is 0 and so is LossGood, so nothing is ever lost (LossBad is netem's 1−h, usually 1)
	// link: Corrupt: must be a probability in [0, 1] (got 5)
}
