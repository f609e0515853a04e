package sim

import "tcpsim/experiments/config"

// byName maps a run's metrics (Result.Values) to their names.
func byName(vals []float64) map[string]float64 {
	m := map[string]float64{}
	for i, name := range config.Metrics {
		m[name] = vals[i]
	}
	return m
}
