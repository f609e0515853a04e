package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"tcpsim/experiments"
	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
)

func version() string { return experiments.Version }

// load reads and validates an experiment file, printing every problem.
func load(path string, sets []string, stderr io.Writer) (*config.Experiment, bool) {
	e, err := config.Load(path, sets...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, false
	}
	return e, true
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	var sets listFlag
	fs.Var(&sets, "set", "override a field: path=value (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(stderr, "validate takes one file, got %d arguments", len(pos))
	}
	e, ok := load(pos[0], sets, stderr)
	if !ok {
		return exitUsage
	}
	pts := len(e.Points())
	fmt.Fprintf(stdout, "%s: ok: experiment %q, %d hosts, %d links, %d workloads; %d sweep points × %s replications\n",
		pos[0], e.Name, len(e.Hosts), len(e.Links), len(e.Workloads), pts, e.Replications)
	return 0
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", stderr)
	var sets listFlag
	dir := fs.String("o", "", "result directory (default results/NAME)")
	jobs := fs.Int("jobs", 0, "parallel runs (default: number of CPUs)")
	shardFlag := fs.String("shard", "", "run only shard I of N (I/N)")
	shards := fs.Int("shards", 0, "number of shards when the index comes from JOB_COMPLETION_INDEX")
	quiet := fs.Bool("quiet", false, "no progress reports")
	fs.Var(&sets, "set", "override a field: path=value (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(stderr, "run takes one file, got %d arguments", len(pos))
	}
	if *jobs < 0 {
		return usageError(stderr, "--jobs %d: want a number of workers ≥ 1 (0 for one per CPU)", *jobs)
	}
	var shard *results.Shard
	if *shardFlag != "" {
		s, err := sweep.ParseShard(*shardFlag)
		if err != nil {
			return usageError(stderr, "%v", err)
		}
		shard = &s
	} else if s, ok, err := sweep.ShardFromEnv(os.Getenv, *shards); err != nil {
		return usageError(stderr, "%v", err)
	} else if ok {
		shard = &s
	}
	e, ok := load(pos[0], sets, stderr)
	if !ok {
		return exitUsage
	}
	opts := experiments.Options{Dir: *dir, Workers: *jobs, Shard: shard, Warnings: stderr}
	if opts.Dir == "" {
		opts.Dir = experiments.DefaultDir(e)
	}
	if !*quiet {
		opts.Progress = stderr
		opts.Terminal = isTerminal(stderr)
	}
	out, err := experiments.Run(ctx, e, opts)
	switch {
	case errors.Is(err, sweep.ErrOtherExperiment):
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "tcpsim: interrupted after %d of %d runs; %s is consistent. Run the same command again to finish.\n",
			out.Resumed+out.Executed, out.Total, opts.Dir)
		return exitIntr
	case err != nil:
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	printSummary(stdout, e, out, opts.Dir)
	if shard == nil {
		drawAfterRun(opts.Dir, stdout, stderr)
	}
	return 0
}

// drawAfterRun draws the experiment's plots: section once every run is
// done. A figure that cannot be drawn (a coverage plot needs a trace
// first) is a warning: the results themselves are complete.
func drawAfterRun(dir string, stdout, stderr io.Writer) {
	files, err := experiments.DrawPlots(dir, "")
	for _, f := range files {
		fmt.Fprintln(stdout, "figure:", f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim: warning:", err)
	}
}

// printSummary tells a person what happened, per sweep point.
func printSummary(w io.Writer, e *config.Experiment, out *sweep.Outcome, dir string) {
	points := e.Points()
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
			fmt.Fprintf(w, "  STUCK        %s connection ends with no timer armed and nothing scheduled: they would never finish (see the warnings)\n", num(v))
		}
		fmt.Fprintf(w, "  ghosts       %s established for no live client\n", num(est("ghost_established").Mean))
		fmt.Fprintf(w, "  stale data   %s bytes of an earlier incarnation accepted\n", num(est("stale_bytes_accepted").Mean))
		fmt.Fprintf(w, "  half-open    %s detected and reset\n", num(est("half_open_detected").Mean))
		fmt.Fprintf(w, "  TIME-WAIT    %s assassinated, peak %s (%s on servers)\n", num(est("timewait_assassinations").Mean),
			num(est("timewait_peak").Mean), num(est("timewait_peak_server").Mean))
		fmt.Fprintf(w, "  handshake    mean %s of established connections; p99 %s (mean of the runs' p99s)\n",
			secs(est("handshake_mean_s").Mean), secs(est("handshake_p99_s").Mean))
	}
	fmt.Fprintf(w, "results: %s (%d runs)\n", dir, len(out.Runs.Rows))
}

// summaryOutcomes are the outcome metrics, which sum to conns_attempted,
// with their words in the console summary.
var summaryOutcomes = []struct{ metric, label string }{
	{"conns_closed", "closed"}, {"conns_refused", "refused"}, {"conns_timed_out", "timed out"},
	{"conns_reset", "reset"}, {"conns_no_port", "out of ports"}, {"conns_unfinished", "UNFINISHED"},
}

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

func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("merge", stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(pos) < 2 {
		return usageError(stderr, "merge takes OUT and at least one shard directory")
	}
	m, err := sweep.Merge(pos[0], pos[1:], experiments.RunTables...)
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "merged %d directories into %s: %d runs of %q\n", len(pos)-1, pos[0], m.RunsDone, m.Name)
	drawAfterRun(pos[0], stdout, stderr)
	return 0
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
