package engine_test

import (
	"fmt"
	"time"

	"tcpsim/engine"
)

// A retransmission timer that is re-armed by an ACK before it fires, and then
// fires once the ACKs stop.
func ExampleTimer() {
	sim := engine.New()
	rto := sim.NewTimer(func(now engine.Time) { fmt.Println("timeout at", now) })
	rto.Reset(time.Second)
	ack := sim.Register(engine.HandlerFunc(func(now engine.Time, _ uint64) {
		fmt.Println("ack at", now)
		rto.Reset(time.Second)
	}))
	sim.Schedule(engine.FromDuration(600*time.Millisecond), ack, 0)
	sim.Run()
	// Output:
	// ack at 600ms
	// timeout at 1.6s
}
