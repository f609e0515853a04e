package experiments

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
	"tcpsim/topology"
)

// Version is tcpsim's version, recorded in every manifest; merge refuses to
// combine results of different versions.
const Version = "0.1.0"

// Options say where and how to run an experiment.
type Options struct {
	// Dir is the result directory; default results/<name>.
	Dir     string
	Workers int // 0: one per CPU
	Shard   *results.Shard
	// Progress receives progress reports (nil: none); Terminal selects the
	// live bar.
	Progress io.Writer
	Terminal bool
	// Warnings receives one line for every run that ends with stuck
	// connections (nil: none are printed; conns_stuck counts them anyway).
	Warnings io.Writer
}

// DefaultDir returns the default result directory of an experiment.
func DefaultDir(e *config.Experiment) string { return filepath.Join("results", e.Name) }

// Run executes every run of e (all sweep points × replications, or the
// shard's part), writing the result directory. It returns what was done
// even when ctx was cancelled, with ctx's error.
func Run(ctx context.Context, e *config.Experiment, opts Options) (*sweep.Outcome, error) {
	if opts.Dir == "" {
		opts.Dir = DefaultDir(e)
	}
	points := e.Points()
	plan := sweep.Plan{
		Params:              e.SweptPaths(),
		Replications:        e.Replications.Min,
		Seed:                e.Seed,
		CommonRandomNumbers: e.Sweep == nil || e.Sweep.CommonRandomNumbers,
	}
	for _, p := range points {
		vals := make([]string, len(p.Params))
		for i := range p.Params {
			vals[i] = paramValue(p, i)
		}
		plan.Points = append(plan.Points, vals)
	}
	if u := e.Replications.Until; u != nil {
		plan.Adaptive = &sweep.Adaptive{Min: e.Replications.Min, Max: e.Replications.Max,
			Metric: u.Metric, RelHalfWidth: u.CIHalfWidthRel}
	}
	parts := filepath.Join(opts.Dir, "parts")
	if len(tablesAsked(e)) > 0 {
		if err := os.MkdirAll(parts, 0o755); err != nil {
			return nil, err
		}
		for _, kind := range tablesAsked(e) {
			if err := splitParts(opts.Dir, kind); err != nil {
				return nil, err
			}
		}
	}
	var warnMu sync.Mutex
	warned := 0
	// cut lists the runs that a stop limit ended with work left, for the
	// console and manifest.json.
	var cut []cutWarning
	fn := func(ctx context.Context, j sweep.Job) ([]float64, error) {
		res, err := simulateRun(ctx, points[j.Point].Exp, j, parts, nil)
		if err != nil {
			return nil, err
		}
		if res.cut != "" {
			warnMu.Lock()
			cut = append(cut, cutWarning{j.Index, fmt.Sprintf("run %d (point %d, replication %d) %s", j.Index, j.Point, j.Replication, res.cut)})
			if opts.Warnings != nil && len(cut) <= maxStuckWarnings {
				fmt.Fprintf(opts.Warnings, "warning: %s\n", cut[len(cut)-1].msg)
			} else if opts.Warnings != nil && len(cut) == maxStuckWarnings+1 {
				fmt.Fprintln(opts.Warnings, "warning: more runs ended by stop.max_time or stop.events with their workloads unfinished; manifest.json lists them")
			}
			warnMu.Unlock()
		}
		if res.stuckTotal > 0 && opts.Warnings != nil {
			warnMu.Lock()
			defer warnMu.Unlock()
			if warned++; warned > maxStuckWarnings {
				if warned == maxStuckWarnings+1 {
					fmt.Fprintln(opts.Warnings, "warning: more runs ended with stuck connections; runs.csv counts them in conns_stuck")
				}
				return res.values, nil
			}
			fmt.Fprintf(opts.Warnings, "warning: run %d (point %d, replication %d) ended with %d stuck connection end(s): "+
				"both ends exist, neither has a timer armed or anything scheduled, so neither will ever move: %s\n",
				j.Index, j.Point, j.Replication, res.stuckTotal, strings.Join(res.stuck, "; "))
		}
		return res.values, nil
	}
	var tables []string
	for _, kind := range tablesAsked(e) {
		tables = append(tables, kind+".csv")
	}
	out, err := sweep.Execute(ctx, plan, fn, sweep.Options{
		Dir: opts.Dir, Workers: opts.Workers, Shard: opts.Shard, Metrics: MetricColumns,
		Manifest: results.Manifest{Name: e.Name, Version: Version, Seed: e.Seed,
			ExperimentHash: e.Hash(), Experiment: e.Normalized()},
		Progress: opts.Progress, Terminal: opts.Terminal,
		// The tables are gathered before the final manifest, which records
		// their digests for merge.
		Tables: tables,
		Warnings: func() []string {
			warnMu.Lock()
			defer warnMu.Unlock()
			slices.SortFunc(cut, func(a, b cutWarning) int { return a.run - b.run })
			msgs := make([]string, len(cut))
			for i, c := range cut {
				msgs[i] = c.msg
			}
			return msgs
		},
		Gather: func(runs *results.Runs) error {
			for _, kind := range tablesAsked(e) {
				if err := gatherParts(opts.Dir, kind, columnsOf(kind, occupancyStates(e)), runs); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if out == nil {
		return nil, err
	}
	if out.Complete && err == nil {
		os.RemoveAll(parts)
	}
	if err == nil {
		_, err = recordTraces(ctx, e, opts.Dir, out.Runs)
	}
	return out, err
}

// cutWarning is a run's warning that a stop limit ended it early.
type cutWarning struct {
	run int
	msg string
}

// maxStuckWarnings is how many runs' stuck connections Run describes
// before it only counts them.
const maxStuckWarnings = 3

// Watch, when given to simulate, sees the run's network once it is built
// and before anything runs, so that it can attach observers to links and
// stacks (a trace, say). The run's own metrics observer stays attached.
type Watch func(net *topology.Network, stacks *Observers)

// Observers fans endpoint events out to several observers.
type Observers []endpoint.Observer

// OnState implements endpoint.Observer.
func (o Observers) OnState(e endpoint.StateEvent) {
	for _, x := range o {
		x.OnState(e)
	}
}

// OnSegment implements endpoint.Observer.
func (o Observers) OnSegment(e endpoint.SegmentEvent) {
	for _, x := range o {
		x.OnSegment(e)
	}
}

// OnInjection tells the observers that want to know (a trace) what an
// injection did at host at.
func (o Observers) OnInjection(now engine.Time, at endpoint.Addr, msg string) {
	for _, x := range o {
		if n, ok := x.(interface {
			OnInjection(engine.Time, endpoint.Addr, string)
		}); ok {
			n.OnInjection(now, at, msg)
		}
	}
}

// simulate runs one replication of one point and returns its metrics.
// parts is where connections.csv and timeseries.csv parts go; watch may be
// nil.
func simulate(ctx context.Context, e *config.Experiment, j sweep.Job, parts string, watch Watch) ([]float64, error) {
	res, err := simulateRun(ctx, e, j, parts, watch)
	if err != nil {
		return nil, err
	}
	return res.values, nil
}

// runResult is what one simulation returns.
type runResult struct {
	// values are the run's metrics in MetricColumns order.
	values []float64
	// stuck describes the first few stuck connections (see leftovers), of
	// stuckTotal.
	stuck      []string
	stuckTotal int
	// cut says what the workloads left undone when stop.max_time or
	// stop.events ended the run ("" if it ended otherwise or nothing was
	// left).
	cut string
}

// simulateRun is simulate, also returning the stuck connections it found.
func simulateRun(ctx context.Context, e *config.Experiment, j sweep.Job, parts string, watch Watch) (*runResult, error) {
	wallStart := time.Now()
	sim := engine.New()
	streams := engine.NewStreams(j.Seed, uint64(j.Replication))
	net, err := buildNetwork(sim, streams, e)
	if err != nil {
		return nil, err
	}
	col := newCollector(e.Record.Connections)
	var obs endpoint.Observer = col
	if watch != nil {
		all := Observers{col}
		watch(net, &all)
		if len(all) > 1 {
			obs = all
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
		occ = newOccupancySampler(sim, col, time.Duration(o.Interval), occupancyStates(e))
	}

	var reason engine.StopReason
	if e.Record.Connections {
		// connections.csv's rows are written as connections end, into the
		// part file, which appears (atomically) only if the run succeeds.
		err = writePart(parts, "connections", j, func(w io.Writer) error {
			col.rows = &rowWriter{w: w, j: j}
			reason, err = runLoop(ctx, sim, e, j)
			if err != nil {
				return err
			}
			col.flushRecords()
			return col.rows.err
		})
	} else {
		reason, err = runLoop(ctx, sim, e, j)
	}
	if err != nil {
		return nil, err
	}
	left := findLeftovers(net, col, maxStuckNamed)
	vals := col.values(net, sim, left)
	simTime := sim.Now()
	if reason == engine.Drained && e.Stop.Time == 0 {
		simTime = col.last
	}
	vals[metricIndex["sim_time_s"]] = simTime.Seconds()
	vals[metricIndex["wall_s"]] = time.Since(wallStart).Seconds()
	res := &runResult{values: vals, stuck: left.named, stuckTotal: left.stuck}
	if reason == engine.EventLimit || reason == engine.TimeLimit && e.Stop.Time == 0 {
		res.cut = cutShort(reason, e, sim.Now(), col, ws)
	}
	if occ != nil {
		if err := writePart(parts, "timeseries", j, func(w io.Writer) error { return occ.write(w, j) }); err != nil {
			return nil, err
		}
	}
	if recordsWorkloads(e) {
		if err := writePart(parts, "workloads", j, func(w io.Writer) error { return writeWorkloads(w, j, e.Workloads, col) }); err != nil {
			return nil, err
		}
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

// partName is a run's part file of connections.csv or timeseries.csv.
func partName(parts, kind string, point, rep int) string {
	return filepath.Join(parts, fmt.Sprintf("%s-p%d-r%d.csv", kind, point, rep))
}

func writePart(parts, kind string, j sweep.Job, write func(io.Writer) error) error {
	return results.WriteFileAtomic(partName(parts, kind, j.Point, j.Replication), write)
}

// gatherParts concatenates the part files of the runs done, in runs.csv
// order, under one header, into DIR/KIND.csv.
func gatherParts(dir, kind string, header []string, runs *results.Runs) error {
	parts := filepath.Join(dir, "parts")
	if _, err := os.Stat(parts); err != nil {
		return nil
	}
	return results.WriteFileAtomic(filepath.Join(dir, kind+".csv"), func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Join(header, ",")+"\n"); err != nil {
			return err
		}
		for _, r := range runs.Rows {
			f, err := os.Open(partName(parts, kind, r.Point, r.Replication))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return err
			}
			_, err = io.Copy(w, bufio.NewReader(f))
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// RunTables are the result files besides runs.csv with rows per run (see
// sweep.RunTable): tcpsim merge combines them across shards.
var RunTables = []string{"connections.csv", "timeseries.csv", "workloads.csv"}

// tablesAsked returns the kinds of run table (connections, timeseries) the
// experiment records.
func tablesAsked(e *config.Experiment) []string {
	var kinds []string
	if e.Record.Connections {
		kinds = append(kinds, "connections")
	}
	if e.Record.Occupancy != nil {
		kinds = append(kinds, "timeseries")
	}
	if recordsWorkloads(e) {
		kinds = append(kinds, "workloads")
	}
	return kinds
}

// splitParts turns DIR/KIND.csv, written when an earlier invocation
// finished, back into the part files of its runs, so that a sweep resumed
// or extended in the same directory gathers them again. Parts that exist
// are left alone.
func splitParts(dir, kind string) error {
	t, err := sweep.OpenRunTable(filepath.Join(dir, kind+".csv"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer t.Close()
	var buf bytes.Buffer
	for t.OK {
		p, r := t.Point, t.Replication
		buf.Reset()
		for t.OK && t.Point == p && t.Replication == r {
			buf.WriteString(t.Line)
			buf.WriteByte('\n')
			if err := t.Next(); err != nil {
				return err
			}
		}
		name := partName(filepath.Join(dir, "parts"), kind, p, r)
		if _, err := os.Stat(name); err == nil {
			continue
		}
		if err := results.WriteFileAtomic(name, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
			return err
		}
	}
	return nil
}

// columnsOf returns the header of connections.csv or of timeseries.csv
// with a column for each of states.
func columnsOf(kind string, states []endpoint.State) []string {
	switch kind {
	case "connections":
		return connectionColumns
	case "workloads":
		return workloadColumns
	}
	cols := []string{"point", "replication", "time_s"}
	for _, s := range states {
		cols = append(cols, stateColumn(s))
	}
	return cols
}

// occupancyStates returns the states timeseries.csv has a column for:
// record.occupancy.states in RFC 9293 order, or every state but CLOSED
// (which no TCB occupies).
func occupancyStates(e *config.Experiment) []endpoint.State {
	var want []string
	if o := e.Record.Occupancy; o != nil {
		want = o.States
	}
	var out []endpoint.State
	for s := endpoint.State(1); s < endpoint.NumStates; s++ {
		if len(want) == 0 || slices.Contains(want, s.String()) {
			out = append(out, s)
		}
	}
	return out
}

// stateColumn names a state's column: "SYN-RECEIVED" becomes syn_received.
func stateColumn(s endpoint.State) string {
	return strings.ToLower(strings.ReplaceAll(s.String(), "-", "_"))
}

// connectionColumns are the columns of connections.csv.
var connectionColumns = []string{"point", "replication", "workload", "conn", "client", "server",
	"client_incarnation", "server_incarnation", "opened_s", "established_s", "ended_s",
	"handshake_s", "outcome", "syn_retransmits", "synack_retransmits", "data_retransmits",
	"client_states", "server_states"}

// rowWriter writes connections.csv's rows of one run as its connections
// end, so that the rows never pile up in memory.
type rowWriter struct {
	w   io.Writer
	j   sweep.Job
	buf []byte
	err error
}

// write appends r's row; the first error sticks.
func (rw *rowWriter) write(r *connRecord) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:0]
	b = strconv.AppendInt(b, int64(rw.j.Point), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(rw.j.Replication), 10)
	b = append(b, ',')
	b = append(b, r.w.spec.Name...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.ordinal), 10)
	b = append(b, ',')
	b = appendEndpoint(b, r.tuple.Local)
	b = append(b, ',')
	b = appendEndpoint(b, r.tuple.Remote)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(r.client), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(r.server), 10)
	for _, t := range []engine.Time{r.opened, r.established, r.ended} {
		b = append(b, ',')
		b = appendSecs(b, t)
	}
	b = append(b, ',')
	if r.established >= 0 {
		b = strconv.AppendFloat(b, r.established.Sub(r.opened).Seconds(), 'g', -1, 64)
	}
	outcome := r.outcome
	if outcome == "" {
		outcome = outcomeUnfinished
	}
	b = append(b, ',')
	b = append(b, outcome...)
	for _, n := range []int{r.synRetx, r.synackRetx, r.dataRetx} {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	for _, p := range [][]stateAt{r.clientPath, r.serverPath} {
		b = append(b, ',')
		for i, s := range p {
			if i > 0 {
				b = append(b, ';')
			}
			b = append(b, s.s.String()...)
			b = append(b, '@')
			b = appendSecs(b, s.t)
		}
	}
	b = append(b, '\n')
	rw.buf = b
	_, rw.err = rw.w.Write(b)
}

// appendSecs appends t in seconds as result files write durations; a
// negative t (not reached) is left empty.
func appendSecs(b []byte, t engine.Time) []byte {
	if t < 0 {
		return b
	}
	return strconv.AppendFloat(b, t.Seconds(), 'g', -1, 64)
}

// appendEndpoint appends e as "10.0.0.1:80", as Endpoint.String does.
func appendEndpoint(b []byte, e endpoint.Endpoint) []byte {
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(byte(e.Addr>>(8*i))), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(e.Port), 10)
}

// occupancySampler records how many TCBs are in each state every interval,
// for timeseries.csv, for as long as the run has other events.
type occupancySampler struct {
	sim      *engine.Sim
	col      *collector
	interval time.Duration
	states   []endpoint.State // the columns written
	id       engine.HandlerID
	times    []engine.Time
	counts   [][endpoint.NumStates]int
}

func newOccupancySampler(sim *engine.Sim, col *collector, interval time.Duration, states []endpoint.State) *occupancySampler {
	o := &occupancySampler{sim: sim, col: col, interval: interval, states: states}
	o.id = sim.Register(o)
	sim.Schedule(0, o.id, 0)
	return o
}

// HandleEvent implements engine.Handler: take a sample.
func (o *occupancySampler) HandleEvent(now engine.Time, _ uint64) {
	o.times = append(o.times, now)
	o.counts = append(o.counts, o.col.occupancy)
	if o.sim.Pending() > 0 { // stop sampling once the run has nothing left to do
		o.sim.After(o.interval, o.id, 0)
	}
}

func (o *occupancySampler) write(w io.Writer, j sweep.Job) error {
	bw := bufio.NewWriter(w)
	for i, t := range o.times {
		fmt.Fprintf(bw, "%d,%d,%s", j.Point, j.Replication, results.FormatValue(results.Seconds, t.Seconds()))
		for _, s := range o.states {
			fmt.Fprintf(bw, ",%d", o.counts[i][s])
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
