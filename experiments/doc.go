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
// and traces a run again on request through sim's watch hook (tracing.go
// and tracing_ladder.go: text, pcap, ladder and transition counts;
// tracing_occupancy.go: each host's states over time; record_trace.go:
// record.trace's files).
//
// Subpackages: config (the YAML format), sim (one simulation: building the
// network, workloads, attackers, injections, metrics), results (the result
// files), sweep (parallel, resumable, sharded execution), trace (pcap and
// text traces) and figures (the plots: section, drawn from a result
// directory; it imports this package, never the other way round).
//
// It owns no protocol logic (endpoint), no channel model (link), no
// routing (topology) and nothing of a run's simulation (sim).
package experiments
