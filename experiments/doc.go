// Package experiments turns an experiment file into results: it builds each
// run's network from the decoded configuration (build.go), drives the
// workloads (workload.go; the attackers of attack.go, which keep no state)
// and the scripted injections (inject.go; crafted segments in
// inject_crafted.go), observes every state change and segment to compute
// the run's metrics (metrics.go) and each workload's (workloads_table.go),
// and hands the runs of a sweep to the sweep package, which writes the
// result directory. It traces a run again on request (tracing.go and
// tracing_ladder.go: text, pcap, ladder and transition counts;
// tracing_occupancy.go: each host's states over time; record_trace.go:
// record.trace's files).
//
// Subpackages: config (the YAML format), results (the result files), sweep
// (parallel, resumable, sharded execution), trace (pcap and text traces)
// and figures (the plots: section, drawn from a result directory; it
// imports this package, never the other way round).
//
// It owns no protocol logic (endpoint), no channel model (link) and no
// routing (topology).
package experiments
