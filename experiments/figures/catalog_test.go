package figures

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments"
	"tcpsim/experiments/config"
	"tcpsim/plots"
)

// The figure halves of package experiments' catalog tests: the catalog's
// figures draw from its results, and the analytic curves they add are the
// formulas the simulations are checked against.

// catalogResults runs a catalog experiment, scaled down by sets, into a
// temporary result directory.
func catalogResults(t *testing.T, name string, sets ...string) string {
	t.Helper()
	e, err := config.Load(filepath.Join("..", "catalog", name+".yaml"), sets...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, err := experiments.Run(context.Background(), e, experiments.Options{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Complete {
		t.Fatalf("%s: sweep not complete", name)
	}
	return dir
}

// catalogPoint loads a catalog experiment with sets and returns its sweep
// point whose swept values are want (path → value).
func catalogPoint(t *testing.T, name string, want map[string]string, sets ...string) *config.Experiment {
	t.Helper()
	e, err := config.Load(filepath.Join("..", "catalog", name+".yaml"), sets...)
	if err != nil {
		t.Fatal(err)
	}
next:
	for _, p := range e.Points() {
		for _, x := range p.Params {
			if v, ok := want[x.Path]; ok && v != x.Value {
				continue next
			}
		}
		return p.Exp
	}
	t.Fatalf("%s: no sweep point %v", name, want)
	return nil
}

func TestCatalogOldDuplicateSYNFigures(t *testing.T) {
	dir := catalogResults(t, "old-duplicate-syn", "replications=2")
	if files, err := DrawPlots(dir, "svg"); err != nil || len(files) != 3 {
		t.Errorf("DrawPlots = %v, %v; want ghosts-vs-handshake, states-over-time and ladder-old-duplicate-syn", files, err)
	}
}

func TestCatalogTimeWaitLengthFigure(t *testing.T) {
	dir := catalogResults(t, "time-wait-length")
	// 2msl, 200ms and none are TIME-WAIT lengths of 2, 0.2 and 0 s in
	// runs.csv, so its plot has a numeric x axis in seconds.
	if files, err := DrawPlots(dir, "svg"); err != nil || len(files) != 1 {
		t.Errorf("DrawPlots = %v, %v; want the stale-vs-timewait figure", files, err)
	} else if svg, err := os.ReadFile(files[0]); err != nil || !strings.Contains(string(svg), "TIME-WAIT length at client (s)") {
		t.Errorf("%s lacks the x label in seconds (%v)", files[0], err)
	}
}

// TestSynFloodModel: the syn-flood figure's curve, with cookies off, is
// Erlang's loss formula B(K, λT) that experiments' TestCatalogSynFlood
// checks the simulated drops against (T = 7 s: the server's request lives
// through synack_retries 2).
func TestSynFloodModel(t *testing.T) {
	const rate, cookies, queue = "workloads[1].arrivals.poisson", "hosts[2].tcp.backlog.syncookies", "hosts[2].tcp.backlog.syn_queue"
	sets := []string{"stop.time=150s", "workloads[0].until=140s", "workloads[1].until=150s"}
	for _, tc := range []struct {
		rate, queue string
		want        float64
	}{
		{"4/s", "16", plots.ErlangB(16, 4*7)},
		{"16/s", "64", plots.ErlangB(64, 16*7)},
		{"16/s", "16", plots.ErlangB(16, 16*7)},
	} {
		e := catalogPoint(t, "syn-flood", map[string]string{rate: tc.rate, cookies: "off", queue: tc.queue}, sets...)
		name, curve, ok := attackModel("syn_retried_frac", e, 1, false)
		r, _ := config.ParseArrivalRate(tc.rate)
		if !ok || math.Abs(curve(float64(r))-tc.want) > 1e-12 {
			t.Errorf("%v: the figure's model %q gives %v, want B = %v", tc, name, curve(float64(r)), tc.want)
		}
	}
}

// TestBlindModel: the blind attacks' figure gives a certain reset to an
// attacker that steps one receive window at a time through the sequence
// space without RFC 5961 (160,000 guesses cover the 65,537 a 64 KiB window
// needs), and none with it, as experiments' TestCatalogBlind simulates.
func TestBlindModel(t *testing.T) {
	for _, name := range []string{"blind-reset", "blind-syn"} {
		for _, tc := range []struct {
			challenge string
			wantReset float64
		}{{"false", 1}, {"true", 0}} {
			e := catalogPoint(t, name, map[string]string{"workloads[1].arrivals.poisson": "16000/s",
				"hosts[1].tcp.rcv_window": "64KiB", "hosts[1].tcp.challenge_ack": tc.challenge}, "workloads[1].attack.guess=step")
			_, curve, ok := attackModel("reset_frac", e, 1, false)
			if !ok || math.Abs(curve(16000)-tc.wantReset) > 1e-4 {
				t.Errorf("%s, challenge_ack %s: the figure's model gives %v, want %v", name, tc.challenge, curve(16000), tc.wantReset)
			}
		}
	}
}
