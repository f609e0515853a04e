package experiments

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tcpsim/experiments/histogram"
	"tcpsim/experiments/metric"
	"tcpsim/experiments/results"
)

// The handshake percentiles of runs.csv are within histogram.RelError of
// the exact nearest-rank percentiles of the run's handshake times, which
// connections.csv lists, on catalog experiments whose handshake times
// spread (jittered links, retransmitted SYNs) and on ones where they are
// all one round trip (exact there). The mean and the maximum are exact.
// summary.csv's pooled percentiles are within the same bound of the exact
// percentiles of all a point's runs' handshake times together.
func TestPercentilesWithinStatedError(t *testing.T) {
	pooledRuns := 0 // experiments with a point of several runs
	for _, tc := range []struct {
		name string
		sets []string
	}{
		{"old-duplicate-syn", []string{"replications=3", "workloads[0].count=2000", "record.connections=true"}},
		{"two-way-handshake", []string{"replications=3", "workloads[0].count=2000", "record.connections=true"}},
		{"time-wait-length", []string{"replications=1", "record.connections=true"}},
		{"million-connections", []string{"replications=3", "workloads[0].count=7000", "record.connections=true"}},
	} {
		_, out, dir := catalogRun(t, tc.name, tc.sets...)
		times := map[[2]string][]float64{} // by (point, replication)
		pooled := map[string][]float64{}   // by point
		for _, c := range connections(t, dir) {
			if c["handshake_s"] == "" {
				continue
			}
			v, err := strconv.ParseFloat(c["handshake_s"], 64)
			if err != nil {
				t.Fatal(err)
			}
			k := [2]string{c["point"], c["replication"]}
			times[k] = append(times[k], v)
			pooled[c["point"]] = append(pooled[c["point"]], v)
		}
		checked := 0
		for _, row := range out.Runs.Rows {
			hs := times[[2]string{strconv.Itoa(row.Point), strconv.Itoa(row.Replication)}]
			if len(hs) == 0 {
				continue
			}
			slices.Sort(hs)
			sum := 0.0
			for _, v := range hs {
				sum += v
			}
			for _, m := range []struct {
				metric string
				exact  float64
				bound  float64
			}{
				{"handshake_p50_s", nearestRank(hs, 0.5), histogram.RelError},
				{"handshake_p99_s", nearestRank(hs, 0.99), histogram.RelError},
				{"handshake_max_s", hs[len(hs)-1], 1e-12},
				{"handshake_mean_s", sum / float64(len(hs)), 1e-9},
			} {
				got := row.Values[slices.IndexFunc(metricColumns, func(c results.Column) bool { return c.Name == m.metric })]
				if err := math.Abs(got-m.exact) / m.exact; !(err <= m.bound) {
					t.Errorf("%s run (%d, %d): %s = %v, exact %v: relative error %.3g above %.3g",
						tc.name, row.Point, row.Replication, m.metric, got, m.exact, err, m.bound)
				}
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no run with handshakes to check", tc.name)
		}
		if checkPooled(t, tc.name, out.Summary, times, pooled) {
			pooledRuns++
		}
	}
	if pooledRuns == 0 {
		t.Error("no experiment had a point of several runs: the pooled percentiles were never checked across runs")
	}
}

// checkPooled compares summary's pooled percentiles with the exact
// nearest-rank percentiles of every handshake time of each point, and
// their n with the runs that have one. It reports whether a point had
// several runs to pool.
func checkPooled(t *testing.T, name string, sum *results.Summary, times map[[2]string][]float64, pooled map[string][]float64) bool {
	t.Helper()
	multi := false
	for point, hs := range pooled {
		p, _ := strconv.Atoi(point)
		runs := 0
		for k := range times {
			if k[0] == point {
				runs++
			}
		}
		multi = multi || runs > 1
		slices.Sort(hs)
		for _, m := range []struct {
			metric string
			q      float64
		}{{"handshake_p50_pooled_s", 0.5}, {"handshake_p99_pooled_s", 0.99}} {
			est, ok := sum.Lookup(p, m.metric)
			if !ok {
				t.Fatalf("%s: summary.csv has no %s at point %d", name, m.metric, p)
			}
			exact := nearestRank(hs, m.q)
			if err := math.Abs(est.Mean-exact) / exact; !(err <= histogram.RelError) {
				t.Errorf("%s point %d: %s = %v, exact over %d handshakes of %d runs %v: relative error %.3g above %.3g",
					name, p, m.metric, est.Mean, len(hs), runs, exact, err, histogram.RelError)
			}
			if est.N != runs || !math.IsNaN(est.CILo) || !math.IsNaN(est.StdDev) {
				t.Errorf("%s point %d: %s has n %d, stddev %v, interval [%v, %v]; want n %d and no spread",
					name, p, m.metric, est.N, est.StdDev, est.CILo, est.CIHi, runs)
			}
		}
	}
	return multi
}

// nearestRank is the q-quantile of sorted by the nearest-rank method.
func nearestRank(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// The metric table states the percentiles' error bound as the histogram
// has it.
func TestPercentileBoundDocumented(t *testing.T) {
	bound := strconv.FormatFloat(histogram.RelError*100, 'f', 2, 64) + " %"
	for _, name := range []string{"handshake_p50_s", "handshake_p99_s"} {
		d, ok := metric.Lookup(name)
		if !ok || !strings.Contains(d.Meaning, "within "+bound) || !strings.Contains(d.PerRun, "within "+bound) {
			t.Errorf("%s: meaning %q, per-run rule %q; want both to say within %s", name, d.Meaning, d.PerRun, bound)
		}
	}
}
