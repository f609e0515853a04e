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
	"strings"
	"sync"
	"time"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
	"tcpsim/experiments/histogram"
	"tcpsim/experiments/metric"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/sweep"
)

// Version is tcpsim's version, recorded in every manifest; merge refuses to
// combine results of different versions, and run to resume them. 0.2.0
// added histograms.csv, which the pooled percentile rows of summary.csv are
// made from: a directory of 0.1.0 has none to pool.
const Version = "0.2.0"

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
			vals[i] = sim.ParamValue(p, i)
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
		res, err := runOne(ctx, points[j.Point].Exp, j, parts)
		if err != nil {
			return nil, err
		}
		if res.Cut != "" {
			warnMu.Lock()
			cut = append(cut, cutWarning{j.Index, fmt.Sprintf("run %d (point %d, replication %d) %s", j.Index, j.Point, j.Replication, res.Cut)})
			if opts.Warnings != nil && len(cut) <= maxStuckWarnings {
				fmt.Fprintf(opts.Warnings, "warning: %s\n", cut[len(cut)-1].msg)
			} else if opts.Warnings != nil && len(cut) == maxStuckWarnings+1 {
				fmt.Fprintln(opts.Warnings, "warning: more runs ended by stop.max_time or stop.events with their workloads unfinished; manifest.json lists them")
			}
			warnMu.Unlock()
		}
		if res.StuckTotal > 0 && opts.Warnings != nil {
			warnMu.Lock()
			defer warnMu.Unlock()
			if warned++; warned > maxStuckWarnings {
				if warned == maxStuckWarnings+1 {
					fmt.Fprintln(opts.Warnings, "warning: more runs ended with stuck connections; runs.csv counts them in conns_stuck")
				}
				return res.Values, nil
			}
			fmt.Fprintf(opts.Warnings, "warning: run %d (point %d, replication %d) ended with %d stuck connection end(s): "+
				"both ends exist, neither has a timer armed or anything scheduled, so neither will ever move: %s\n",
				j.Index, j.Point, j.Replication, res.StuckTotal, strings.Join(res.Stuck, "; "))
		}
		return res.Values, nil
	}
	var tables []string
	for _, kind := range tablesAsked(e) {
		tables = append(tables, kind+".csv")
	}
	out, err := sweep.Execute(ctx, plan, fn, sweep.Options{
		Dir: opts.Dir, Workers: opts.Workers, Shard: opts.Shard, Metrics: metricColumns,
		Manifest: results.Manifest{Name: e.Name, Version: Version, Seed: e.Seed,
			ExperimentHash: e.Hash(), Experiment: e.Normalized()},
		Progress: opts.Progress, Terminal: opts.Terminal,
		// The tables are gathered before summary.csv, whose pooled
		// percentiles come from histograms.csv, and before the final
		// manifest, which records their digests for merge.
		Tables: tables,
		Pooled: Pooled,
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

// metricColumns are the run metrics, in runs.csv order, with their
// formats: the names the experiment format knows (config.Metrics, the
// order of sim.Result.Values), seconds for those ending in _s, counts for
// the others.
var metricColumns = func() []results.Column {
	cols := make([]results.Column, len(config.Metrics))
	for i, name := range config.Metrics {
		cols[i] = results.Column{Name: name, Kind: results.KindOf(name)}
	}
	return cols
}()

// runOne simulates run j of the sweep point e and writes its part files
// of the run tables the experiment records into the directory parts:
// connections.csv's rows as the connections end, inside the atomic write
// of their part file (which appears only if the run succeeds), then
// timeseries.csv's, histograms.csv's and workloads.csv's from what the run
// returned. The parts are written before the run is journalled, so a run
// the journal holds has all of them.
func runOne(ctx context.Context, e *config.Experiment, j sweep.Job, parts string) (*sim.Result, error) {
	var res *sim.Result
	var err error
	if e.Record.Connections {
		err = writePart(parts, "connections", j, func(w io.Writer) error {
			res, err = sim.Run(ctx, e, j, sim.Options{Connections: w})
			return err
		})
	} else {
		res, err = sim.Run(ctx, e, j, sim.Options{})
	}
	if err != nil {
		return nil, err
	}
	if o := res.Occupancy; o != nil {
		states := occupancyStates(e)
		if err := writePart(parts, "timeseries", j, func(w io.Writer) error { return writeTimeseries(w, j, o, states) }); err != nil {
			return nil, err
		}
	}
	if err := writePart(parts, "histograms", j, func(w io.Writer) error { return writeHistograms(w, j, res) }); err != nil {
		return nil, err
	}
	if recordsWorkloads(e) {
		if err := writePart(parts, "workloads", j, func(w io.Writer) error { return writeWorkloads(w, j, e.Workloads, res.Workloads) }); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// writeTimeseries writes one run's rows of timeseries.csv: a row per
// sample, a column per state of states.
func writeTimeseries(w io.Writer, j sweep.Job, o *sim.Occupancy, states []endpoint.State) error {
	bw := bufio.NewWriter(w)
	for i, t := range o.Times {
		fmt.Fprintf(bw, "%d,%d,%s", j.Point, j.Replication, results.FormatValue(results.Seconds, t.Seconds()))
		for _, s := range states {
			fmt.Fprintf(bw, ",%d", o.Counts[i][s])
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// histogramsTable are the histograms histograms.csv keeps of each run, by
// its metric column: a pooled row of summary.csv (Pooled) merges one of
// them over a point's runs.
var histogramsTable = []recordedHistogram{
	{"handshake_ns", func(r *sim.Result) *histogram.Histogram { return r.Handshakes }},
}

// recordedHistogram is a histogram of a run that histograms.csv keeps.
type recordedHistogram struct {
	name string
	of   func(*sim.Result) *histogram.Histogram
}

// writeHistograms writes one run's rows of histograms.csv.
func writeHistograms(w io.Writer, j sweep.Job, res *sim.Result) error {
	var b []byte
	for _, h := range histogramsTable {
		b = results.AppendHistogramRow(b, j.Point, j.Replication, h.name, h.of(res))
	}
	_, err := w.Write(b)
	return err
}

// Pooled are summary.csv's pooled percentiles (metric.Pooled), each of a
// histogram of histogramsTable.
var Pooled = func() []results.Pooled {
	var out []results.Pooled
	for _, d := range metric.Pooled {
		if !slices.ContainsFunc(histogramsTable, func(h recordedHistogram) bool { return h.name == d.Histogram }) {
			panic("experiments: pooled metric " + d.Name + " of an unrecorded histogram " + d.Histogram)
		}
		out = append(out, results.Pooled{Name: d.Name, Histogram: d.Histogram, Quantile: d.Quantile,
			Convert: func(ns int64) float64 { return time.Duration(ns).Seconds() }})
	}
	return out
}()

// Merge combines the result directories of the shards of one sweep into
// out (sweep.Merge), with tcpsim's run tables and pooled percentiles.
func Merge(out string, dirs []string) (*results.Manifest, error) {
	return sweep.Merge(out, dirs, RunTables, Pooled)
}

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
var RunTables = []string{"connections.csv", "timeseries.csv", "workloads.csv", results.HistogramsFile}

// tablesAsked returns the kinds of run table (connections, timeseries,
// workloads, histograms) the experiment records.
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
	// Always: summary.csv's pooled percentiles come from it.
	return append(kinds, "histograms")
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
		return sim.ConnectionColumns
	case "workloads":
		return workloadColumns
	case "histograms":
		return results.HistogramColumns
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
