// Package figures draws the plots: section of an experiment from its result
// directory, for `tcpsim plot` and the end of `tcpsim run`: DrawPlots reads
// manifest.json, runs.csv, connections.csv, timeseries.csv and
// transitions.csv (whose format, WriteTransitions and ReadTransitions, it
// owns) and turns them into the plain values package plots draws (draw.go:
// the metric against a swept path and the CDF; run.go: the heat map and the
// figures of one run, coverage and ladder; occupancy.go), adding the
// analytic curves of the handshake and the attacks (attack.go). labels.go
// names the axes: metrics by the metric table, swept paths by what they
// mean.
//
// It runs no simulation of its own and writes no result table. What needs
// a run again comes from package tracing: the ladder from tracing.Trace,
// the occupancy of each end from tracing.OccupancyByHost. A host's TCP
// settings for the models come from sim.TCPConfig and run numbering from
// sim.ReplicationSlots (package experiments/sim). Drawing is package
// plots'; files are written atomically by results.SaveFigure. It does not
// import package experiments (orchestration), which never imports it
// either.
package figures
