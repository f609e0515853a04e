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
	"tcpsim/experiments/results"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/sweep"
)

// workloadColumns are the columns of workloads.csv: tidy, one row per run,
// workload and metric.
var workloadColumns = []string{"point", "replication", "workload", "kind", "metric", "value"}

// writeWorkloads writes one run's rows of workloads.csv from each
// workload's metrics (sim.Result.Workloads).
func writeWorkloads(w io.Writer, j sweep.Job, specs []config.Workload, vals [][]float64) error {
	bw := bufio.NewWriter(w)
	for i, spec := range specs {
		kind := spec.Kind
		if kind == "" {
			kind = config.KindConnections
		}
		for k, v := range vals[i] {
			name := sim.WorkloadMetrics[k]
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

// WorkloadMean is one workload's metrics at one sweep point, averaged over
// the runs of workloads.csv, for the console summary.
type WorkloadMean struct {
	// Name and Kind are the workload's.
	Name, Kind string
	// Runs is the number of runs averaged.
	Runs int
	// Mean maps a metric of sim.WorkloadMetrics to its mean over the runs that
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
			for _, m := range sim.WorkloadMetrics {
				ws[i].Mean[m] = math.NaN()
				if a.n[m] > 0 {
					ws[i].Mean[m] = a.sum[m] / float64(a.n[m])
				}
			}
		}
	}
	return out, nil
}
