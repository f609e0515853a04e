package experiments

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// catalogRun runs a catalog experiment, scaled down by sets, into a
// temporary directory.
func catalogRun(t *testing.T, name string, sets ...string) (*config.Experiment, *sweep.Outcome, string) {
	t.Helper()
	e, err := config.Load(filepath.Join("catalog", name+".yaml"), sets...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, err := Run(context.Background(), e, Options{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Complete {
		t.Fatalf("%s: sweep not complete", name)
	}
	return e, out, dir
}

// mean is a metric's mean over a point's replications.
func mean(t *testing.T, out *sweep.Outcome, point int, metric string) float64 {
	t.Helper()
	est, ok := out.Summary.Lookup(point, metric)
	if !ok {
		t.Fatalf("no %s for point %d", metric, point)
	}
	return est.Mean
}

// perRun returns a metric's value in every run of a point.
func perRun(t *testing.T, out *sweep.Outcome, point int, metric string) []float64 {
	t.Helper()
	vs := out.Runs.Column(metric, point)
	if len(vs) == 0 {
		t.Fatalf("no %s for point %d", metric, point)
	}
	return vs
}

// connections reads connections.csv as records keyed by column name.
func connections(t *testing.T, dir string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "connections.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

// Each catalog experiment shows the effect its comment promises. They run
// scaled down where the full size takes more than a fraction of a second.

func TestCatalogOldDuplicateSYN(t *testing.T) {
	// Point 0: the three-way handshake; point 1: the two-way ablation.
	_, out, _ := catalogRun(t, "old-duplicate-syn", "replications=2")
	for _, v := range perRun(t, out, 0, "ghost_established") {
		if v != 0 {
			t.Errorf("three-way handshake: %v ghosts in a run, want 0", v)
		}
	}
	ghosts := perRun(t, out, 1, "ghost_established")
	for _, v := range ghosts {
		if v < 100 {
			t.Errorf("two-way handshake: %v ghosts in a run, want hundreds", v)
		}
	}
	for p := range 2 {
		if a, e := mean(t, out, p, "conns_attempted"), mean(t, out, p, "conns_established"); a != 20000 || e != a {
			t.Errorf("point %d: %v of %v established, want all 20000", p, e, a)
		}
		if v := mean(t, out, p, "half_open_detected"); v < 1000 {
			t.Errorf("point %d: %v old SYNs caught by the client's RST, want thousands", p, v)
		}
	}
	// two-way-handshake.yaml is point 1 on its own: with common random
	// numbers its runs are the same runs.
	_, two, _ := catalogRun(t, "two-way-handshake", "replications=2")
	if got := perRun(t, two, 0, "ghost_established"); !slices.Equal(got, ghosts) {
		t.Errorf("two-way-handshake.yaml: ghosts %v, old-duplicate-syn.yaml point 1: %v; want the same runs", got, ghosts)
	}
}

func TestCatalogTimeWaitLength(t *testing.T) {
	_, out, _ := catalogRun(t, "time-wait-length")
	// 2msl, 200ms and none are TIME-WAIT lengths of 2, 0.2 and 0 s in
	// runs.csv (the figure's x axis in seconds: see package figures).
	if got := strings.Join(out.Runs.Params, ","); got != "hosts[0].tcp.time_wait" {
		t.Errorf("runs.csv parameters %s", got)
	} else if vals := []string{out.Runs.Rows[0].Params[0], out.Runs.Rows[len(out.Runs.Rows)-1].Params[0]}; vals[0] != "2" || vals[1] != "0" {
		t.Errorf("runs.csv time_wait values %v, want 2 (2·MSL of 1 s) and 0 (none)", vals)
	}
	for _, v := range perRun(t, out, 0, "stale_bytes_accepted") {
		if v != 0 {
			t.Errorf("TIME-WAIT 2·MSL: %v stale bytes accepted, want 0", v)
		}
	}
	for p, tw := range map[int]string{1: "200ms", 2: "none"} {
		if v := mean(t, out, p, "stale_bytes_accepted"); v < 1000 {
			t.Errorf("TIME-WAIT %s: %v stale bytes accepted, want thousands", tw, v)
		}
	}
	// The price of safety: ports stay in TIME-WAIT, connects find none free.
	np := []float64{mean(t, out, 0, "conns_no_port"), mean(t, out, 1, "conns_no_port"), mean(t, out, 2, "conns_no_port")}
	if !(np[0] > np[1] && np[1] > np[2]) {
		t.Errorf("conns_no_port %v, want decreasing with TIME-WAIT's length", np)
	}
}

// The catalog's exact effects: a metric's mean at a sweep point.
func TestCatalogExactEffects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sets   []string
		point  int
		metric string
		want   float64
		why    string
	}{
		{"time-wait-assassination", []string{"workloads[0].count=40"}, 0, "timewait_assassinations", 40, "without RFC 1337 every TIME-WAIT dies"},
		{"time-wait-assassination", []string{"workloads[0].count=40"}, 1, "timewait_assassinations", 0, "with RFC 1337 none does"},
		{"busy-server", []string{"workloads[0].count=1000"}, 0, "timewait_peak_server", 1000, "the server closes: it holds every TIME-WAIT"},
		{"busy-server", []string{"workloads[0].count=1000"}, 1, "timewait_peak_server", 0, "the client closes: the server holds none"},
		{"busy-server", []string{"workloads[0].count=1000"}, 1, "timewait_peak", 1000, "the client holds them all"},
		{"half-open", nil, 0, "conns_reset", 50, "every connection is found half-open and reset"},
		{"simultaneous-open", []string{"replications=1"}, 0, "conns_established", 100, "every crossing pair of SYNs connects"},
		{"simultaneous-close", []string{"replications=1", "workloads[0].count=50"}, 0, "timewait_peak", 100, "both ends of 50 connections enter TIME-WAIT"},
	} {
		_, out, _ := catalogRun(t, tc.name, tc.sets...)
		if got := mean(t, out, tc.point, tc.metric); got != tc.want {
			t.Errorf("%s point %d: %s = %v, want %v: %s", tc.name, tc.point, tc.metric, got, tc.want, tc.why)
		}
	}
}

func TestCatalogHalfOpen(t *testing.T) {
	_, out, dir := catalogRun(t, "half-open")
	if v := mean(t, out, 0, "half_open_detected"); v < 50 {
		t.Errorf("%v half-open connections detected, want 50", v)
	}
	for _, c := range connections(t, dir) {
		if c["outcome"] != "reset" || c["established_s"] == "" {
			t.Fatalf("connection %s: outcome %s, established at %q, want reset after being established", c["conn"], c["outcome"], c["established_s"])
		}
	}
}

func TestCatalogSimultaneousOpenAndClose(t *testing.T) {
	_, _, odir := catalogRun(t, "simultaneous-open", "replications=1")
	for _, c := range connections(t, odir) {
		for _, side := range []string{"client_states", "server_states"} {
			if !strings.HasPrefix(c[side], "SYN-SENT@") || !strings.Contains(c[side], ";SYN-RECEIVED@") {
				t.Fatalf("connection %s %s = %s, want SYN-SENT then SYN-RECEIVED", c["conn"], side, c[side])
			}
		}
	}
	_, _, cdir := catalogRun(t, "simultaneous-close", "replications=1", "workloads[0].count=50")
	for _, c := range connections(t, cdir) {
		for _, side := range []string{"client_states", "server_states"} {
			if !strings.Contains(c[side], "FIN-WAIT-1@") || !strings.Contains(c[side], ";CLOSING@") || !strings.Contains(c[side], ";TIME-WAIT@") {
				t.Fatalf("connection %s %s = %s, want FIN-WAIT-1, CLOSING, TIME-WAIT", c["conn"], side, c[side])
			}
		}
	}
}

func TestCatalogHandshakeUnderLoss(t *testing.T) {
	_, out, dir := catalogRun(t, "handshake-under-loss", "replications=2", "workloads[0].count=200")
	if v := mean(t, out, 0, "handshake_mean_s"); math.Abs(v-0.020) > 1e-9 {
		t.Errorf("no loss: mean handshake %v s, want one round trip, 0.020", v)
	}
	prev := 0.0
	for p := range 6 {
		v := mean(t, out, p, "handshake_mean_s")
		if v < prev {
			t.Errorf("point %d: mean handshake %v s below the lower loss rate's %v", p, v, prev)
		}
		prev = v
	}
	if v := mean(t, out, 5, "handshake_mean_s"); v < 0.3 {
		t.Errorf("20%% loss: mean handshake %v s, want several hundred ms", v)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Error(err)
	}
}

// The catalog leaves no connection stuck.
func TestCatalogNoStuckConnections(t *testing.T) {
	files, err := filepath.Glob("catalog/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no catalog files", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if name == "million-connections" || name == "hundred-million" {
			continue // the scale runs; their smaller siblings cover the same paths
		}
		e, out, _ := catalogRun(t, name, "replications=1")
		for p := range e.Points() {
			if v := mean(t, out, p, "conns_stuck"); v != 0 {
				t.Errorf("%s point %d: %v stuck connections", name, p, v)
			}
		}
	}
}
