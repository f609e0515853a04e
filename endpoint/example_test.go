package endpoint_test

import (
	"fmt"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// wire is the smallest network: every segment arrives 5 ms after it is
// sent. (topology does this for real, with links and routes.)
type wire struct {
	sim    *engine.Sim
	id     engine.HandlerID
	stacks map[endpoint.Addr]*endpoint.Stack
	queue  []packet
}

type packet struct {
	src, dst endpoint.Addr
	seg      endpoint.Segment
}

func (w *wire) Transmit(src, dst endpoint.Addr, seg *endpoint.Segment) {
	w.queue = append(w.queue, packet{src, dst, *seg})
	w.sim.After(5*time.Millisecond, w.id, 0)
}

func (w *wire) HandleEvent(now engine.Time, _ uint64) {
	p := w.queue[0] // constant delay: arrivals are in sending order
	w.queue = w.queue[1:]
	w.stacks[p.dst].Deliver(p.src, p.dst, &p.seg)
}

// server answers every request with 1 KiB and closes after the client.
type server struct{ endpoint.NopHandler }

func (server) OnAccept(_ *endpoint.Listener, c endpoint.Conn) { c.Send(1024) }
func (server) OnPeerClose(c endpoint.Conn)                    { c.Close() }

type client struct {
	endpoint.NopHandler
	sim *engine.Sim
}

func (cl client) OnEstablished(c endpoint.Conn) {
	fmt.Printf("%v established %v\n", cl.sim.Now(), c.ID())
	c.Send(100)
}

func (cl client) OnData(c endpoint.Conn, n, stale int) {
	fmt.Printf("%v received %d bytes (%d stale)\n", cl.sim.Now(), n, stale)
	c.Close()
}

func (cl client) OnClosed(c endpoint.Conn, r endpoint.Reason) {
	fmt.Printf("%v closed: %v, now %v\n", cl.sim.Now(), r, c.State())
}

func Example() {
	sim := engine.New()
	w := &wire{sim: sim, stacks: map[endpoint.Addr]*endpoint.Stack{}}
	w.id = sim.Register(w)
	ids := endpoint.NewIDs()
	streams := engine.NewStreams(42, 0)
	cfg := endpoint.DefaultConfig()
	cfg.DelayedACK = 0
	a, b := endpoint.AddrFrom4(10, 0, 0, 1), endpoint.AddrFrom4(10, 0, 0, 2)
	for _, addr := range []endpoint.Addr{a, b} {
		st, err := endpoint.NewStack(sim, addr, cfg, streams.Rand("tcp/"+addr.String()), ids, w)
		if err != nil {
			panic(err)
		}
		w.stacks[addr] = st
	}
	w.stacks[b].Listen(80, endpoint.ListenOptions{}, server{})
	c, _ := w.stacks[a].Connect(b, 80, client{sim: sim})
	sim.RunFor(time.Second)
	fmt.Println("after 1s:", c.State())
	sim.Run()
	fmt.Println("at the end:", c.State(), "TIME-WAIT over at", sim.Now())
	// Output:
	// 10ms established 10.0.0.1:53118-10.0.0.2:80#2
	// 20ms received 1024 bytes (0 stale)
	// 30ms closed: normal, now TIME-WAIT
	// after 1s: TIME-WAIT
	// at the end: CLOSED TIME-WAIT over at 4m0.03s
}
