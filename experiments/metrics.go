package experiments

import (
	"math"
	"slices"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/topology"
)

// MetricColumns are the run metrics, in runs.csv order, with their formats:
// the names the experiment format knows (config.Metrics), seconds for those
// ending in _s, counts for the others.
var MetricColumns = func() []results.Column {
	cols := make([]results.Column, len(config.Metrics))
	for i, name := range config.Metrics {
		cols[i] = results.Column{Name: name, Kind: results.KindOf(name)}
	}
	return cols
}()

// connRecord follows one connection attempt of a workload.
type connRecord struct {
	w                             *workload
	workload, ordinal             int // ordinal counts from 1 within the workload
	conn, srvConn                 endpoint.Conn
	rcvd, srvRcvd                 int // bytes the client and the server received
	closing                       bool
	user                          int // closed-loop user, -1 for open-loop arrivals
	srvClosing                    bool
	client, server                endpoint.Incarnation
	tuple                         endpoint.ConnID // the client's view
	opened                        engine.Time
	established                   engine.Time // -1 until the client is ESTABLISHED
	ended                         engine.Time // -1 until the client's TCB ends
	outcome                       string
	clientState                   endpoint.State
	synRetx, synackRetx, dataRetx int
	// path lists the client's and the server's state changes, for
	// connections.csv ("SYN-SENT@0;ESTABLISHED@0.02;...").
	clientPath, serverPath []stateAt
	// ready counts the sides that finished their part of the script (for a
	// simultaneous close).
	ready int
}

type stateAt struct {
	s endpoint.State
	t engine.Time
}

// collector observes every stack of a run and computes its metrics.
type collector struct {
	recordPaths bool
	recs        records
	all         []*connRecord // when connections.csv is asked for
	occupancy   [endpoint.NumStates]int
	twPeak      int
	// servers are the hosts that serve a workload and open none; twServer
	// counts their TIME-WAIT TCBs.
	servers      map[endpoint.Addr]bool
	twServer     int
	twServerPeak int
	synrcvdPeak  int
	ghosts       int
	handshakes   []float64
	attempted    int
	outcomes     map[string]int
	// last is the time of the latest state change or segment: the run's
	// simulated length when it ends by running out of events.
	last engine.Time
}

func newCollector(recordPaths bool) *collector {
	return &collector{recordPaths: recordPaths,
		outcomes: map[string]int{}, servers: map[endpoint.Addr]bool{}}
}

// opened registers a client's connection attempt.
func (c *collector) opened(r *connRecord) {
	c.attempted++
	c.recs.set(r.client, r)
	if c.recordPaths {
		c.all = append(c.all, r)
	}
}

// records maps incarnations to their connection records. Incarnations are
// numbered from 1 in creation order, so a slice indexed by them beats a map
// on the per-event path (a fifth of a run's time was map lookups here), at
// 8 bytes per incarnation ever created.
type records []*connRecord

func (rs records) get(inc endpoint.Incarnation) *connRecord {
	if inc < endpoint.Incarnation(len(rs)) {
		return rs[inc]
	}
	return nil
}

func (rs *records) set(inc endpoint.Incarnation, r *connRecord) {
	if inc >= endpoint.Incarnation(len(*rs)) {
		if r == nil {
			return
		}
		*rs = append(*rs, make([]*connRecord, int(inc)+1-len(*rs))...)
	}
	(*rs)[inc] = r
}

// OnState implements endpoint.Observer.
func (c *collector) OnState(e endpoint.StateEvent) {
	c.last = e.Time
	// A listener's fork starts life in the listener's state: it is a new
	// TCB, not the listener leaving LISTEN.
	fork := e.Passive && e.From == endpoint.Listen && e.To != endpoint.Closed
	if e.From != endpoint.Closed && !fork {
		c.occupancy[e.From]--
	}
	// A fork "returning to LISTEN" (RFC 9293 §3.10.7.4) is deleted: its
	// listener already is the LISTEN state.
	unfork := e.Passive && e.To == endpoint.Listen && e.From != endpoint.Closed
	if e.To != endpoint.Closed && !unfork {
		c.occupancy[e.To]++
	}
	c.twPeak = max(c.twPeak, c.occupancy[endpoint.TimeWait])
	if (e.From == endpoint.TimeWait) != (e.To == endpoint.TimeWait) && c.servers[e.Conn.Local.Addr] {
		if e.To == endpoint.TimeWait {
			c.twServer++
			c.twServerPeak = max(c.twServerPeak, c.twServer)
		} else {
			c.twServer--
		}
	}
	c.synrcvdPeak = max(c.synrcvdPeak, c.occupancy[endpoint.SynReceived])
	inc := e.Conn.Incarnation
	r := c.recs.get(inc)
	if e.Passive && e.To == endpoint.Established && (e.From == endpoint.SynReceived || e.From == endpoint.Listen) {
		// A server synchronized with the client incarnation named by the
		// SYN. If no live client incarnation opened it, it is a ghost: an
		// old duplicate SYN was taken for a new connection.
		peer := c.recs.get(e.Conn.Peer)
		if peer == nil || peer.client != e.Conn.Peer || !liveClient(peer.clientState) {
			c.ghosts++
		}
	}
	if r == nil && e.Passive {
		// A server TCB's first event: attach it to the client attempt whose
		// SYN created it.
		if pr := c.recs.get(e.Conn.Peer); pr != nil && pr.client == e.Conn.Peer && pr.server == 0 {
			pr.server = inc
			c.recs.set(inc, pr)
			r = pr
		}
	}
	if r == nil {
		return
	}
	if inc == r.client {
		r.clientState = e.To
		if c.recordPaths {
			r.clientPath = append(r.clientPath, stateAt{e.To, e.Time})
		}
	} else if c.recordPaths {
		r.serverPath = append(r.serverPath, stateAt{e.To, e.Time})
	}
	if e.To == endpoint.Closed {
		c.recs.set(inc, nil)
		if inc == r.client && !c.recordPaths && r.server != 0 {
			c.recs.set(r.server, nil)
		}
	}
}

// liveClient reports whether a client TCB in state s could still be
// opening or using its connection.
func liveClient(s endpoint.State) bool {
	return s != endpoint.Closed && s != endpoint.TimeWait
}

// OnSegment implements endpoint.Observer: it counts retransmissions per
// connection.
func (c *collector) OnSegment(e endpoint.SegmentEvent) {
	c.last = e.Time
	if e.Dir != endpoint.Sent || e.Note != endpoint.NoteRetransmit {
		return
	}
	r := c.recs.get(e.Conn)
	if r == nil {
		return
	}
	switch f := e.Seg.Flags; {
	case f.Has(endpoint.SYN | endpoint.ACK):
		r.synackRetx++
	case f.Has(endpoint.SYN):
		r.synRetx++
	default:
		r.dataRetx++
	}
}

// established records a client reaching ESTABLISHED.
func (c *collector) established(r *connRecord, now engine.Time) {
	r.established = now
	c.handshakes = append(c.handshakes, now.Sub(r.opened).Seconds())
}

// ended records how a client's connection ended.
func (c *collector) ended(r *connRecord, now engine.Time, reason endpoint.Reason) {
	r.ended = now
	switch {
	case reason == endpoint.ReasonNormal:
		r.outcome = "closed"
	case r.established < 0:
		r.outcome = strings.ReplaceAll(reason.String(), " ", "_") // refused, reset, timed_out, aborted
	default:
		r.outcome = "established_then_" + strings.ReplaceAll(reason.String(), " ", "_")
	}
	c.outcomes[r.outcome]++
}

// values computes the run's metrics in MetricColumns order. wall is filled
// in by the caller.
func (c *collector) values(net *topology.Network, sim *engine.Sim) []float64 {
	var ctr endpoint.Counters
	for _, h := range net.Hosts() {
		hc := h.Stack.Counters()
		ctr.SynRetransmits += hc.SynRetransmits
		ctr.SynAckRetransmits += hc.SynAckRetransmits
		ctr.DataRetransmits += hc.DataRetransmits + hc.FinRetransmits
		ctr.StaleSegments += hc.StaleSegments
		ctr.StaleBytes += hc.StaleBytes
		ctr.TimeWaitAssassinations += hc.TimeWaitAssassinations
		ctr.HalfOpenDetections += hc.HalfOpenDetections
		ctr.ListenOverflows += hc.ListenOverflows
		ctr.SegsSent += hc.SegsSent
	}
	var lost uint64
	for _, l := range net.Links() {
		lc := l.Counters()
		lost += lc.Lost + lc.QueueDrops + lc.DownDrops + lc.Corrupted
	}
	established := len(c.handshakes)
	hs := slices.Clone(c.handshakes)
	slices.Sort(hs)
	mean, p50, p99, hmax := math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if len(hs) > 0 {
		sum := 0.0
		for _, v := range hs {
			sum += v
		}
		mean = sum / float64(len(hs))
		p50, p99, hmax = quantile(hs, 0.5), quantile(hs, 0.99), hs[len(hs)-1]
	}
	timedOut := c.outcomes["timed_out"] + c.outcomes["established_then_timed_out"]
	reset := c.outcomes["reset"] + c.outcomes["established_then_reset"]
	return []float64{
		float64(c.attempted), float64(established), float64(c.outcomes["refused"]),
		float64(timedOut), float64(reset), float64(c.outcomes["no_port"]),
		mean, p50, p99, hmax,
		float64(ctr.SynRetransmits), float64(ctr.SynAckRetransmits), float64(ctr.DataRetransmits),
		float64(c.ghosts), float64(ctr.StaleSegments), float64(ctr.StaleBytes),
		float64(ctr.TimeWaitAssassinations), float64(ctr.HalfOpenDetections),
		float64(c.twPeak), float64(c.twServerPeak), float64(c.synrcvdPeak), float64(ctr.ListenOverflows),
		float64(ctr.SegsSent), float64(lost), float64(sim.Executed()),
		sim.Now().Seconds(), math.NaN(),
	}
}

// quantile returns the q-quantile of sorted xs by the nearest-rank method
// (the smallest value with at least a fraction q of the sample at or below
// it), so it is always an observed handshake time.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
