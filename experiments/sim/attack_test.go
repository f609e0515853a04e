package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// runWorkloads simulates run 0 of an experiment text and returns the run's
// metrics and each workload's metrics (workloads.csv's rows), by
// workload and metric.
func runWorkloads(t *testing.T, text string) (map[string]float64, map[string]map[string]float64) {
	t.Helper()
	e, err := config.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	res, err := Run(context.Background(), e, sweep.Job{Seed: e.Seed}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vals := byName(res.Values)
	perW := map[string]map[string]float64{}
	for i, spec := range e.Workloads {
		perW[spec.Name] = map[string]float64{}
		for k, v := range res.Workloads[i] {
			if math.IsNaN(v) {
				v = 0 // as workloads.csv's empty value read back
			}
			perW[spec.Name][WorkloadMetrics[k]] = v
		}
	}
	return vals, perW
}

const attackHosts = `
seed: 3
hosts:
  - {name: client}
  - {name: attacker}
  - name: server
    tcp: {synack_retries: 2, backlog: {syn_queue: 8, syncookies: %s}}
links:
  - {between: [client, server], delay: 10ms}
  - {between: [attacker, server], delay: 5ms}
`

// TestSharedListener: two workloads on one server:port share its listener
// (issue 14: the second used to fail with "address already in use"), and
// workloads.csv keeps their figures apart while runs.csv sums them.
func TestSharedListener(t *testing.T) {
	text := "name: shared" + strings.Replace(attackHosts, "%s", "off", 1) + `
workloads:
  - {name: a, client: client, server: server:80, arrivals: {interval: 100ms}, count: 7}
  - {name: b, client: attacker, server: server:80, arrivals: {interval: 150ms}, count: 5}
`
	vals, perW := runWorkloads(t, text)
	for _, tc := range []struct {
		workload string
		want     float64
	}{{"a", 7}, {"b", 5}} {
		if got := perW[tc.workload]["conns_closed"]; got != tc.want || perW[tc.workload]["conns_attempted"] != tc.want {
			t.Errorf("workload %s: %v closed of %v attempted, want %v of %v", tc.workload, got, perW[tc.workload]["conns_attempted"], tc.want, tc.want)
		}
	}
	if vals["conns_closed"] != 12 {
		t.Errorf("runs.csv conns_closed = %v, want the sum, 12", vals["conns_closed"])
	}
}

// TestAttackers checks each attacker kind's effect on the listener, with
// the legitimate client's figures kept apart.
func TestAttackers(t *testing.T) {
	tests := []struct {
		name, cookies, attack string
		check                 func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64)
	}{
		{"syn-flood fills the SYN queue", "off", `{name: flood, kind: syn-flood, client: attacker, server: server:80, arrivals: {interval: 10ms}, count: 500}`,
			func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64) {
				if vals["synrcvd_peak"] != 8 || vals["syn_queue_drops"] < 400 {
					t.Errorf("SYN-RECEIVED peak %v, SYN-queue drops %v; want the queue's 8 and hundreds", vals["synrcvd_peak"], vals["syn_queue_drops"])
				}
				if perW["legit"]["conns_syn_retried"] == 0 || perW["flood"]["attack_segments"] != 500 || perW["flood"]["conns_attempted"] != 0 {
					t.Errorf("legit SYNs resent %v, flood segments %v attempts %v; want some, 500, 0",
						perW["legit"]["conns_syn_retried"], perW["flood"]["attack_segments"], perW["flood"]["conns_attempted"])
				}
			}},
		{"syn-flood against cookies", "overflow", `{name: flood, kind: syn-flood, client: attacker, server: server:80, arrivals: {interval: 10ms}, count: 500}`,
			func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64) {
				if vals["syn_queue_drops"] != 0 || vals["cookies_sent"] < 400 || perW["legit"]["conns_syn_retried"] != 0 {
					t.Errorf("drops %v, cookies %v, legit SYNs resent %v; want 0, hundreds, 0",
						vals["syn_queue_drops"], vals["cookies_sent"], perW["legit"]["conns_syn_retried"])
				}
				if perW["legit"]["conns_closed"] != 20 {
					t.Errorf("legit closed %v of 20", perW["legit"]["conns_closed"])
				}
			}},
		{"a botnet bot's own stack resets the SYN-ACKs", "off", `{name: bot, kind: syn-flood, client: attacker, server: server:80, arrivals: {interval: 10ms}, count: 500, attack: {spoof: false}}`,
			func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64) {
				if vals["syn_queue_drops"] != 0 || perW["legit"]["conns_syn_retried"] != 0 {
					t.Errorf("drops %v, legit SYNs resent %v; want 0, 0: each request is freed by the bot's RST", vals["syn_queue_drops"], perW["legit"]["conns_syn_retried"])
				}
			}},
		{"blind data guesses stopped by RFC 5961 §5's ACK check", "off",
			`{name: blind, kind: blind, client: attacker, server: server:80, arrivals: {interval: 20us}, start: 200ms, until: 2s, attack: {target: {workload: legit, conn: 1}, segment: data, guess: step, len: 100}}`,
			func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64) {
				// 90,000 guesses step through the whole space, so one or two
				// land in the window; their acknowledgment numbers, uniform
				// over 2^32, fall in [SND.UNA − MAX.SND.WND, SND.NXT] with
				// probability about 2^16/2^32.
				if perW["blind"]["attack_segments"] < 80000 || vals["stale_bytes_accepted"] != 0 || perW["legit"]["conns_closed"] != 20 {
					t.Errorf("%v guesses, %v injected bytes accepted, %v of 20 closed normally; want ~90,000, 0, 20",
						perW["blind"]["attack_segments"], vals["stale_bytes_accepted"], perW["legit"]["conns_closed"])
				}
			}},
		{"ack-flood fails cookie checks", "always", `{name: acks, kind: ack-flood, client: attacker, server: server:80, arrivals: {interval: 10ms}, count: 300, start: 100ms}`,
			func(t *testing.T, vals map[string]float64, perW map[string]map[string]float64) {
				if vals["cookies_failed"] != 300 || vals["cookies_validated"] != 20 {
					t.Errorf("cookies failed %v, validated %v; want 300, 20", vals["cookies_failed"], vals["cookies_validated"])
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := "name: attack" + strings.Replace(attackHosts, "%s", tc.cookies, 1) + `
workloads:
  - {name: legit, client: client, server: server:80, arrivals: {interval: 250ms}, count: 20, connection: {send: 1KiB, hold: 3s}}
  - ` + tc.attack + "\n"
			vals, perW := runWorkloads(t, text)
			tc.check(t, vals, perW)
		})
	}
}

// randomAttack is a random small experiment with a legitimate workload and
// an attacker of a random kind against it.
func randomAttack(rng *rand.Rand, i int) string {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	fmt.Fprintf(&b, "name: attack-%d\nseed: %d\nhosts:\n  - {name: client, tcp: {profile: %s}}\n  - {name: attacker}\n", i, rng.Uint32(), pick("rfc9293", "linux"))
	fmt.Fprintf(&b, "  - name: server\n    tcp: {profile: %s, challenge_ack: %s, synack_retries: %d, backlog: {syn_queue: %d, syncookies: %s}}\n",
		pick("rfc9293", "linux"), pick("true", "false"), rng.IntN(4), rng.IntN(8), pick("off", "overflow", "always"))
	fmt.Fprintf(&b, "links:\n  - {between: [client, server], delay: %dms, loss: %.1f%%}\n  - {between: [attacker, server], delay: %dms}\n",
		1+rng.IntN(20), rng.Float64()*10, 1+rng.IntN(20))
	fmt.Fprintf(&b, "workloads:\n  - {name: legit, client: client, server: server:80, arrivals: {interval: %dms}, count: %d, connection: {send: %d, receive: %d, close: %s, hold: %dms}}\n",
		1+rng.IntN(200), 1+rng.IntN(10), []int{0, 100, 3000}[rng.IntN(3)], []int{0, 100, 3000}[rng.IntN(3)], pick("client", "server", "both", "abort"), rng.IntN(2000))
	rate := fmt.Sprintf("{interval: %dus}", 50+rng.IntN(5000))
	if rng.IntN(2) == 0 {
		rate = fmt.Sprintf("{poisson: %d/s}", 200+rng.IntN(20000))
	}
	switch kind := pick("syn-flood", "blind", "ack-flood"); kind {
	case "blind":
		fmt.Fprintf(&b, "  - {name: atk, kind: blind, client: attacker, server: server:80, arrivals: %s, start: %dms, until: %dms, attack: {target: {workload: legit, conn: 1}, segment: %s, guess: %s, len: %d}}\n",
			rate, rng.IntN(200), 300+rng.IntN(2000), pick("rst", "syn", "data"), pick("uniform", "step"), 1+rng.IntN(500))
	default:
		fmt.Fprintf(&b, "  - {name: atk, kind: %s, client: attacker, server: server:80, arrivals: %s, until: %dms, attack: {spoof: %s}}\n",
			kind, rate, 100+rng.IntN(2000), pick("true", "false"))
	}
	b.WriteString("record: {connections: true}\n")
	return b.String()
}

// TestRandomAttacksFinish runs random attacks on small servers and checks
// the run's accounting holds under them: every attempt has one outcome,
// the outcomes sum to the attempts, connections.csv agrees, no connection
// is left stuck (runOnce), and workloads.csv's legitimate row carries the
// run's totals (an attacker opens no connection).
func TestRandomAttacksFinish(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 15
	}
	rng := rand.New(rand.NewPCG(14, 5961))
	for i := range n {
		text := randomAttack(rng, i)
		vals, rows := runOnce(t, text)
		_, perW := runWorkloads(t, text)
		sum := 0.0
		for _, m := range outcomeMetrics {
			sum += vals[m]
		}
		if sum != vals["conns_attempted"] || float64(len(rows)) != sum {
			t.Errorf("attack %d: outcomes sum to %v, %v attempted, %d rows\n%s", i, sum, vals["conns_attempted"], len(rows), text)
		}
		for _, m := range []string{"conns_attempted", "conns_established", "conns_closed", "conns_reset", "conns_timed_out"} {
			if perW["legit"][m] != vals[m] || perW["atk"][m] != 0 {
				t.Errorf("attack %d: %s legit %v, attacker %v, run %v\n%s", i, m, perW["legit"][m], perW["atk"][m], vals[m], text)
			}
		}
		if vals["attack_segments"] == 0 || perW["atk"]["attack_segments"] != vals["attack_segments"] {
			t.Errorf("attack %d: attack segments %v in the run, %v for the attacker\n%s", i, vals["attack_segments"], perW["atk"]["attack_segments"], text)
		}
		if t.Failed() {
			return
		}
	}
}
