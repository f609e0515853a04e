// Package sim runs one simulation of one sweep point and returns what it
// gave: Run builds the run's network from the decoded configuration
// (build.go; Check and TCPConfig are the one mapping from a sweep point to
// the endpoint, link and topology configs, and report the model packages'
// problems with the YAML paths the user wrote, check.go), drives the
// workloads (workload.go; the attackers of attack.go, which keep no state)
// and the scripted injections (inject.go; crafted segments in
// inject_crafted.go), and observes every state change and segment to
// compute the run's metrics (metrics.go, with the live connections'
// records in records.go) and each workload's (workload_stats.go).
//
// It writes no file. A Result holds the run's metrics in config.Metrics
// order, each workload's in WorkloadMetrics order, the state occupancy
// samples and what the run left stuck or undone; connections.csv's rows
// (rows.go) go, as the connections end, to the writer Options.Connections
// names, so that a run of millions of connections holds only its live ones.
// Package experiments writes the result files from them. Options.Watch lets
// a caller attach observers to the built network before it runs: that is
// how package tracing traces a run (text, pcap, ladder, occupancy per host).
//
// A run is named by its sweep.Job (point, replication, seed), so that
// Run and the sweep package number and seed runs alike; Job gives the job
// of run index K in sweep order (ReplicationSlots indices per point), and
// ParamValue a swept parameter's value as runs.csv holds it (job.go,
// params.go).
//
// It owns no protocol logic (endpoint), no channel model (link), no
// routing (topology), no result file (results, experiments) and no
// orchestration (sweep, experiments).
package sim
