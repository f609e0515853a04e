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
func TestPercentilesWithinStatedError(t *testing.T) {
	for _, tc := range []struct {
		name string
		sets []string
	}{
		{"old-duplicate-syn", []string{"replications=1", "workloads[0].count=5000", "record.connections=true"}},
		{"two-way-handshake", []string{"replications=1", "workloads[0].count=5000", "record.connections=true"}},
		{"time-wait-length", []string{"replications=1", "record.connections=true"}},
		{"million-connections", []string{"workloads[0].count=20000", "record.connections=true"}},
	} {
		_, out, dir := catalogRun(t, tc.name, tc.sets...)
		times := map[[2]string][]float64{} // by (point, replication)
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
	}
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
