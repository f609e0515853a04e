package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"tcpsim/experiments"
	"tcpsim/experiments/config"
	"tcpsim/experiments/metric"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
)

func version() string { return experiments.Version }

// load reads and validates an experiment file ("-": standard input),
// printing every problem.
func load(path string, sets []string, stderr io.Writer) (*config.Experiment, bool) {
	var e *config.Experiment
	var err error
	if path == "-" {
		e, err = loadStdin(sets)
	} else {
		e, err = experiments.Load(path, sets...)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, false
	}
	return e, true
}

// printSummary tells a person what happened, per sweep point.
func printSummary(w io.Writer, e *config.Experiment, out *sweep.Outcome, dir string) {
	points := e.Points()
	perW, err := experiments.ReadWorkloadMeans(dir)
	if err != nil {
		fmt.Fprintf(w, "warning: %v\n", err)
	}
	shown := 0
	for p := range points {
		est := func(m string) results.Estimate { v, _ := out.Summary.Lookup(p, m); return v }
		if est("conns_attempted").N == 0 {
			continue // another shard's point
		}
		if shown == 10 {
			fmt.Fprintf(w, "… %d more points in %s/summary.csv\n", len(points)-shown, dir)
			break
		}
		shown++
		label := e.Name
		if len(points) > 1 {
			label = fmt.Sprintf("point %d (%s)", p, points[p].String())
		}
		n := est("conns_attempted").N
		fmt.Fprintf(w, "%s: %d run(s), per run on average:\n", label, n)
		att := est("conns_attempted").Mean
		pct := func(v float64) string {
			if att <= 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f%%", 100*v/att)
		}
		estab := est("conns_established").Mean
		fmt.Fprintf(w, "  established  %s of %s attempted (%s)\n", num(estab), num(att), pct(estab))
		// Every non-zero outcome; together they are the attempts.
		var ends []string
		for _, o := range summaryOutcomes {
			if v := est(o.metric).Mean; v != 0 {
				ends = append(ends, fmt.Sprintf("%s %s (%s)", o.label, num(v), pct(v)))
			}
		}
		if len(ends) == 0 {
			ends = []string{"none"}
		}
		fmt.Fprintf(w, "  outcomes     %s\n", strings.Join(ends, ", "))
		if v := est("conns_stuck").Mean; v != 0 {
			fmt.Fprintf(w, "  STUCK        %s connection ends that nothing will ever move, with both ends alive (see the warnings)\n", num(v))
		}
		if v := est("stuck_after_stale").Mean; v != 0 {
			fmt.Fprintf(w, "  wedged       %s connection ends left unable to move by a segment of an earlier incarnation\n", num(v))
		}
		if v := est("half_open_at_end").Mean; v != 0 {
			fmt.Fprintf(w, "  left open    %s half-open ends at the end (their peer is gone: a lost RST or FIN, a ghost)\n", num(v))
		}
		fmt.Fprintf(w, "  ghosts       %s established for no live client\n", num(est("ghost_established").Mean))
		fmt.Fprintf(w, "  stale data   %s bytes of an earlier incarnation accepted\n", num(est("stale_bytes_accepted").Mean))
		fmt.Fprintf(w, "  half-open    %s detected and reset\n", num(est("half_open_detected").Mean))
		if v := est("old_duplicate_resets").Mean; v != 0 {
			fmt.Fprintf(w, "  old SYNs     %s SYN-ACKs of old duplicate SYNs answered with a RST (RFC 9293 Figure 8)\n", num(v))
		}
		fmt.Fprintf(w, "  TIME-WAIT    %s assassinated, peak %s (%s on servers)\n", num(est("timewait_assassinations").Mean),
			num(est("timewait_peak").Mean), num(est("timewait_peak_server").Mean))
		// The pooled p99 (the 99th percentile of every run's connections
		// together), not the mean of the runs' p99s: the figure a reader of
		// "p99" expects, the same whatever the number of replications.
		fmt.Fprintf(w, "  handshake    mean %s of established connections; p99 %s (all runs' connections pooled, within 0.39 %%)\n",
			secs(est("handshake_mean_s").Mean), secs(est("handshake_p99_pooled_s").Mean))
		printDefences(w, est)
		printWorkloads(w, perW[p])
	}
	fmt.Fprintf(w, "results: %s (%d runs)\n", dir, len(out.Runs.Rows))
}

// summaryOutcomes are the outcome metrics, which sum to conns_attempted,
// with their words in the console summary ("timed out").
var summaryOutcomes = func() []struct{ metric, label string } {
	var out []struct{ metric, label string }
	for _, d := range metric.Table {
		if d.Outcome {
			out = append(out, struct{ metric, label string }{d.Name, strings.TrimPrefix(strings.ToLower(d.Label), "connections ")})
		}
	}
	return out
}()

func num(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func secs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v < 1:
		return fmt.Sprintf("%.3f ms", v*1e3)
	}
	return fmt.Sprintf("%.3f s", v)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && !strings.Contains(os.Getenv("TERM"), "dumb")
}

// printDefences gives the listeners' defence counters when any is not 0.
func printDefences(w io.Writer, est func(string) results.Estimate) {
	names := []string{"syn_queue_drops", "syn_backlog_drops", "listen_overflows", "cookies_sent", "cookies_validated", "cookies_failed"}
	var parts []string
	for _, m := range names {
		if v := est(m).Mean; v != 0 {
			parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(m, "_", " "), num(v)))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  listeners    %s\n", strings.Join(parts, ", "))
	}
}

// printWorkloads gives one line per workload (issue 14: an attacker's
// failures must not drown the legitimate clients'), from workloads.csv.
func printWorkloads(w io.Writer, ws []experiments.WorkloadMean) {
	for _, x := range ws {
		m := x.Mean
		if x.Kind != "connections" {
			fmt.Fprintf(w, "  workload     %s (%s): %s segments sent\n", x.Name, x.Kind, num(m["attack_segments"]))
			continue
		}
		att, est := m["conns_attempted"], m["conns_established"]
		pct := "-"
		if att > 0 {
			pct = fmt.Sprintf("%.1f%%", 100*est/att)
		}
		fmt.Fprintf(w, "  workload     %s: established %s of %s (%s), handshake mean %s, reset %s, timed out %s\n",
			x.Name, num(est), num(att), pct, secs(m["handshake_mean_s"]), num(m["conns_reset"]), num(m["conns_timed_out"]))
	}
}
