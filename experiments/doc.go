// Package experiments turns an experiment file into results. Load reads
// and checks the file (sim.Check maps every sweep point onto the model
// packages' configs); Run plans the sweep and hands its runs to the sweep
// package, which runs them in parallel and writes the result directory.
// Each run is one call of sim.Run, which returns the run's values and
// writes no file: this package writes a run's part files of the run tables
// the experiment records (connections.csv's rows as sim streams them,
// timeseries.csv's and workloads.csv's from what it returned; run.go and
// workloads_table.go) and gathers them under one header when the sweep
// ends. It estimates an experiment's cost before it runs (estimate.go),
// and writes record.trace's files once the runs are done
// (record_trace.go: each listed run traced again by package tracing).
//
// Subpackages: config (the YAML format), sim (one simulation: building the
// network, workloads, attackers, injections, metrics, and run numbering),
// results (the result files), sweep (parallel, resumable, sharded
// execution), trace (pcap and text traces), tracing (a run traced again:
// text, pcap, ladder, transition counts, each host's occupancy) and
// figures (the plots: section, drawn from a result directory; this package
// never imports it).
//
// It owns no protocol logic (endpoint), no channel model (link), no
// routing (topology), nothing of a run's simulation (sim) and no tracer
// (tracing).
package experiments
