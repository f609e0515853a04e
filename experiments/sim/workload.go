package sim

import (
	"errors"
	"math/rand/v2"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/link"
	"tcpsim/topology"
)

// Actions a workload schedules for itself; an event's arg is
// slot<<3 | action, where slot indexes the workload's pending records (or
// a closed-loop user).
const (
	actArrival = iota
	actClientClose
	actServerClose
	actBothClose
	actUserOpen
)

// workload drives one workload of the experiment: arrivals, and the script
// each connection follows on both hosts.
type workload struct {
	idx            int
	spec           config.Workload
	col            *collector
	sim            *engine.Sim
	client, server *topology.Host
	id             engine.HandlerID
	rng            *rand.Rand
	think          *link.Sampler
	opened         int
	listener       *endpoint.Listener
	pending        []*connRecord
	free           []uint64
	// shared are the run's listeners by host and port: workloads with one
	// server share its listener (issue 14).
	shared listeners
	// keepRecords keeps the records of the connections opened, by
	// ordinal, for a blind attacker aiming at one of them.
	keepRecords bool
	kept        []*connRecord
}

// listeners are a run's listeners, by server address and port.
type listeners map[endpoint.Endpoint]*endpoint.Listener

// record returns the record of connection ordinal k (1-based), nil if it
// was not opened (or records are not kept).
func (w *workload) record(k int) *connRecord {
	if k < 1 || k > len(w.kept) {
		return nil
	}
	return w.kept[k-1]
}

func newWorkload(idx int, spec config.Workload, net *topology.Network, col *collector, streams engine.Streams) (*workload, error) {
	w := &workload{
		idx: idx, spec: spec, col: col, sim: net.Sim(),
		client: net.Host(spec.Client), server: net.Host(spec.Server.Host),
		rng: streams.Rand("workload/" + spec.Name + "/arrivals"),
	}
	if c := spec.Arrivals.Closed; c != nil && c.Think != nil {
		s, err := link.NewSampler(dist(*c.Think), streams.Source("workload/"+spec.Name+"/think"))
		if err != nil {
			return nil, err
		}
		w.think = s
	}
	w.id = w.sim.Register(w)
	return w, nil
}

// start listens on the server and schedules the first arrivals.
func (w *workload) start() error {
	if err := w.listen(); err != nil {
		return err
	}
	start := engine.FromDuration(time.Duration(w.spec.Start))
	switch a := w.spec.Arrivals; {
	case a.Closed != nil:
		for u := range int(a.Closed.Clients) {
			w.sim.Schedule(start, w.id, uint64(u)<<3|actUserOpen)
		}
	case a.Times != nil:
		if len(a.Times) > 0 {
			w.sim.Schedule(start.Add(time.Duration(a.Times[0])), w.id, actArrival)
		}
	case a.Poisson != nil:
		w.sim.Schedule(start.Add(w.poissonGap()), w.id, actArrival)
	default:
		w.sim.Schedule(start, w.id, actArrival)
	}
	return nil
}

// listen opens the server's listener (again after a reboot), or joins
// the one another workload of the run opened on the same host and port.
func (w *workload) listen() error {
	if w.spec.Listen.Refuse || w.spec.Connection.Open == "simultaneous" {
		return nil
	}
	opts := endpoint.ListenOptions{}
	if b := w.spec.Listen.Backlog; b != nil {
		opts.AcceptQueue = int(*b)
	}
	key := endpoint.Endpoint{Addr: w.server.Addr, Port: w.spec.Server.Port}
	l, err := w.server.Stack.Listen(w.spec.Server.Port, opts, (*listenerApp)(w.col))
	if errors.Is(err, endpoint.ErrAddrInUse) && w.shared[key] != nil {
		w.listener = w.shared[key]
		return nil
	}
	if err == nil && w.shared != nil {
		w.shared[key] = l
	}
	w.listener = l
	return err
}

func (w *workload) poissonGap() time.Duration {
	rate := float64(*w.spec.Arrivals.Poisson)
	return time.Duration(w.rng.ExpFloat64() / rate * 1e9)
}

// more reports whether the workload may open another connection now.
func (w *workload) more(now engine.Time) bool {
	if w.spec.Count > 0 && w.opened >= int(w.spec.Count) {
		return false
	}
	if u := w.spec.Until; u > 0 && now > engine.FromDuration(time.Duration(u)) {
		return false
	}
	if t := w.spec.Arrivals.Times; t != nil && w.opened >= len(t) {
		return false
	}
	return true
}

// HandleEvent implements engine.Handler.
func (w *workload) HandleEvent(now engine.Time, arg uint64) {
	slot, act := arg>>3, arg&7
	switch act {
	case actArrival:
		if !w.more(now) {
			return
		}
		w.open(now, -1)
		if !w.more(now) {
			return
		}
		switch a := w.spec.Arrivals; {
		case a.Interval != nil:
			w.sim.After(time.Duration(*a.Interval), w.id, actArrival)
		case a.Poisson != nil:
			w.sim.After(w.poissonGap(), w.id, actArrival)
		case a.Times != nil:
			start := engine.FromDuration(time.Duration(w.spec.Start))
			w.sim.Schedule(max(now, start.Add(time.Duration(a.Times[w.opened]))), w.id, actArrival)
		}
	case actUserOpen:
		if w.more(now) {
			w.open(now, int(slot))
		}
	default:
		r := w.pending[slot]
		r.scheduled--
		w.pending[slot] = nil
		w.free = append(w.free, slot)
		switch act {
		case actClientClose:
			w.clientClose(r)
		case actServerClose:
			w.serverClose(r)
		case actBothClose:
			w.clientClose(r)
			w.serverClose(r)
		}
		w.col.release(r)
	}
}

// later schedules act for r after the connection's hold time.
func (w *workload) later(r *connRecord, act uint64) {
	var slot uint64
	if n := len(w.free); n > 0 {
		slot = w.free[n-1]
		w.free = w.free[:n-1]
		w.pending[slot] = r
	} else {
		slot = uint64(len(w.pending))
		w.pending = append(w.pending, r)
	}
	r.scheduled++
	w.sim.After(time.Duration(w.spec.Connection.Hold), w.id, slot<<3|act)
}

// open starts connection attempt number w.opened+1; user is the closed-loop
// user making it (-1 for open-loop arrivals).
func (w *workload) open(now engine.Time, user int) {
	w.opened++
	r := w.col.newRecord()
	r.w, r.workload, r.ordinal, r.opened, r.user = w, w.idx, w.opened, now, user
	if w.keepRecords {
		w.kept = append(w.kept, r)
		w.col.keepRecords = true
	}
	var c endpoint.Conn
	var err error
	w.col.open(r, false)
	if w.spec.Connection.Open == "simultaneous" {
		lo, hi := w.client.Stack.Config().PortMin, w.client.Stack.Config().PortMax
		port := lo + uint16((w.opened-1)%(int(hi-lo)+1))
		c, err = w.client.Stack.ConnectFrom(port, w.server.Addr, w.spec.Server.Port, (*clientApp)(r))
		if err == nil {
			var sc endpoint.Conn
			w.col.open(r, true)
			sc, err = w.server.Stack.ConnectFrom(w.spec.Server.Port, w.client.Addr, port, (*serverApp)(r))
			if err == nil {
				r.srvConn = sc
			}
		}
	} else {
		c, err = w.client.Stack.Connect(w.server.Addr, w.spec.Server.Port, (*clientApp)(r))
	}
	w.col.opening = nil
	if err != nil && r.client == 0 {
		w.col.noPort(r)
		w.nextUser(r)
		w.col.release(r)
		return
	}
	// The collector bound r to its TCBs at their first state change, inside
	// the connects, before their SYNs left.
	r.conn = c
}

// noPortRetry is the least a closed-loop user waits after a connect that
// found no free ephemeral port, so that a user with no think time does not
// spin at one instant.
const noPortRetry = time.Millisecond

// nextUser lets a closed-loop user think and open its next connection.
func (w *workload) nextUser(r *connRecord) {
	if r.user < 0 {
		return
	}
	var d time.Duration
	if w.think != nil {
		d = w.think.Sample()
	}
	if r.outcome == "no_port" {
		d = max(d, noPortRetry)
	}
	w.sim.After(d, w.id, uint64(r.user)<<3|actUserOpen)
}

// clientDone: the client has sent its data and received the server's.
func (w *workload) clientDone(r *connRecord) {
	switch w.spec.Connection.Close {
	case "client", "abort":
		w.later(r, actClientClose)
	case "both":
		if r.ready++; r.ready == 2 {
			w.later(r, actBothClose)
		}
	}
}

// serverDone: the server has sent its data and received the client's.
func (w *workload) serverDone(r *connRecord) {
	switch w.spec.Connection.Close {
	case "server":
		w.later(r, actServerClose)
	case "both":
		if r.ready++; r.ready == 2 {
			w.later(r, actBothClose)
		}
	}
}

func (w *workload) clientClose(r *connRecord) {
	if r.closing || !r.conn.Valid() {
		return
	}
	r.closing = true
	if w.spec.Connection.Close == "abort" {
		r.conn.Abort()
		return
	}
	r.conn.Close()
}

func (w *workload) serverClose(r *connRecord) {
	if r.srvClosing || !r.srvConn.Valid() {
		return
	}
	r.srvClosing = true
	r.srvConn.Close()
}

// clientApp is a connection record seen as the client's application.
type clientApp connRecord

func (a *clientApp) rec() *connRecord { return (*connRecord)(a) }

// OnEstablished implements endpoint.Handler.
func (a *clientApp) OnEstablished(c endpoint.Conn) {
	r := a.rec()
	r.w.col.established(r, r.w.sim.Now())
	if n := int(r.w.spec.Connection.Send); n > 0 {
		c.Send(n)
	}
	if r.w.spec.Connection.Receive == 0 {
		r.w.clientDone(r)
	}
}

// OnAccept implements endpoint.Handler; a client never accepts.
func (a *clientApp) OnAccept(*endpoint.Listener, endpoint.Conn) {}

// OnData implements endpoint.Handler.
func (a *clientApp) OnData(_ endpoint.Conn, n, stale int) {
	r := a.rec()
	if r.receive(&r.rcvd, n, stale, int(r.w.spec.Connection.Receive)) {
		r.w.clientDone(r)
	}
}

// receive adds n delivered bytes, stale of them from another incarnation,
// to *got, one end's count, and reports whether that just reached want.
func (r *connRecord) receive(got *int, n, stale, want int) bool {
	r.foreign = r.foreign || stale > 0
	before := *got
	*got += n
	return before < want && *got >= want
}

// OnPeerClose implements endpoint.Handler: the client answers the server's
// FIN with its own, unless it closes on its own schedule.
func (a *clientApp) OnPeerClose(endpoint.Conn) {
	r := a.rec()
	switch r.w.spec.Connection.Close {
	case "server", "client":
		r.w.clientClose(r)
	}
}

// OnClosed implements endpoint.Handler.
func (a *clientApp) OnClosed(_ endpoint.Conn, reason endpoint.Reason) {
	r := a.rec()
	r.w.col.ended(r, r.w.sim.Now(), reason)
	r.w.nextUser(r)
	r.w.col.release(r)
}

// serverApp is a connection record seen as the server's application.
type serverApp connRecord

func (a *serverApp) rec() *connRecord { return (*connRecord)(a) }

// OnEstablished implements endpoint.Handler (simultaneous open only).
func (a *serverApp) OnEstablished(c endpoint.Conn) { a.start(c) }

// start begins the server's part of the script.
func (a *serverApp) start(c endpoint.Conn) {
	r := a.rec()
	r.srvConn = c
	if n := int(r.w.spec.Connection.Receive); n > 0 {
		c.Send(n)
	}
	if r.w.spec.Connection.Send == 0 {
		r.w.serverDone(r)
	}
}

// OnAccept implements endpoint.Handler; the listener's handler accepts.
func (a *serverApp) OnAccept(*endpoint.Listener, endpoint.Conn) {}

// OnData implements endpoint.Handler.
func (a *serverApp) OnData(_ endpoint.Conn, n, stale int) {
	r := a.rec()
	if r.receive(&r.srvRcvd, n, stale, int(r.w.spec.Connection.Send)) {
		r.w.serverDone(r)
	}
}

// OnPeerClose implements endpoint.Handler: the server closes in answer to
// the client's FIN, unless it closes on its own schedule.
func (a *serverApp) OnPeerClose(endpoint.Conn) {
	r := a.rec()
	switch r.w.spec.Connection.Close {
	case "client", "server", "abort", "none":
		r.w.serverClose(r)
	}
}

// OnClosed implements endpoint.Handler.
func (a *serverApp) OnClosed(endpoint.Conn, endpoint.Reason) {}

// listenerApp is the run's collector seen as the application of every
// listener: the workloads sharing a listener are told apart by the
// attempt each connection belongs to.
type listenerApp collector

// OnAccept implements endpoint.Handler: find the attempt the connection
// belongs to and hand it the server's script. A connection no client
// attempt opened (a ghost, or one completed by an attacker's forged
// segments) gets a server that only closes when asked to.
func (l *listenerApp) OnAccept(_ *endpoint.Listener, c endpoint.Conn) {
	r := (*collector)(l).recs.get(c.PeerIncarnation())
	if r == nil || r.client != c.PeerIncarnation() || r.srvConn.Valid() {
		c.SetHandler(orphanApp{})
		return
	}
	c.SetHandler((*serverApp)(r))
	(*serverApp)(r).start(c)
}

// OnEstablished implements endpoint.Handler.
func (l *listenerApp) OnEstablished(endpoint.Conn) {}

// OnData implements endpoint.Handler.
func (l *listenerApp) OnData(endpoint.Conn, int, int) {}

// OnPeerClose implements endpoint.Handler.
func (l *listenerApp) OnPeerClose(endpoint.Conn) {}

// OnClosed implements endpoint.Handler.
func (l *listenerApp) OnClosed(endpoint.Conn, endpoint.Reason) {}

// orphanApp serves connections no client attempt opened: it closes when
// the peer does.
type orphanApp struct{ endpoint.NopHandler }

// OnPeerClose implements endpoint.Handler.
func (orphanApp) OnPeerClose(c endpoint.Conn) { c.Close() }
