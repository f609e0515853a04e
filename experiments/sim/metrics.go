package sim

import (
	"fmt"
	"math"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/histogram"
	"tcpsim/experiments/metric"
	"tcpsim/topology"
)

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
	// scheduled counts the workload's actions pending for this connection
	// (a close after the hold time).
	scheduled int
	// foreign is set once either end synchronized with, or accepted data
	// from, another incarnation than the attempt's other end (an old
	// duplicate).
	foreign bool
	// ends counts the attempt's TCBs (client, server) bound to it that
	// have not ended; seq numbers the attempts of the run; live is the
	// record's index in collector.live, -1 once released (records.go).
	ends, seq, live int
}

type stateAt struct {
	s endpoint.State
	t engine.Time
}

// collector observes every stack of a run and computes its metrics.
type collector struct {
	// recordPaths keeps each end's states for connections.csv's rows.
	recordPaths bool
	recs        recTable
	// live are the records not yet released, free those ready for reuse
	// (records.go); rows writes connections.csv as records are released
	// (nil when it is not asked for). keepRecords keeps released records
	// from reuse.
	live, free  []*connRecord
	rows        *rowWriter
	keepRecords bool
	seq         int // attempts numbered so far
	occupancy   [endpoint.NumStates]int
	twPeak      int
	// servers are the hosts that serve a workload and open none; twServer
	// counts their TIME-WAIT TCBs.
	servers      map[endpoint.Addr]bool
	twServer     int
	twServerPeak int
	synrcvdPeak  int
	synRetried   int
	ghosts       int
	// handshakes holds the handshake times in nanoseconds: percentiles
	// within histogram.RelError in O(1) memory.
	handshakes histogram.Histogram
	attempted  int
	outcomes   map[string]int
	// last is the time of the latest state change; with the stacks'
	// LastSegment it gives the run's simulated length when it ends by
	// running out of events.
	last engine.Time
	// opening is the attempt whose active OPEN is under way: its first
	// state change (CLOSED → SYN-SENT) binds it to the new TCB, before the
	// SYN leaves, so that injections see a connection's first SYN.
	// openingServer says it is the server's OPEN of a simultaneous open.
	opening       *connRecord
	openingServer bool
	// perW are the per-workload figures of workloads.csv, by workload
	// index (issue 14: an attacker's failures must not drown the
	// legitimate clients').
	perW []workloadStats
	// attackSegs counts the segments attacker workloads sent.
	attackSegs int
	// dropTimeWait unbinds a client's record when it enters TIME-WAIT
	// (see keepsTimeWaitRecords for when it may not).
	dropTimeWait bool
	// stateHook, if set, sees every state change of a connection the run
	// keeps a record of (crafted injections time themselves by it).
	stateHook func(r *connRecord, inc endpoint.Incarnation, to endpoint.State, now engine.Time)
}

func newCollector(recordPaths bool) *collector {
	return &collector{recordPaths: recordPaths,
		outcomes: map[string]int{}, servers: map[endpoint.Addr]bool{}}
}

// opening announces the active OPEN of attempt r, by its client or (for a
// simultaneous open) its server; the OPEN's first state change binds it.
func (c *collector) open(r *connRecord, server bool) {
	c.opening, c.openingServer = r, server
	if r.seq == 0 {
		c.seq++
		r.seq = c.seq
	}
}

// bindOpening attaches the attempt under way to the TCB whose active OPEN
// the state change e reports.
func (c *collector) bindOpening(e endpoint.StateEvent) {
	r := c.opening
	c.opening = nil
	if c.openingServer {
		r.server = e.Conn.Incarnation
		r.ends++
		c.recs.set(r.server, r)
		return
	}
	r.client, r.tuple = e.Conn.Incarnation, e.Conn
	r.ends++
	c.attempted++
	c.stats(r).attempted++
	c.recs.set(r.client, r)
}

// noPort counts an attempt whose connect found no free ephemeral port.
func (c *collector) noPort(r *connRecord) {
	c.opening = nil
	r.outcome = outcomeNoPort
	c.attempted++
	c.outcomes[r.outcome]++
	ws := c.stats(r)
	ws.attempted++
	ws.outcomes[r.outcome]++
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
	if c.opening != nil && e.From == endpoint.Closed && e.To == endpoint.SynSent {
		c.bindOpening(e)
	}
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
			pr.ends++
			c.recs.set(inc, pr)
			r = pr
		}
	}
	if r == nil {
		return
	}
	if c.stateHook != nil {
		c.stateHook(r, inc, e.To, e.Time)
	}
	// An end that synchronized with another incarnation than the
	// attempt's other end (an old duplicate completed its handshake).
	if p := e.Conn.Peer; p != 0 && (inc == r.server && p != r.client || inc == r.client && r.server != 0 && p != r.server) {
		r.foreign = true
	}
	if inc == r.client {
		r.clientState = e.To
		if c.recordPaths {
			r.clientPath = append(r.clientPath, stateAt{e.To, e.Time})
		}
	} else if c.recordPaths {
		r.serverPath = append(r.serverPath, stateAt{e.To, e.Time})
	}
	switch {
	case e.To == endpoint.Closed || unfork:
		// The TCB ended. Its record goes once both ends are gone and the
		// workload is done with it.
		c.recs.set(inc, nil)
		r.ends--
		c.release(r)
	case e.To == endpoint.TimeWait && inc == r.client && r.server != 0 && c.dropTimeWait:
		// The client's part ended: its TIME-WAIT remnant has no
		// application (OnClosed comes now) and sends no retransmission,
		// so nothing but the remnant's expiry would look the record up,
		// and a server SYN naming it counts as a ghost with the record or
		// without. Unbinding it now keeps the record table at the
		// connections in their handshake and data phase, not every
		// TIME-WAIT of the run (600,000 in hundred-million).
		c.recs.set(inc, nil)
		r.ends--
	}
}

// keepsTimeWaitRecords reports whether a run of e must keep a client's
// record bound to its TIME-WAIT remnant until the remnant expires: when
// connections.csv records the remnant's end, when injections or attackers
// look records up by incarnation, and when a link duplicates or reorders
// (old duplicates meet later incarnations, and the collector tells ghosts
// and stale segments apart by records).
func keepsTimeWaitRecords(e *config.Experiment, recordPaths bool) bool {
	if recordPaths || len(e.Injections) > 0 {
		return true
	}
	for _, w := range e.Workloads {
		if IsAttacker(w) {
			return true
		}
	}
	for _, l := range e.Links {
		for _, d := range l.Directions() {
			s := d.Spec
			if s.Duplicate != nil && s.Duplicate.P > 0 || s.Reorder != nil && s.Reorder.P > 0 || s.Jitter != nil {
				return true
			}
		}
	}
	return false
}

// liveClient reports whether a client TCB in state s could still be
// opening or using its connection.
func liveClient(s endpoint.State) bool {
	return s != endpoint.Closed && s != endpoint.TimeWait
}

// SegmentInterests implements endpoint.SegmentSelector: the collector
// needs only the retransmissions; everything else about segments comes
// from the stacks' counters.
func (c *collector) SegmentInterests() endpoint.SegmentInterest {
	return endpoint.WantRetransmits
}

// OnSegment implements endpoint.Observer: it counts retransmissions per
// connection.
func (c *collector) OnSegment(e endpoint.SegmentEvent) {
	if e.Dir != endpoint.Sent || e.Note != endpoint.NoteRetransmit {
		return
	}
	r := c.recs.get(e.Conn)
	if r == nil {
		return
	}
	ws := c.stats(r)
	switch f := e.Seg.Flags; {
	case f.Has(endpoint.SYN | endpoint.ACK):
		r.synackRetx++
		ws.synackRetx++
	case f.Has(endpoint.SYN):
		if r.synRetx == 0 && e.Conn == r.client {
			c.synRetried++
			ws.synRetried++
		}
		r.synRetx++
		ws.synRetx++
	default:
		r.dataRetx++
		ws.dataRetx++
	}
}

// established records a client reaching ESTABLISHED.
func (c *collector) established(r *connRecord, now engine.Time) {
	r.established = now
	d := int64(now.Sub(r.opened))
	c.handshakes.Record(d)
	c.stats(r).handshakes.Record(d)
}

// The outcomes of a connection attempt: every attempt ends in exactly one,
// recorded in connections.csv's outcome column and counted in runs.csv's
// conns_<outcome> column, so that they sum to conns_attempted.
const (
	// outcomeClosed: the client's TCB ended as the applications' script
	// said (a close, or the scripted abort of `close: abort`).
	outcomeClosed = "closed"
	// outcomeRefused: a RST answered the SYN (RFC 9293 §3.10.7.3).
	outcomeRefused = "refused"
	// outcomeTimedOut: a retransmission, user or FIN-WAIT-2 timeout ended
	// the connection, before or after it was established.
	outcomeTimedOut = "timed_out"
	// outcomeReset: a RST ended the connection after it was synchronized.
	outcomeReset = "reset"
	// outcomeNoPort: connect found no free ephemeral port; no SYN was sent.
	outcomeNoPort = "no_port"
	// outcomeUnfinished: the client's TCB still existed when the run ended.
	outcomeUnfinished = "unfinished"
)

// outcomes lists every outcome in runs.csv column order.
var outcomes = [...]string{outcomeClosed, outcomeRefused, outcomeTimedOut, outcomeReset, outcomeNoPort, outcomeUnfinished}

// ended records how a client's connection ended.
func (c *collector) ended(r *connRecord, now engine.Time, reason endpoint.Reason) {
	r.ended = now
	switch reason {
	case endpoint.ReasonNormal, endpoint.ReasonAborted:
		// The client's own application aborts only as `close: abort`
		// scripts it, after the exchange.
		r.outcome = outcomeClosed
	case endpoint.ReasonRefused:
		r.outcome = outcomeRefused
	case endpoint.ReasonTimedOut:
		r.outcome = outcomeTimedOut
	default:
		r.outcome = outcomeReset
	}
	c.outcomes[r.outcome]++
	c.stats(r).outcomes[r.outcome]++
}

// values computes the run's metrics in config.Metrics order; left are the
// TCBs the run left behind. wall is filled in by the caller.
func (c *collector) values(net *topology.Network, sim *engine.Sim, left leftovers) []float64 {
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
		ctr.OldDuplicateResets += hc.OldDuplicateResets
		ctr.ListenOverflows += hc.ListenOverflows
		ctr.SynQueueDrops += hc.SynQueueDrops
		ctr.SynBacklogDrops += hc.SynBacklogDrops
		ctr.CookiesSent += hc.CookiesSent
		ctr.CookiesValidated += hc.CookiesValidated
		ctr.CookiesFailed += hc.CookiesFailed
		ctr.ChallengeACKs += hc.ChallengeACKs
		ctr.ResetsInSync += hc.ResetsInSync
		ctr.SegsSent += hc.SegsSent
	}
	var lost uint64
	for _, l := range net.Links() {
		lc := l.Counters()
		lost += lc.Lost + lc.QueueDrops + lc.DownDrops + lc.Corrupted
	}
	established := int(c.handshakes.Count())
	mean, p50, p99, hmax := handshakeStats(&c.handshakes)
	ended := 0
	for _, o := range outcomes[:len(outcomes)-1] {
		ended += c.outcomes[o]
	}
	v := metricValues{}
	v.set("conns_attempted", float64(c.attempted))
	v.set("conns_established", float64(established))
	v.set("conns_closed", float64(c.outcomes[outcomeClosed]))
	v.set("conns_refused", float64(c.outcomes[outcomeRefused]))
	v.set("conns_timed_out", float64(c.outcomes[outcomeTimedOut]))
	v.set("conns_reset", float64(c.outcomes[outcomeReset]))
	v.set("conns_no_port", float64(c.outcomes[outcomeNoPort]))
	v.set("conns_unfinished", float64(c.attempted-ended))
	v.set("conns_stuck", float64(left.stuck))
	v.set("stuck_after_stale", float64(left.afterStale))
	v.set("half_open_at_end", float64(left.halfOpen))
	v.set("handshake_mean_s", mean)
	v.set("handshake_p50_s", p50)
	v.set("handshake_p99_s", p99)
	v.set("handshake_max_s", hmax)
	v.set("conns_syn_retried", float64(c.synRetried))
	v.set("syn_retried_frac", frac(c.synRetried, c.attempted))
	v.set("reset_frac", frac(c.outcomes[outcomeReset], c.attempted))
	v.set("established_frac", frac(established, c.attempted))
	v.set("syn_retransmits", float64(ctr.SynRetransmits))
	v.set("synack_retransmits", float64(ctr.SynAckRetransmits))
	v.set("data_retransmits", float64(ctr.DataRetransmits))
	v.set("ghost_established", float64(c.ghosts))
	v.set("stale_segments_accepted", float64(ctr.StaleSegments))
	v.set("stale_bytes_accepted", float64(ctr.StaleBytes))
	v.set("timewait_assassinations", float64(ctr.TimeWaitAssassinations))
	v.set("half_open_detected", float64(ctr.HalfOpenDetections))
	v.set("old_duplicate_resets", float64(ctr.OldDuplicateResets))
	v.set("timewait_peak", float64(c.twPeak))
	v.set("timewait_peak_server", float64(c.twServerPeak))
	v.set("synrcvd_peak", float64(c.synrcvdPeak))
	v.set("listen_overflows", float64(ctr.ListenOverflows))
	v.set("syn_queue_drops", float64(ctr.SynQueueDrops))
	v.set("syn_backlog_drops", float64(ctr.SynBacklogDrops))
	v.set("cookies_sent", float64(ctr.CookiesSent))
	v.set("cookies_validated", float64(ctr.CookiesValidated))
	v.set("cookies_failed", float64(ctr.CookiesFailed))
	v.set("challenge_acks", float64(ctr.ChallengeACKs))
	v.set("resets_in_sync", float64(ctr.ResetsInSync))
	v.set("attack_segments", float64(c.attackSegs))
	v.set("segments_sent", float64(ctr.SegsSent))
	v.set("segments_lost", float64(lost))
	v.set("events", float64(sim.Executed()))
	v.set("sim_time_s", sim.Now().Seconds())
	v.set("wall_s", math.NaN()) // the caller measures it
	return v.slice()
}

// metricIndex maps each metric's name to its runs.csv position.
var metricIndex = func() map[string]int {
	m := map[string]int{}
	for i, d := range metric.Table {
		m[d.Name] = i
	}
	return m
}()

// metricValues are a run's metrics set by name, so that no value can land
// in another metric's column.
type metricValues map[string]float64

// set records metric name's value; an unknown name is a bug.
func (v metricValues) set(name string, x float64) {
	if _, ok := metricIndex[name]; !ok {
		panic("experiments: no metric " + name + " in the metric table")
	}
	v[name] = x
}

// slice returns the values in runs.csv order; a metric of the table left
// unset is a bug.
func (v metricValues) slice() []float64 {
	out := make([]float64, len(metric.Table))
	for i, d := range metric.Table {
		x, ok := v[d.Name]
		if !ok {
			panic("experiments: metric " + d.Name + " was not computed")
		}
		out[i] = x
	}
	return out
}

// frac returns n/of, NaN when of is 0.
func frac(n, of int) float64 {
	if of == 0 {
		return math.NaN()
	}
	return float64(n) / float64(of)
}

// handshakeStats returns the mean, median, 99th percentile and maximum of
// the handshake times in h, in seconds (NaN for none). The percentiles are
// nearest-rank (the smallest value with at least a fraction q of the sample
// at or below it) within histogram.RelError; the mean and the maximum are
// exact.
func handshakeStats(h *histogram.Histogram) (mean, p50, p99, hmax float64) {
	if h.Count() == 0 {
		return math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	secs := func(ns int64) float64 { return time.Duration(ns).Seconds() }
	return h.Mean() / 1e9, secs(h.Quantile(0.5)), secs(h.Quantile(0.99)), secs(h.Max())
}

// maxStuckNamed is how many stuck connections a run's warning names.
const maxStuckNamed = 5

// leftovers are the TCBs a run left that nothing can ever move again: live,
// in neither LISTEN nor TIME-WAIT, with no timer armed, and with nothing the
// workload has scheduled for them (a close after the hold time), except
// connections that `close: none` keeps ESTABLISHED on purpose.
type leftovers struct {
	// stuck counts those whose peer TCB is alive and cannot move either: a
	// deadlock between two ends that both exist (a bug in the protocol
	// model or in an application script); named describes the first few,
	// in host and slot order.
	stuck int
	named []string
	// halfOpen counts those whose peer TCB is gone (a lost RST or FIN, a
	// ghost, a crash): half-open connections (RFC 9293 §3.5.2) that only
	// traffic from their application or a keep-alive would clear.
	halfOpen int
	// afterStale counts the ends that would be stuck, of connections that a
	// segment of another incarnation reached: wedged by an old duplicate
	// (with weak ISNs and a short TIME-WAIT, a stale ACK can acknowledge
	// data the peer never received). That is the delayed-duplicate hazard
	// at work, not a dead end of the model.
	afterStale int
}

// findLeftovers inspects every stack at the end of a run.
func findLeftovers(net *topology.Network, c *collector, max int) leftovers {
	live := map[endpoint.Incarnation]endpoint.Conn{}
	var idle []endpoint.Conn
	for _, h := range net.Hosts() {
		for _, conn := range h.Stack.Conns() {
			live[conn.Incarnation()] = conn
			st := conn.State()
			if st == endpoint.Listen || st == endpoint.TimeWait || conn.Waiting() {
				continue
			}
			r := c.recs.get(conn.Incarnation())
			if r != nil && (r.scheduled > 0 || st == endpoint.Established && r.w.spec.Connection.Close == "none") {
				continue
			}
			idle = append(idle, conn)
		}
	}
	var out leftovers
	for _, conn := range idle {
		id := conn.ID()
		peer, ok := live[id.Peer]
		switch {
		case !ok || id.Peer == 0:
			out.halfOpen++
			continue
		case peer.Waiting():
			continue // the peer's timer will reach this end
		}
		if r := c.recs.get(conn.Incarnation()); r != nil && r.foreign {
			out.afterStale++
			continue
		}
		out.stuck++
		if len(out.named) < max {
			what := "a connection no attempt opened"
			if r := c.recs.get(conn.Incarnation()); r != nil {
				what = fmt.Sprintf("workload %s conn %d", r.w.spec.Name, r.ordinal)
			}
			out.named = append(out.named, fmt.Sprintf("%s: %s:%d in %s, peer %s:%d in %s", what, id.Local.Addr, id.Local.Port,
				conn.State(), id.Remote.Addr, id.Remote.Port, peer.State()))
		}
	}
	return out
}
