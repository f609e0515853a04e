package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"tcpsim/experiments"
	"tcpsim/experiments/figures"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
)

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	var sets listFlag
	fs.Var(&sets, "set", "override a field: path=value (repeatable)")
	maxMem := memoryFlag(fs)
	jobs := fs.Int("jobs", 0, "parallel runs to estimate memory for (default: number of CPUs)")
	fs.IntVar(jobs, "j", 0, "short for --jobs")
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
	est := experiments.EstimateCost(e, workersOf(*jobs), 1)
	if err := est.Check(maxMem.limit, maxMem.from); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fileName(pos[0]), err)
		return exitUsage
	}
	pts := len(e.Points())
	fmt.Fprintf(stdout, "%s: ok: experiment %q, %d hosts, %d links, %d workloads; %d sweep points × %s replications\n",
		fileName(pos[0]), e.Name, len(e.Hosts), len(e.Links), len(e.Workloads), pts, e.Replications)
	fmt.Fprintf(stdout, "estimate: %s\n", est)
	return 0
}

// workersOf is the number of parallel runs --jobs asks for.
func workersOf(jobs int) int {
	if jobs <= 0 {
		return runtime.NumCPU()
	}
	return jobs
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", stderr)
	var sets listFlag
	dir := fs.String("o", "", "result directory (default results/NAME)")
	fs.StringVar(dir, "output", "", "long for -o")
	jobs := fs.Int("jobs", 0, "parallel runs (default: number of CPUs)")
	fs.IntVar(jobs, "j", 0, "short for --jobs")
	shardFlag := fs.String("shard", "", "run only shard I of N (I/N)")
	shards := fs.Int("shards", 0, "number of shards when the index comes from JOB_COMPLETION_INDEX")
	quiet := fs.Bool("quiet", false, "no progress reports")
	maxMem := memoryFlag(fs)
	fs.Var(&sets, "set", "override a field: path=value (repeatable)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to `FILE` (for go tool pprof)")
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
	nShards := 1
	if shard != nil {
		nShards = shard.Count
	}
	est := experiments.EstimateCost(e, workersOf(*jobs), nShards)
	if err := est.Check(maxMem.limit, maxMem.from); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fileName(pos[0]), err)
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
	if err := est.CheckDisk(freeSpace(opts.Dir), opts.Dir); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fileName(pos[0]), err)
		return exitUsage
	}
	lock, code := lockDir(opts.Dir, "run", stderr)
	if lock == nil {
		return code
	}
	defer lock.Unlock()
	stopWatch := watchMemory(maxMem, opts.Dir, stderr)
	defer stopWatch()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return usageError(stderr, "--cpuprofile: %v", err)
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "tcpsim: --cpuprofile: %v\n", err)
			}
		}()
	}
	out, err := experiments.Run(ctx, e, opts)
	switch {
	case errors.Is(err, sweep.ErrOtherExperiment):
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitUsage
	case errors.Is(err, context.Canceled) && out != nil:
		if out.Adaptive {
			fmt.Fprintf(stderr, "tcpsim: interrupted after %d runs (adaptive replication: at least %d in all, more until every point is precise enough); %s keeps every finished run. Run the same command again to resume.\n",
				out.Resumed+out.Executed, out.Total, opts.Dir)
		} else {
			fmt.Fprintf(stderr, "tcpsim: interrupted after %d of %d runs; %s keeps every finished run. Run the same command again to resume.\n",
				out.Resumed+out.Executed, out.Total, opts.Dir)
		}
		return exitIntr
	case err != nil:
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	if out.Discarded > 0 {
		fmt.Fprintf(stderr, "tcpsim: ignored %d damaged line(s) of %s's journal; their runs were done again\n", out.Discarded, opts.Dir)
	}
	printSummary(stdout, e, out, opts.Dir)
	if shard == nil {
		drawAfterRun(opts.Dir, stdout, stderr)
	}
	return 0
}

// lockDir takes a result directory's lock for cmd, refuses symbolic links
// in it and removes a killed process's temporaries. On failure it prints
// why and returns a nil lock and the exit status.
func lockDir(dir, cmd string, stderr io.Writer) (*results.Lock, int) {
	lock, err := results.LockDir(dir, cmd)
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		if errors.Is(err, results.ErrLocked) || errors.Is(err, results.ErrSymlink) || badPath(err) {
			return nil, exitUsage
		}
		return nil, exitFail
	}
	removed, err := results.PrepareDir(dir)
	if err != nil {
		lock.Unlock()
		fmt.Fprintln(stderr, "tcpsim:", err)
		if errors.Is(err, results.ErrSymlink) {
			return nil, exitUsage
		}
		return nil, exitFail
	}
	for _, f := range removed {
		fmt.Fprintf(stderr, "tcpsim: removed %s, a temporary file left by a process that was killed\n", f)
	}
	return lock, 0
}

// drawAfterRun draws the experiment's plots: section once every run is
// done. A figure that cannot be drawn (a coverage plot needs a trace
// first) is a warning: the results themselves are complete.
func drawAfterRun(dir string, stdout, stderr io.Writer) {
	files, err := figures.DrawPlots(dir, "")
	for _, f := range files {
		fmt.Fprintln(stdout, "figure:", f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim: warning:", err)
	}
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
	lock, code := lockDir(pos[0], "merge", stderr)
	if lock == nil {
		return code
	}
	defer lock.Unlock()
	m, err := experiments.Merge(pos[0], pos[1:])
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "merged %d directories into %s: %d runs of %q\n", len(pos)-1, pos[0], m.RunsDone, m.Name)
	drawAfterRun(pos[0], stdout, stderr)
	return 0
}
