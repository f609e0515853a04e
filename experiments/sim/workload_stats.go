package sim

import (
	"tcpsim/experiments/config"
	"tcpsim/experiments/histogram"
)

// workloadStats are one workload's figures in one run: the metrics of the
// run table that belong to a workload's own connections (or, for an
// attacker, its segments), for workloads.csv.
type workloadStats struct {
	attempted                     int
	outcomes                      map[string]int
	handshakes                    histogram.Histogram
	synRetried                    int
	synRetx, synackRetx, dataRetx int
	attackSegs                    int
}

// stats returns the figures of r's workload.
func (c *collector) stats(r *connRecord) *workloadStats { return c.workloadStats(r.workload) }

// workloadStats returns the figures of workload i, growing the table.
func (c *collector) workloadStats(i int) *workloadStats {
	for len(c.perW) <= i {
		c.perW = append(c.perW, workloadStats{outcomes: map[string]int{}})
	}
	return &c.perW[i]
}

// WorkloadMetrics are the run metrics workloads.csv gives per workload, in
// the run table's order; the others (host counters, peaks, events) belong
// to the run as a whole and stay in runs.csv only.
var WorkloadMetrics = []string{
	"conns_attempted", "conns_established", "conns_closed", "conns_refused", "conns_timed_out",
	"conns_reset", "conns_no_port", "conns_unfinished",
	"handshake_mean_s", "handshake_p50_s", "handshake_p99_s", "handshake_max_s", "conns_syn_retried", "syn_retried_frac", "reset_frac", "established_frac",
	"syn_retransmits", "synack_retransmits", "data_retransmits", "attack_segments",
}

// values returns workload i's metrics in WorkloadMetrics order.
func (ws *workloadStats) values() []float64 {
	ended := 0
	for _, o := range outcomes[:len(outcomes)-1] {
		ended += ws.outcomes[o]
	}
	mean, p50, p99, hmax := handshakeStats(&ws.handshakes)
	return []float64{
		float64(ws.attempted), float64(ws.handshakes.Count()), float64(ws.outcomes[outcomeClosed]),
		float64(ws.outcomes[outcomeRefused]), float64(ws.outcomes[outcomeTimedOut]), float64(ws.outcomes[outcomeReset]),
		float64(ws.outcomes[outcomeNoPort]), float64(ws.attempted - ended),
		mean, p50, p99, hmax, float64(ws.synRetried), frac(ws.synRetried, ws.attempted), frac(ws.outcomes[outcomeReset], ws.attempted),
		frac(int(ws.handshakes.Count()), ws.attempted),
		float64(ws.synRetx), float64(ws.synackRetx), float64(ws.dataRetx), float64(ws.attackSegs),
	}
}

// IsAttacker reports whether spec is an attacker workload (a kind other
// than connections), whose figures are kept apart from the legitimate
// clients'.
func IsAttacker(spec config.Workload) bool {
	return spec.Kind != "" && spec.Kind != config.KindConnections
}
