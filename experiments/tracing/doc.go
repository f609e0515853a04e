// Package tracing runs one run of an experiment again with observers
// attached, through sim's watch hook (sim.Options.Watch): the same seed,
// streams and events as the run `tcpsim run` made, seen up close.
//
// Trace (tracing.go) records, at a capture host, the text trace and the
// pcap (package trace writes both), the run's state-transition counts
// summed over every host (transitions.csv and the coverage figure), and on
// request the ladder diagram of one connection or of a time window
// (ladder.go: which segments belong on it, which are stale, duplicates,
// retransmissions or a later incarnation's, and their sequence numbers
// relative to each incarnation's ISN). OccupancyByHost (occupancy.go)
// counts each host's TCBs by state over the run, for the occupancy
// figure's by_end. A run is named by its index K in sweep order (sim.Job);
// a request it cannot satisfy is an ErrTrace.
//
// It writes no file: its callers do, `tcpsim trace`, record.trace (package
// experiments) and the ladder and occupancy figures (package figures). It
// owns no simulation (sim), no trace format (trace) and no drawing
// (plots).
package tracing
