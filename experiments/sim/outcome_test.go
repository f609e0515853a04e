package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// runOnce parses an experiment text and simulates its run 0, with
// connections.csv's rows written to a part file; it returns the metrics by
// name and the rows.
func runOnce(t *testing.T, text string) (map[string]float64, []map[string]string) {
	t.Helper()
	e, err := config.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	j := sweep.Job{Seed: uint64(e.Seed)}
	var conns bytes.Buffer
	opts := Options{}
	if e.Record.Connections {
		opts.Connections = &conns
	}
	res, err := Run(context.Background(), e, j, opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	vals := byName(res.Values)
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(conns.String()), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, ",")
		row := map[string]string{}
		for i, name := range ConnectionColumns {
			row[name] = f[i]
		}
		rows = append(rows, row)
	}
	if res.StuckTotal > 0 {
		t.Errorf("%d stuck connections: %s\n%s", res.StuckTotal, strings.Join(res.Stuck, "; "), text)
	}
	return vals, rows
}

// Injections select a connection's segments from its very first SYN on: a
// drop of the first k SYNs of connection 1 (by conn and ordinal) delays its
// establishment by the linux profile's SYN schedule, 1, 2, 3, 4, 5, 7 s
// (tcp_syn_linear_timeouts = 4: five 1 s timeouts, then doubling).
func TestInjectionDropsFirstSYNs(t *testing.T) {
	want := []float64{1, 2, 3, 4, 5, 7}
	for k := 1; k <= len(want); k++ {
		var inj strings.Builder
		for o := 1; o <= k; o++ {
			fmt.Fprintf(&inj, "  - drop: {match: {flags: S, workload: web, conn: 1, direction: c2s, ordinal: %d}}\n", o)
		}
		text := fmt.Sprintf(`name: drop-syns
hosts:
  - {name: client, tcp: {profile: linux}}
  - {name: server, tcp: {profile: linux}}
links:
  - {between: [client, server], delay: 1ms}
workloads:
  - {name: web, client: client, server: server:80, arrivals: {times: [0]},
     connection: {close: client}}
record: {connections: true}
injections:
%s`, inj.String())
		vals, rows := runOnce(t, text)
		hs := want[k-1] + 0.002 // the SYN that gets through, plus one round trip
		if got := vals["handshake_mean_s"]; math.Abs(got-hs) > 1e-6 {
			t.Errorf("%d SYNs dropped: connect time %v s, want %v s", k, got, hs)
		}
		if got := vals["syn_retransmits"]; got != float64(k) {
			t.Errorf("%d SYNs dropped: %v SYN retransmissions, want %d", k, got, k)
		}
		if len(rows) != 1 || rows[0]["syn_retransmits"] != fmt.Sprint(k) || rows[0]["outcome"] != "closed" {
			t.Errorf("%d SYNs dropped: connections.csv %v, want one closed connection with %d SYN retransmissions", k, rows, k)
		}
	}
}

// outcomeMetrics are the runs.csv columns of the outcomes, which sum to
// conns_attempted, by their connections.csv names.
var outcomeMetrics = map[string]string{
	outcomeClosed: "conns_closed", outcomeRefused: "conns_refused", outcomeTimedOut: "conns_timed_out",
	outcomeReset: "conns_reset", outcomeNoPort: "conns_no_port", outcomeUnfinished: "conns_unfinished",
}

// randomExperiment writes a small experiment with random impairments,
// profiles, scripts and closing modes.
func randomExperiment(rng *rand.Rand, i int) string {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	pct := func(max float64) string { return fmt.Sprintf("%.1f%%", rng.Float64()*max) }
	var b strings.Builder
	fmt.Fprintf(&b, "name: random-%d\nseed: %d\nhosts:\n", i, rng.Uint32())
	for _, h := range []string{"client", "server"} {
		fmt.Fprintf(&b, "  - {name: %s, tcp: {profile: %s, msl: %s}}\n", h, pick("rfc9293", "linux"), pick("1s", "5s", "30s"))
	}
	fmt.Fprintf(&b, "links:\n  - between: [client, server]\n    delay: %dms\n    loss: %s\n", 1+rng.IntN(50), pct(30))
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "    duplicate: {p: %s}\n", pct(10))
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "    reorder: {p: %s, gap: %d}\n", pct(20), 1+rng.IntN(3))
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "    jitter: {dist: uniform, min: 0ms, max: %dms}\n", 1+rng.IntN(20))
	}
	size := func() int { return []int{0, 0, 0, 1, 1000, 1460, 5000, 20000}[rng.IntN(8)] }
	fmt.Fprintf(&b, `workloads:
  - name: w
    client: client
    server: server:80
    arrivals: {interval: %dms}
    count: %d
    connection: {send: %d, receive: %d, close: %s, hold: %dms}
record: {connections: true}
`, 1+rng.IntN(100), 1+rng.IntN(12), size(), size(), pick("client", "server", "both", "abort", "none"), rng.IntN(50))
	return b.String()
}

// Hundreds of small random experiments run to their end with no stuck
// connection, every attempt has exactly one outcome, and the outcome
// columns sum to conns_attempted and agree with connections.csv. This is
// the test that would have caught connections left in CLOSE-WAIT and
// FIN-WAIT-2 when a FIN completed the handshake.
func TestRandomExperimentsFinish(t *testing.T) {
	// Issue 11 asks for at least 300 in the normal budget (320 take well
	// under a second); -short keeps a fifth of them.
	n := 320
	if testing.Short() {
		n = 60
	}
	rng := rand.New(rand.NewPCG(11, 29))
	for i := range n {
		text := randomExperiment(rng, i)
		vals, rows := runOnce(t, text)
		sum := 0.0
		counted := map[string]int{}
		for _, r := range rows {
			counted[r["outcome"]]++
		}
		for o, m := range outcomeMetrics {
			sum += vals[m]
			if float64(counted[o]) != vals[m] {
				t.Errorf("experiment %d: %s = %v but connections.csv has %d %s rows\n%s", i, m, vals[m], counted[o], o, text)
			}
			delete(counted, o)
		}
		if len(counted) > 0 {
			t.Errorf("experiment %d: connections.csv has outcomes outside the table: %v", i, counted)
		}
		if sum != vals["conns_attempted"] || float64(len(rows)) != sum {
			t.Errorf("experiment %d: outcomes sum to %v, %v attempted, %d rows\n%s", i, sum, vals["conns_attempted"], len(rows), text)
		}
		// The run drained: a client still open is held by `close: none` or
		// is the live end of a half-open connection (its server gave up).
		if !strings.Contains(text, "close: none") && vals["conns_unfinished"] > vals["half_open_at_end"] {
			t.Errorf("experiment %d: %v connections unfinished after the run drained, only %v of them half-open\n%s",
				i, vals["conns_unfinished"], vals["half_open_at_end"], text)
		}
		if t.Failed() {
			return
		}
	}
}

// A run that records connections.csv keeps each client's record until its
// TIME-WAIT ends; one that does not unbinds it when TIME-WAIT begins (where
// the links neither duplicate nor reorder). Both give the same metrics and
// per-workload figures on random experiments, and on them with the links'
// duplication, reordering and jitter taken out so that the records go early.
func TestTimeWaitRecordsDoNotChangeResults(t *testing.T) {
	n := 160
	if testing.Short() {
		n = 40
	}
	rng := rand.New(rand.NewPCG(17, 31))
	for i := range n {
		text := randomExperiment(rng, i)
		if i%2 == 0 {
			var kept []string
			for _, l := range strings.Split(text, "\n") {
				if !strings.Contains(l, "duplicate:") && !strings.Contains(l, "reorder:") && !strings.Contains(l, "jitter:") {
					kept = append(kept, l)
				}
			}
			text = strings.Join(kept, "\n")
		}
		e, err := config.Parse("test.yaml", []byte(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		j := sweep.Job{Seed: uint64(e.Seed)}
		var got [2]*Result
		for k, opts := range []Options{{}, {Connections: io.Discard}} {
			if got[k], err = Run(context.Background(), e, j, opts); err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			got[k].Values[metricIndex["wall_s"]] = 0
		}
		if fmt.Sprint(got[0].Values) != fmt.Sprint(got[1].Values) || fmt.Sprint(got[0].Workloads) != fmt.Sprint(got[1].Workloads) {
			t.Fatalf("experiment %d: without connections.csv\n%v\n%v\nwith it\n%v\n%v\n%s", i,
				got[0].Values, got[0].Workloads, got[1].Values, got[1].Workloads, text)
		}
	}
}
