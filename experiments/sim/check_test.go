package sim

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/engine"
	"tcpsim/experiments/config"
)

// builds reports why a point of a validated experiment does not build: its
// network (hosts with their TCP configs, links, routes) and its workloads,
// as a run makes them.
func builds(e *config.Experiment) error {
	sim := engine.New()
	streams := engine.NewStreams(1, 0)
	net, err := buildNetwork(sim, streams, e)
	if err != nil {
		return err
	}
	_, err = startWorkloads(e, net, newCollector(false), streams)
	return err
}

// mutations are --set overrides a user might write, at boundary and
// random values, on fields of the first host, link and workload.
var mutations = []struct {
	path   string
	values []string
}{
	{"hosts[0].tcp.profile", []string{"rfc9293", "linux"}},
	{"hosts[0].tcp.delayed_ack", []string{"0", "1ns", "200ms", "499ms", "500ms", "2s"}},
	{"hosts[0].tcp.rto_min", []string{"0", "1ms", "1s", "200s"}},
	{"hosts[0].tcp.rto_max", []string{"0", "1ms", "60s"}},
	{"hosts[0].tcp.rto_initial", []string{"0", "1ns", "3s"}},
	{"hosts[0].tcp.syn_rto_initial", []string{"0", "1s"}},
	{"hosts[0].tcp.syn_retries", []string{"0", "1", "6", "unlimited"}},
	{"hosts[0].tcp.synack_retries", []string{"0", "5", "unlimited"}},
	{"hosts[0].tcp.syn_linear_timeouts", []string{"0", "4", "100"}},
	{"hosts[0].tcp.msl", []string{"1ns", "1s", "2min"}},
	{"hosts[0].tcp.time_wait", []string{"none", "2msl", "1ms", "60s"}},
	{"hosts[0].tcp.mss", []string{"0", "1", "536", "65495", "70000"}},
	{"hosts[0].tcp.rcv_window", []string{"0", "1", "64KiB", "65536", "1MiB"}},
	{"hosts[0].tcp.oow_ack_interval", []string{"0", "500ms"}},
	{"hosts[0].tcp.keepalive", []string{"{idle: 0s}", "{idle: 1s, interval: 0s, probes: 0}", "{idle: 1s, interval: 1s, probes: 3}"}},
	{"hosts[0].tcp.backlog", []string{"{syn_queue: 0}", "{syn_queue: 1, accept_queue: 1}"}},
	{"hosts[0].ports", []string{"{range: 1-1}", "{range: 40000-40003, policy: random}"}},
	{"links[0].delay", []string{"0", "1ns", "10ms"}},
	{"links[0].jitter", []string{"{dist: uniform, min: 0ms, max: 5ms}", "{dist: uniform, min: 5ms, max: 1ms}",
		"{dist: pareto, scale: 1ms, shape: 0.5}", "{dist: pareto, scale: 1ms, shape: 1}", "{dist: pareto, scale: 1ms, shape: 2}",
		"{dist: normal, mean: 1ms, stddev: 10ms}", "{dist: exponential, mean: 0s}", "{dist: lognormal, median: 1ms, sigma: 0.5}",
		"{dist: empirical, samples: []}", "{dist: constant, value: 1ms}"}},
	{"links[0].loss", []string{"0", "1", "30%", "{model: gilbert-elliott, p_gb: 0, p_bg: 0.5}",
		"{model: gilbert-elliott, p_gb: 0.01, p_bg: 0}", "{model: gilbert-elliott, p_gb: 0.01, p_bg: 0.3, loss_good: 0, loss_bad: 0}",
		"{model: markov4, p13: 0.6, p14: 0.6, p31: 0.5, p32: 0, p23: 0}", "{model: list, drop: [1, 1]}"}},
	{"links[0].duplicate", []string{"{p: 0}", "{p: 0, hold: 1s}", "{p: 10%, hold: {dist: uniform, min: 1s, max: 2s}}"}},
	{"links[0].reorder", []string{"{p: 0, gap: 2}", "{p: 1%, gap: 2}", "{p: 1%}", "{p: 1%, delay: {dist: constant, value: 0s}}",
		"{p: 1%, gap: 2, delay: {dist: constant, value: 1ms}}"}},
	{"links[0].rate", []string{"0", "1bps", "10Mbps"}},
	{"links[0].queue", []string{"{packets: 0}", "{packets: 10}"}},
	{"links[0].corrupt", []string{"0", "1%", "1"}},
	{"links[0].down", []string{"[{at: 1s, up: 2s}]", "[{at: 2s, up: 1s}]", "[{at: 1s}]"}},
	{"workloads[0].arrivals", []string{"{interval: 0s}", "{poisson: 0/s}", "{closed: {clients: 1, think: {dist: uniform, min: 2s, max: 1s}}}",
		"{closed: {clients: 2, think: {dist: exponential, mean: 1s}}}"}},
}

// validate passing means every sweep point builds: for every good file,
// every catalog file and hundreds of variants of them with fields set to
// boundary and random values, either Load reports a problem or each point
// builds its network and workloads without an error.
func TestValidatePassingMeansItBuilds(t *testing.T) {
	var files []string
	for _, g := range []string{"../../testdata/good/*.yaml", "../catalog/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d files", len(files))
	}
	rng := rand.New(rand.NewPCG(5, 13))
	variants, passed := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// 40 variants of each file (some 800 in all, about a second):
		// enough that every mutation is drawn many times.
		for v := range 40 {
			var sets []string
			if v > 0 {
				for range 1 + rng.IntN(3) {
					m := mutations[rng.IntN(len(mutations))]
					sets = append(sets, m.path+"="+m.values[rng.IntN(len(m.values))])
				}
			}
			variants++
			e, err := config.ParseChecked(f, data, Check, sets...)
			if err != nil {
				continue
			}
			passed++
			for _, p := range e.Points() {
				if err := builds(p.Exp); err != nil {
					t.Errorf("%s with %q validates, but point %d does not build: %v", f, sets, p.Index, err)
				}
			}
		}
	}
	t.Logf("%d variants, %d validated and built", variants, passed)
	// If nearly none validated, the test would check little; if all did,
	// the mutations would not be reaching the rules at all.
	if passed < variants/4 || passed == variants {
		t.Errorf("%d of %d variants validated: the mutations should make some, not all, invalid", passed, variants)
	}
}

// A receive window above 64 KiB turns on window scaling with the smallest
// shift that covers it (RFC 7323 §2.2); 1 GiB is the most a shift of 14
// reaches.
func TestRcvWindowScales(t *testing.T) {
	for _, tt := range []struct {
		window     string
		scale      bool
		shift      uint8
		rcvWindow  uint16
		wantErrMsg string
	}{
		{"32KiB", false, 0, 32768, ""},
		{"64KiB", false, 0, 65535, ""},
		{"1MiB", true, 5, 65535, ""},
		{"1073725440", true, 14, 65535, ""},
		{"1GiB", false, 0, 0, "want at most 1073725440 bytes"},
	} {
		text := "name: w\nhosts: [{name: a, tcp: {rcv_window: " + tt.window + "}}, {name: b}]\n"
		e, err := config.ParseChecked("w.yaml", []byte(text), Check)
		if tt.wantErrMsg != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Errorf("rcv_window %s: error %v, want %q", tt.window, err, tt.wantErrMsg)
			}
			continue
		}
		if err != nil {
			t.Fatalf("rcv_window %s: %v", tt.window, err)
		}
		c, err := TCPConfig(e.Hosts[0])
		if err != nil || c.WindowScale != tt.scale || tt.scale && c.WScale != tt.shift || c.RcvWindow != tt.rcvWindow {
			t.Errorf("rcv_window %s: WindowScale %v shift %d RcvWindow %d (%v), want %v %d %d", tt.window, c.WindowScale, c.WScale, c.RcvWindow, err, tt.scale, tt.shift, tt.rcvWindow)
		}
	}
}
