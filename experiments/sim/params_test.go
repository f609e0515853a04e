package sim

import (
	"testing"

	"tcpsim/experiments/config"
)

// runs.csv holds swept quantities as plain numbers in SI units, and
// everything else as written.
func TestParamValuesInSIUnits(t *testing.T) {
	text := `name: si
hosts:
  - {name: c, tcp: {msl: 1s}}
  - {name: s}
links: [{between: [c, s], delay: 10ms}]
workloads: [{name: w, client: c, server: s:80, arrivals: {poisson: 5/ms}, count: 1}]
sweep:
  zip:
    links[0].delay: [250us, 2s]
    links[0].loss: [1%, {model: gilbert-elliott, p_gb: 0.01, p_bg: 0.5}]
    links[0].rate: [10Mbps, 1Gbps]
    hosts[0].tcp.time_wait: [2msl, none]
    hosts[0].tcp.handshake: [three-way, two-way]
    hosts[0].tcp.syn_retries: [unlimited, 3]
    workloads[0].arrivals.poisson: [5/ms, 2/min]
    hosts[0].tcp.mss: [1460, 536]
`
	e, err := config.ParseChecked("si.yaml", []byte(text), Check)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"0.00025", "0.01", "10000000", "2", "three-way", "unlimited", "5000", "1460"},
		{"2", "{model: gilbert-elliott, p_gb: 0.01, p_bg: 0.5}", "1000000000", "0", "two-way", "3", "0.03333333333333333", "536"},
	}
	for pi, p := range e.Points() {
		for i, x := range p.Params {
			if got := ParamValue(p, i); got != want[pi][i] {
				t.Errorf("point %d %s = %q: runs.csv value %q, want %q", pi, x.Path, x.Value, got, want[pi][i])
			}
		}
	}
}
