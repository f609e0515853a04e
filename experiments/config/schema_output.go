package config

import (
	"reflect"
	"tcpsim/experiments/metric"
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

// Metrics are the run metrics, in runs.csv column order (after point,
// replication, seed and the swept parameters). Replication targets and plots
// name them.
var Metrics = metric.Names()

// reflectValue returns the settable value p points to.
func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
