package experiments

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"tcpsim/experiments/config"
	"tcpsim/experiments/histogram"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
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

// workloadMetrics are the run metrics workloads.csv gives per workload, in
// the run table's order; the others (host counters, peaks, events) belong
// to the run as a whole and stay in runs.csv only.
var workloadMetrics = []string{
	"conns_attempted", "conns_established", "conns_closed", "conns_refused", "conns_timed_out",
	"conns_reset", "conns_no_port", "conns_unfinished",
	"handshake_mean_s", "handshake_p50_s", "handshake_p99_s", "handshake_max_s", "conns_syn_retried", "syn_retried_frac", "reset_frac", "established_frac",
	"syn_retransmits", "synack_retransmits", "data_retransmits", "attack_segments",
}

// workloadColumns are the columns of workloads.csv: tidy, one row per run,
// workload and metric.
var workloadColumns = []string{"point", "replication", "workload", "kind", "metric", "value"}

// values returns workload i's metrics in workloadMetrics order.
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

// writeWorkloads writes one run's rows of workloads.csv.
func writeWorkloads(w io.Writer, j sweep.Job, specs []config.Workload, c *collector) error {
	bw := bufio.NewWriter(w)
	for i, spec := range specs {
		kind := spec.Kind
		if kind == "" {
			kind = config.KindConnections
		}
		for k, v := range c.workloadStats(i).values() {
			name := workloadMetrics[k]
			val := ""
			if !math.IsNaN(v) {
				val = results.FormatValue(results.KindOf(name), v)
			}
			fmt.Fprintf(bw, "%d,%d,%s,%s,%s,%s\n", j.Point, j.Replication, spec.Name, kind, name, val)
		}
	}
	return bw.Flush()
}

// recordsWorkloads reports whether a run writes workloads.csv: whenever
// the experiment has more than one workload (with one, runs.csv says it
// all).
func recordsWorkloads(e *config.Experiment) bool { return len(e.Workloads) > 1 }

// IsAttacker reports whether spec is an attacker workload (a kind other
// than connections), whose figures are kept apart from the legitimate
// clients'.
func IsAttacker(spec config.Workload) bool {
	return spec.Kind != "" && spec.Kind != config.KindConnections
}

// WorkloadMean is one workload's metrics at one sweep point, averaged over
// the runs of workloads.csv, for the console summary.
type WorkloadMean struct {
	// Name and Kind are the workload's.
	Name, Kind string
	// Runs is the number of runs averaged.
	Runs int
	// Mean maps a metric of workloadMetrics to its mean over the runs that
	// have a value (NaN values, such as the handshake time of a run with
	// no handshake, are left out).
	Mean map[string]float64
}

// ReadWorkloadMeans reads DIR/workloads.csv and returns, per sweep point,
// each workload's mean metrics in the file's order; a directory without
// the file gives nil.
func ReadWorkloadMeans(dir string) (map[int][]WorkloadMean, error) {
	f, err := os.Open(filepath.Join(dir, "workloads.csv"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type key struct {
		point int
		name  string
	}
	type acc struct {
		sum  map[string]float64
		n    map[string]int
		runs map[int]bool
	}
	accs := map[key]*acc{}
	out := map[int][]WorkloadMean{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), ",")
		if len(c) != len(workloadColumns) {
			return nil, fmt.Errorf("%s/workloads.csv: a row of %d columns, want %d", dir, len(c), len(workloadColumns))
		}
		p, err1 := strconv.Atoi(c[0])
		r, err2 := strconv.Atoi(c[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s/workloads.csv: bad point or replication in %q", dir, sc.Text())
		}
		k := key{p, c[2]}
		a := accs[k]
		if a == nil {
			a = &acc{sum: map[string]float64{}, n: map[string]int{}, runs: map[int]bool{}}
			accs[k] = a
			out[p] = append(out[p], WorkloadMean{Name: c[2], Kind: c[3]})
		}
		a.runs[r] = true
		if v, err := strconv.ParseFloat(c[5], 64); err == nil {
			a.sum[c[4]] += v
			a.n[c[4]]++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for p, ws := range out {
		for i := range ws {
			a := accs[key{p, ws[i].Name}]
			ws[i].Runs = len(a.runs)
			ws[i].Mean = map[string]float64{}
			for _, m := range workloadMetrics {
				ws[i].Mean[m] = math.NaN()
				if a.n[m] > 0 {
					ws[i].Mean[m] = a.sum[m] / float64(a.n[m])
				}
			}
		}
	}
	return out, nil
}
