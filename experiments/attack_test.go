package experiments

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// runWorkloads simulates run 0 of an experiment text and returns the run's
// metrics and each workload's row of workloads.csv, by workload and metric.
func runWorkloads(t *testing.T, text string) (map[string]float64, map[string]map[string]float64) {
	t.Helper()
	e, err := config.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	parts := t.TempDir()
	res, err := simulateRun(context.Background(), e, sweep.Job{Seed: e.Seed}, parts, nil)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]float64{}
	for i, c := range MetricColumns {
		vals[c.Name] = res.values[i]
	}
	perW := map[string]map[string]float64{}
	b, err := os.ReadFile(partName(parts, "workloads", 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",")
		if perW[f[2]] == nil {
			perW[f[2]] = map[string]float64{}
		}
		v, _ := strconv.ParseFloat(f[5], 64)
		perW[f[2]][f[4]] = v
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
