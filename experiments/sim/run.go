package sim

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/histogram"
	"tcpsim/experiments/sweep"
	"tcpsim/topology"
)

// Options say what a run gives besides its metrics. The zero value runs
// the simulation and returns its values only.
type Options struct {
	// Connections, if not nil, receives connections.csv's rows of the run
	// (ConnectionColumns, without the header) as its connections end, so
	// that they never pile up in memory; the rows of the connections still
	// held when the run ends follow, in the order of their attempts.
	// Run returns the first error writing them. The caller passes it when
	// the experiment records connections (record.connections).
	Connections io.Writer
	// Watch, if not nil, sees the run's network once it is built and
	// before anything runs, and may attach observers to it: to its links
	// (topology.Link.SetObserver), or to its stacks by returning one
	// (nil: none), which then sees every state change and segment after
	// the run's own metrics observer, and, if it has a method
	// OnInjection(engine.Time, endpoint.Addr, string), what each injection
	// did at which host. Tracing a run uses it.
	Watch func(net *topology.Network) endpoint.Observer
}

// Result is what one simulation gives.
type Result struct {
	// Values are the run's metrics in config.Metrics order (runs.csv's).
	Values []float64
	// Stuck describes the first few of the StuckTotal stuck connection
	// ends the run left: both ends exist, and neither has a timer armed or
	// anything scheduled, so neither will ever move.
	Stuck      []string
	StuckTotal int
	// Cut says what the workloads left undone when stop.max_time or
	// stop.events ended the run ("" if it ended otherwise or nothing was
	// left).
	Cut string
	// Workloads are each workload's metrics, in the experiment's order,
	// each in WorkloadMetrics order (workloads.csv's).
	Workloads [][]float64
	// Handshakes holds the established connections' handshake times in
	// nanoseconds, the histogram handshake_p50_s and handshake_p99_s are
	// taken from; the caller keeps it (histograms.csv) so that percentiles
	// can be pooled over runs.
	Handshakes *histogram.Histogram
	// Occupancy is the state occupancy sampled every
	// record.occupancy.interval (timeseries.csv's); nil unless the
	// experiment records it.
	Occupancy *Occupancy
}

// Occupancy is the number of TCBs in each state, summed over the hosts,
// at each sample time of a run.
type Occupancy struct {
	// Times are the sample times; Counts[i] are the counts at Times[i],
	// indexed by state.
	Times  []engine.Time
	Counts [][endpoint.NumStates]int
}

// observers fans endpoint events out to several observers.
type observers []endpoint.Observer

// OnState implements endpoint.Observer.
func (o observers) OnState(e endpoint.StateEvent) {
	for _, x := range o {
		x.OnState(e)
	}
}

// OnSegment implements endpoint.Observer.
func (o observers) OnSegment(e endpoint.SegmentEvent) {
	for _, x := range o {
		x.OnSegment(e)
	}
}

// SegmentInterests implements endpoint.SegmentSelector: what any of the
// observers wants.
func (o observers) SegmentInterests() endpoint.SegmentInterest {
	var w endpoint.SegmentInterest
	for _, x := range o {
		if sel, ok := x.(endpoint.SegmentSelector); ok {
			w |= sel.SegmentInterests()
		} else {
			w |= endpoint.WantAllSegments
		}
	}
	return w
}

// OnInjection tells the observers that want to know (a trace) what an
// injection did at host at.
func (o observers) OnInjection(now engine.Time, at endpoint.Addr, msg string) {
	for _, x := range o {
		if n, ok := x.(interface {
			OnInjection(engine.Time, endpoint.Addr, string)
		}); ok {
			n.OnInjection(now, at, msg)
		}
	}
}

// Run simulates run j of the sweep point e (j.Seed and j.Replication seed
// its random streams; j.Point and j.Replication begin its rows of
// connections.csv) and returns what it gave. It writes no file.
func Run(ctx context.Context, e *config.Experiment, j sweep.Job, opts Options) (*Result, error) {
	wallStart := time.Now()
	sim := engine.New()
	streams := engine.NewStreams(j.Seed, uint64(j.Replication))
	net, err := buildNetwork(sim, streams, e)
	if err != nil {
		return nil, err
	}
	col := newCollector(opts.Connections != nil)
	col.dropTimeWait = !keepsTimeWaitRecords(e, opts.Connections != nil)
	var obs endpoint.Observer = col
	if opts.Watch != nil {
		if o := opts.Watch(net); o != nil {
			obs = observers{col, o}
		}
	}
	for _, h := range net.Hosts() {
		h.Stack.SetObserver(obs)
	}
	ws, err := startWorkloads(e, net, col, streams)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		col.servers[w.server.Addr] = true
	}
	for _, w := range ws {
		delete(col.servers, w.client.Addr)
	}
	in := newInjector(net, col, e.Injections, ws)
	if n, ok := obs.(interface {
		OnInjection(engine.Time, endpoint.Addr, string)
	}); ok {
		in.note = n.OnInjection
	}
	var occ *occupancySampler
	if o := e.Record.Occupancy; o != nil {
		occ = newOccupancySampler(sim, col, time.Duration(o.Interval))
	}

	if opts.Connections != nil {
		col.rows = &rowWriter{w: opts.Connections, j: j}
	}
	reason, err := runLoop(ctx, sim, e, j)
	if err != nil {
		return nil, err
	}
	if col.rows != nil {
		col.flushRecords()
		if err := col.rows.err; err != nil {
			return nil, err
		}
	}
	left := findLeftovers(net, col, maxStuckNamed)
	vals := col.values(net, sim, left)
	simTime := sim.Now()
	if reason == engine.Drained && e.Stop.Time == 0 {
		// The last protocol activity, not the last event: a stopped
		// timer's stale event may come later.
		simTime = col.last
		for _, h := range net.Hosts() {
			simTime = max(simTime, h.Stack.LastSegment())
		}
	}
	vals[metricIndex["sim_time_s"]] = simTime.Seconds()
	vals[metricIndex["wall_s"]] = time.Since(wallStart).Seconds()
	res := &Result{Values: vals, Stuck: left.named, StuckTotal: left.stuck, Handshakes: &col.handshakes}
	if reason == engine.EventLimit || reason == engine.TimeLimit && e.Stop.Time == 0 {
		res.Cut = cutShort(reason, e, sim.Now(), col, ws)
	}
	if occ != nil {
		res.Occupancy = &Occupancy{Times: occ.times, Counts: occ.counts}
	}
	for i := range e.Workloads {
		res.Workloads = append(res.Workloads, col.workloadStats(i).values())
	}
	return res, nil
}

// cutShort describes what a run that stop.max_time or stop.events ended
// left undone: connections its workloads had still to open, and
// connections still open that their script would close. "" if none.
func cutShort(reason engine.StopReason, e *config.Experiment, now engine.Time, col *collector, ws []*workload) string {
	toOpen, open, more := 0, 0, false
	for _, w := range ws {
		if w.more(now) {
			if w.spec.Count > 0 {
				toOpen += int(w.spec.Count) - w.opened
			} else {
				more = true
			}
		}
		if w.spec.Connection.Close == "none" {
			continue // kept open on purpose
		}
		st := col.workloadStats(w.idx)
		open += st.attempted
		for _, o := range outcomes[:len(outcomes)-1] {
			open -= st.outcomes[o]
		}
	}
	if toOpen == 0 && open == 0 && !more {
		return ""
	}
	var undone []string
	switch {
	case toOpen > 0:
		undone = append(undone, fmt.Sprintf("%d connection(s) still to open", toOpen))
	case more:
		undone = append(undone, "more connections to open")
	}
	if open > 0 {
		undone = append(undone, fmt.Sprintf("%d still open (conns_unfinished)", open))
	}
	limit := "stop.max_time"
	why := fmt.Sprintf("%s (%v of simulated time)", limit, time.Duration(e.Stop.MaxTime))
	if reason == engine.EventLimit {
		limit = "stop.events"
		why = fmt.Sprintf("%s (%d events)", limit, e.Stop.Events)
	}
	return fmt.Sprintf("ended at %s with its workloads unfinished: %s; raise %s", why, strings.Join(undone, ", "), limit)
}

// runLoop runs the simulation until it ends (see stop in the experiment
// format), looking at ctx between chunks of events.
func runLoop(ctx context.Context, sim *engine.Sim, e *config.Experiment, j sweep.Job) (engine.StopReason, error) {
	limit := engine.FromDuration(time.Duration(e.Stop.MaxTime))
	if e.Stop.Time > 0 {
		limit = engine.FromDuration(time.Duration(e.Stop.Time))
	}
	capEvents := uint64(e.Stop.Events)
	var reason engine.StopReason
	for {
		// Run in chunks of checkEvery events, looking at ctx between them:
		// a signal stops even one long run within a second.
		next := sim.Executed() + checkEvery
		if capEvents > 0 {
			next = min(next, capEvents)
		}
		sim.SetEventLimit(next)
		reason = sim.RunUntil(limit)
		if reason != engine.EventLimit || capEvents > 0 && sim.Executed() >= capEvents {
			break
		}
		if err := ctx.Err(); err != nil {
			return reason, err
		}
		if n := sim.Pending(); n > maxPending {
			return reason, fmt.Errorf("run %d/%d: %d events pending at %v of simulated time: a runaway segment storm "+
				"(an ACK loop between desynchronized ends, multiplied by a duplicating link?); "+
				"set tcp.oow_ack_interval above 0 or lower stop.max_time", j.Point, j.Replication, n, sim.Now())
		}
	}
	return reason, nil
}

// checkEvery is how many events a run executes between looks at its
// context: 2^20 took a second and more on a loaded machine (issue 16,
// finding 7); 2^14 costs nothing measurable and stops within milliseconds.
const checkEvery = 1 << 14

// maxPending is the most events a run may hold pending: about 800 MB of
// queue. Real workloads stay far below it (a million concurrent
// connections need a few million); only a storm that feeds on itself
// reaches it, and failing with a clear message beats exhausting memory.
// A variable only so that a test can reach it cheaply.
var maxPending = 1 << 25
