package experiments

import (
	"errors"
	"fmt"
	"math"
	"time"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

// Costs per item, measured on the catalog (million-connections with 2·10^5
// connections: 16 events and a few hundred bytes of live data per
// connection, 360 bytes per connections.csv row). They are rough on
// purpose: the estimate exists to refuse what cannot fit by orders of
// magnitude, not to predict a run.
const (
	eventsPerConn      = 20
	bytesPerConn       = 400 // connection record, TCBs while live, metrics
	bytesPerConnRecord = 300 // with record.connections: state paths until the row is written
	bytesPerConnRow    = 360 // one connections.csv row
	bytesPerSample     = 8 + 8*int64(endpoint.NumStates)
	bytesPerSampleRow  = 40
	bytesPerCopy       = 200 // a replayed segment waiting in the event queue
	bytesPerHost       = 16 << 10
	bytesPerLink       = 2 << 10
	bytesPerRun        = 600 // a run's row and job, kept by the sweep until it ends
	bytesPerRunRow     = 400 // one runs.csv row
	baseBytes          = 64 << 20
	// settleTime is how long a run goes on after its last arrival, for
	// the occupancy samples: closings and TIME-WAIT.
	settleTime = 5 * time.Minute
	// lingerTime is how long a connection's record outlives its
	// TIME-WAIT, roughly: the connection itself, retransmissions. A run
	// keeps a connection's record (and its TCBs) only while it lives, so
	// a steady open-loop workload keeps about rate × (TIME-WAIT +
	// lingerTime) of them, however many it makes (issue 17).
	lingerTime = time.Minute
)

// Estimate is the predicted cost of running an experiment: events, peak
// memory and the size of its result files, each with the setting that
// contributes most to it.
type Estimate struct {
	Runs   float64
	Events float64
	// Memory is the peak live heap in bytes with Workers runs at once.
	Memory float64
	// Results is the size of the result files in bytes.
	Results float64
	// MemoryField is the experiment field (a YAML path) and MemoryWhy the
	// reason behind most of Memory.
	MemoryField, MemoryWhy string
	// ResultsField is the field behind most of Results.
	ResultsField string
	// Workers is the number of runs assumed to be in memory at once.
	Workers int
}

// errTooBig means an experiment's estimated memory exceeds the limit, or
// its result files the free space.
var errTooBig = errors.New("experiments: the experiment does not fit")

// term is one contribution to a cost, and the field responsible.
type term struct {
	v          float64
	field, why string
}

// largest returns the biggest of terms.
func largest(ts []term) term {
	var b term
	for _, t := range ts {
		if t.v > b.v {
			b = t
		}
	}
	return b
}

// EstimateCost predicts what running e costs with workers runs at once
// (shard, if not nil, runs only its share). Sweep points are estimated one
// by one and the costliest counts.
func EstimateCost(e *config.Experiment, workers int, shards int) Estimate {
	pts := e.Points()
	reps := float64(max(e.Replications.Max, e.Replications.Min, 1))
	runs := float64(len(pts)) * reps / float64(max(shards, 1))
	est := Estimate{Runs: runs, Workers: int(math.Max(1, math.Min(float64(max(workers, 1)), runs)))}
	var perRun, perResults, sweepMem []term
	sweepMem = append(sweepMem, term{runs * bytesPerRun, "replications",
		fmt.Sprintf("%.3g runs (%d sweep points × %s replications), each kept in memory until the sweep ends; split the sweep with --shard or lower replications", runs, len(pts), e.Replications)})
	var maxEvents float64
	for _, p := range pts {
		mem, res, events := pointCost(p.Exp)
		maxEvents = math.Max(maxEvents, events)
		perRun = append(perRun, mem)
		for _, r := range res {
			r.v *= reps
			perResults = append(perResults, r)
		}
	}
	est.Events = maxEvents * runs
	run := largest(perRun)
	est.Memory = baseBytes + float64(est.Workers)*run.v + sweepMem[0].v
	if m := largest(append([]term{{v: float64(est.Workers) * run.v, field: run.field, why: run.why}}, sweepMem...)); m.v > 0 {
		est.MemoryField, est.MemoryWhy = m.field, m.why
	}
	resTotal := runs * bytesPerRunRow
	resField := "replications"
	var best float64
	for _, r := range perResults {
		resTotal += r.v / float64(max(shards, 1))
		if r.v > best {
			best, resField = r.v, r.field
		}
	}
	if best > runs*bytesPerRunRow {
		est.ResultsField = resField
	} else {
		est.ResultsField = "replications"
	}
	est.Results = resTotal
	return est
}

// eventsPerAttackSegment is what one attacker segment costs: its sending
// event, its delivery and the answer it may draw (a SYN-ACK, a RST).
const eventsPerAttackSegment = 3

// pointCost estimates one run of a point: its memory (the total, named
// after its largest part), its result file terms and its events.
func pointCost(e *config.Experiment) (mem term, res []term, events float64) {
	limit := time.Duration(e.Stop.MaxTime)
	if e.Stop.Time > 0 {
		limit = time.Duration(e.Stop.Time)
	}
	var conns, lastArrival float64
	hostMem := float64(len(e.Hosts))*bytesPerHost + float64(2*len(e.Links))*bytesPerLink
	var connTerms []term
	var attackEvents float64
	for i, w := range e.Workloads {
		n, field, end := workloadConns(w, limit)
		if sim.IsAttacker(w) {
			// One segment per arrival and no state on the attacker's side
			// (sim's attack.go): its events, not connections; what the listener
			// keeps is bounded by its queues.
			attackEvents += n * eventsPerAttackSegment
			lastArrival = math.Max(lastArrival, end)
			continue
		}
		path := fmt.Sprintf("workloads[%d].%s", i, field)
		conns += n
		lastArrival = math.Max(lastArrival, end)
		per := float64(bytesPerConn)
		if e.Record.Connections {
			per += bytesPerConnRecord
			res = append(res, term{n * bytesPerConnRow, path, ""})
		}
		kept, why := n, fmt.Sprintf("%.3g connections in one run", n)
		if rate := arrivalRate(w); rate > 0 {
			keep := lingerTime + max(timeWait(e, w.Client), timeWait(e, w.Server.Host))
			if k := rate * keep.Seconds(); k < n {
				kept, why = k, fmt.Sprintf("%.3g connections alive at once (%.3g/s, each kept through TIME-WAIT and %v more)",
					k, rate, lingerTime)
			}
		}
		connTerms = append(connTerms, term{kept * per, path, why})
	}
	events = conns*eventsPerConn + attackEvents
	var copyTerms []term
	for i, inj := range e.Injections {
		if inj.Replay == nil {
			continue
		}
		copies := float64(inj.Replay.Copies)
		matched := 1.0
		if inj.Replay.Match.Every {
			matched = math.Max(conns, 1)
		}
		path := fmt.Sprintf("injections[%d].replay.copies", i)
		events += copies * matched
		copyTerms = append(copyTerms, term{copies * matched * bytesPerCopy, path,
			fmt.Sprintf("%.3g replayed copies in one run, each an event waiting in the queue", copies*matched)})
	}
	var sampleTerm term
	if o := e.Record.Occupancy; o != nil && o.Interval > 0 {
		horizon := math.Min(limit.Seconds(), lastArrival+settleTime.Seconds())
		if horizon <= 0 {
			horizon = limit.Seconds()
		}
		samples := horizon / time.Duration(o.Interval).Seconds()
		events += samples
		sampleTerm = term{samples * float64(bytesPerSample), "record.occupancy.interval",
			fmt.Sprintf("%.3g occupancy samples in one run (%.3g s of simulated time every %v), kept until the run ends",
				samples, horizon, time.Duration(o.Interval))}
		res = append(res, term{samples * bytesPerSampleRow, "record.occupancy.interval", ""})
	}
	all := append(append(connTerms, copyTerms...), sampleTerm,
		term{hostMem, "hosts", fmt.Sprintf("%d hosts and %d links", len(e.Hosts), len(e.Links))})
	b := largest(all)
	var total float64
	for _, t := range all {
		total += t.v
	}
	b.v = total
	return b, res, events
}

// arrivalRate returns an open-loop workload's arrivals per second (0 for
// closed loops and scripted times).
func arrivalRate(w config.Workload) float64 {
	switch a := w.Arrivals; {
	case a.Poisson != nil:
		return float64(*a.Poisson)
	case a.Interval != nil && *a.Interval > 0:
		return 1 / time.Duration(*a.Interval).Seconds()
	}
	return 0
}

// timeWait returns the TIME-WAIT length of the named host (0 if unknown).
func timeWait(e *config.Experiment, host string) time.Duration {
	for _, h := range e.Hosts {
		if h.Name == host {
			if cfg, err := sim.TCPConfig(h); err == nil {
				return max(cfg.TimeWaitDuration(), 0)
			}
		}
	}
	return 0
}

// workloadConns estimates a workload's connections in one run, the field
// that sets their number, and the time of the last arrival in seconds.
func workloadConns(w config.Workload, limit time.Duration) (n float64, field string, end float64) {
	horizon := limit
	if w.Until > 0 {
		horizon = min(horizon, time.Duration(w.Until))
	}
	span := math.Max(0, (horizon - time.Duration(w.Start)).Seconds())
	a := w.Arrivals
	switch {
	case a.Closed != nil:
		n, field = float64(a.Closed.Clients), "arrivals.closed.clients"
		if float64(w.Count) > n {
			n, field = float64(w.Count), "count"
		}
		return n, field, span + time.Duration(w.Start).Seconds()
	case a.Times != nil:
		n, field = float64(len(a.Times)), "arrivals.times"
		for _, t := range a.Times {
			end = math.Max(end, time.Duration(t).Seconds())
		}
	case a.Interval != nil && *a.Interval > 0:
		n, field = span/time.Duration(*a.Interval).Seconds(), "arrivals.interval"
		end = span
	case a.Poisson != nil:
		n, field = float64(*a.Poisson)*span, "arrivals.poisson"
		end = span
	}
	if w.Count > 0 && (field == "" || float64(w.Count) < n) {
		n, field = float64(w.Count), "count"
		if a.Interval != nil && *a.Interval > 0 {
			end = math.Min(span, float64(w.Count)*time.Duration(*a.Interval).Seconds())
		} else if a.Poisson != nil && *a.Poisson > 0 {
			end = math.Min(span, float64(w.Count)/float64(*a.Poisson))
		}
	}
	return n, field, end + time.Duration(w.Start).Seconds()
}

// Check returns an error wrapping errTooBig if the estimated memory
// exceeds limit bytes; from says where the limit came from.
func (est Estimate) Check(limit int64, from string) error {
	if limit <= 0 || est.Memory <= float64(limit) {
		return nil
	}
	return fmt.Errorf("%w in memory: it needs an estimated %s of memory, above the limit of %s (%s); most of it from %s: %s",
		errTooBig, Bytes(est.Memory), Bytes(float64(limit)), from, est.MemoryField, est.MemoryWhy)
}

// CheckDisk returns an error wrapping errTooBig if the estimated result
// files exceed free bytes, the space left where they go.
func (est Estimate) CheckDisk(free int64, dir string) error {
	if free <= 0 || est.Results <= float64(free) {
		return nil
	}
	return fmt.Errorf("%w: its result files need an estimated %s, and %s has %s free; most of it from %s",
		errTooBig, Bytes(est.Results), dir, Bytes(float64(free)), est.ResultsField)
}

// String summarizes the estimate in one line.
func (est Estimate) String() string {
	return fmt.Sprintf("about %.3g events in %.3g runs, %s of memory with %d at once, %s of results",
		est.Events, est.Runs, Bytes(est.Memory), est.Workers, Bytes(est.Results))
}

// Bytes formats a size with a binary unit: 512 MiB, 3.2 GiB.
func Bytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 || b >= 100 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}
