package config

import (
	"reflect"
)

// Record selects optional outputs of a run.
type Record struct {
	// Connections writes connections.csv: one row per connection attempt.
	Connections bool `yaml:"connections"`
	// Occupancy samples how many TCBs are in each state; nil: off.
	Occupancy *Occupancy `yaml:"occupancy"`
	// Trace records segment and state events of selected runs; nil: off.
	Trace *Trace `yaml:"trace"`
}

// Occupancy samples state occupancy into timeseries.csv.
type Occupancy struct {
	// Interval is the sampling period (> 0). Required.
	Interval Duration `yaml:"interval" cfg:"required"`
	// States limits the columns to these RFC 9293 states (default: all).
	States []string `yaml:"states" enum:"CLOSED|LISTEN|SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|CLOSING|LAST-ACK|TIME-WAIT"`
}

// Trace records per-event traces (the input of `tcpsim trace`).
type Trace struct {
	// Runs lists the indices of the runs to trace (point × replications +
	// replication). Default: run 0 only.
	Runs []Count `yaml:"runs"`
	// Conns limits the trace to these connection ordinals (default: all).
	Conns []Count `yaml:"conns"`
	// Pcap also writes a pcap file per traced run.
	Pcap bool `yaml:"pcap"`
	// Ladder also draws a ladder (sequence) diagram per traced run.
	Ladder bool `yaml:"ladder"`
	// Limit caps the events written per run. Default 100000.
	Limit Count `yaml:"limit" default:"100000"`
}

// Plot is one figure drawn by `tcpsim plot`. Each kind uses some of the
// fields (see each field); giving a field the kind does not use is an
// error.
type Plot struct {
	// Name is the figure's file name stem; default "<kind>-<index>". Unique.
	Name string `yaml:"name"`
	// Kind is metric (Metric's mean and 95% CI against the swept path X,
	// one line per value of Series and of the other swept paths), cdf (the
	// distribution of Metric over the runs of each point; over connections
	// for handshake_mean_s when connections.csv exists), heatmap (Metric's
	// mean over the swept paths X and Y, which must be all the sweep
	// varies), occupancy (the states of run Run over time, from
	// timeseries.csv: needs record.occupancy), coverage (the FSM
	// transition-coverage matrix of transitions.csv, which `tcpsim trace
	// --transitions` writes) or ladder (the sequence diagram of run Run,
	// simulated again with tracing). Required.
	Kind string `yaml:"kind" cfg:"required" enum:"cdf|metric|occupancy|heatmap|coverage|ladder"`
	// Metric is the run metric plotted (a runs.csv column): metric, cdf and
	// heatmap need it.
	Metric string `yaml:"metric"`
	// X is the swept path on the horizontal axis: metric and heatmap need
	// it.
	X string `yaml:"x"`
	// Y is the swept path on the vertical axis of a heatmap, which needs it.
	Y string `yaml:"y"`
	// Series is a swept path whose values get one line each (metric).
	Series string `yaml:"series"`
	// States are the states an occupancy plot draws (default: all those
	// recorded).
	States []string `yaml:"states" enum:"CLOSED|LISTEN|SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|CLOSING|LAST-ACK|TIME-WAIT"`
	// Run is the index of the run an occupancy or ladder plot draws (point
	// × replications + replication); for coverage, the run the message on
	// a missing transitions.csv says to trace. Default 0.
	Run Count `yaml:"run"`
	// Conn limits a ladder plot to one connection ordinal (0: all).
	Conn Count `yaml:"conn"`
	// Title is the figure's title; default derived from the other fields.
	Title string `yaml:"title"`
	// LogX makes the horizontal axis logarithmic (metric, cdf).
	LogX bool `yaml:"log_x"`
	// LogY makes the vertical axis logarithmic (metric).
	LogY bool `yaml:"log_y"`
	// Format is png, svg or pdf. Default png.
	Format string `yaml:"format" default:"png" enum:"png|svg|pdf"`
}

// Metrics are the run metrics, in runs.csv column order (after point,
// replication, seed and the swept parameters). Replication targets and plots
// name them.
var Metrics = []string{
	"conns_attempted", "conns_established", "conns_closed", "conns_refused", "conns_timed_out", "conns_reset",
	"conns_no_port", "conns_unfinished", "conns_stuck", "stuck_after_stale", "half_open_at_end",
	"handshake_mean_s", "handshake_p50_s", "handshake_p99_s", "handshake_max_s",
	"syn_retransmits", "synack_retransmits", "data_retransmits",
	"ghost_established", "stale_segments_accepted", "stale_bytes_accepted",
	"timewait_assassinations", "half_open_detected", "timewait_peak", "timewait_peak_server", "synrcvd_peak",
	"listen_overflows", "segments_sent", "segments_lost", "events", "sim_time_s", "wall_s",
}

// reflectValue returns the settable value p points to.
func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
