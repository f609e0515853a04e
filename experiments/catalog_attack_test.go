package experiments

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/sweep"
	"tcpsim/plots"
)

// catalogPoint loads a catalog experiment with sets and returns its sweep
// point whose swept values are want (path → value).
func catalogPoint(t *testing.T, name string, want map[string]string, sets ...string) *config.Experiment {
	t.Helper()
	e, err := config.Load(filepath.Join("catalog", name+".yaml"), sets...)
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

// runPoint simulates replications 0..n-1 of one point and returns each
// run's metrics by name.
func runPoint(t *testing.T, e *config.Experiment, n int) []map[string]float64 {
	t.Helper()
	var out []map[string]float64
	for r := range n {
		res, err := sim.Run(context.Background(), e, sweep.Job{Seed: e.Seed + uint64(r)*7919, Replication: r}, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for i, c := range metricColumns {
			m[c.Name] = res.Values[i]
		}
		out = append(out, m)
	}
	return out
}

// TestCatalogSynFlood: with cookies off, the fraction of legitimate SYNs a
// spoofed Poisson flood makes the server drop agrees with Erlang's loss
// formula B(K, λT), the curve the figure draws; with cookies on overflow
// none is dropped and the handshake stays one round trip. The runs are
// shortened (120 s of legitimate traffic).
func TestCatalogSynFlood(t *testing.T) {
	const rate, cookies, queue = "workloads[1].arrivals.poisson", "hosts[2].tcp.backlog.syncookies", "hosts[2].tcp.backlog.syn_queue"
	sets := []string{"stop.time=150s", "workloads[0].until=140s", "workloads[1].until=150s"}
	for _, tc := range []struct {
		rate, cookies, queue string
		want                 float64 // Erlang B, or 0 with cookies
	}{
		{"4/s", "off", "16", plots.ErlangB(16, 4*7)},
		{"16/s", "off", "64", plots.ErlangB(64, 16*7)},
		{"16/s", "off", "16", plots.ErlangB(16, 16*7)},
		{"16/s", "overflow", "16", 0},
	} {
		e := catalogPoint(t, "syn-flood", map[string]string{rate: tc.rate, cookies: tc.cookies, queue: tc.queue}, sets...)
		runs := runPoint(t, e, 2)
		got := (runs[0]["syn_retried_frac"] + runs[1]["syn_retried_frac"]) / 2
		if math.Abs(got-tc.want) > 0.08 {
			t.Errorf("rate %s, cookies %s, queue %s: %.3f of legitimate SYNs dropped, Erlang B = %.3f", tc.rate, tc.cookies, tc.queue, got, tc.want)
		}
		if tc.cookies == "overflow" {
			for _, m := range runs {
				if m["cookies_sent"] < 100 || m["syn_queue_drops"] != 0 || math.Abs(m["handshake_mean_s"]-0.020) > 1e-9 {
					t.Errorf("cookies on overflow: %v cookies, %v drops, handshake %v s; want hundreds, 0, one round trip (0.020)",
						m["cookies_sent"], m["syn_queue_drops"], m["handshake_mean_s"])
				}
			}
		} else if runs[0]["handshake_mean_s"] < 0.2 {
			t.Errorf("cookies off: mean handshake %v s, want the blocked SYNs' 1 s timeouts to show", runs[0]["handshake_mean_s"])
		}
	}
}

// TestCatalogBlind: a blind attacker that steps through the sequence space
// one receive window at a time must land in the window within 2^32/W
// guesses, so without RFC 5961 it kills the victim in every run; with RFC
// 5961 it never does (a RST acts only at exactly RCV.NXT, a SYN never), and
// its in-window guesses draw challenge ACKs instead. 160,000 guesses at
// 16,000/s cover the 2^32/65535 = 65,537 a 64 KiB window needs.
func TestCatalogBlind(t *testing.T) {
	for _, name := range []string{"blind-reset", "blind-syn"} {
		for _, tc := range []struct {
			challenge string
			wantReset float64
		}{{"false", 1}, {"true", 0}} {
			e := catalogPoint(t, name, map[string]string{"workloads[1].arrivals.poisson": "16000/s",
				"hosts[1].tcp.rcv_window": "64KiB", "hosts[1].tcp.challenge_ack": tc.challenge}, "workloads[1].attack.guess=step")
			for _, m := range runPoint(t, e, 2) {
				if m["reset_frac"] != tc.wantReset || m["attack_segments"] < 150000 {
					t.Errorf("%s, challenge_ack %s: victim reset %v after %v guesses, want %v", name, tc.challenge, m["reset_frac"], m["attack_segments"], tc.wantReset)
				}
				// Under blind-syn the ACKs answering out-of-window guesses
				// use up the 500 ms limit the challenge ACKs share with
				// them (Linux's tcp_oow_rate_limited likewise).
				if name == "blind-reset" && tc.challenge == "true" && m["challenge_acks"] < 1 {
					t.Errorf("%s with RFC 5961: %v challenge ACKs, want at least one", name, m["challenge_acks"])
				}
			}
		}
	}
}
