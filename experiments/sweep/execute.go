package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"tcpsim/experiments/results"
)

// Job is one run: one replication of one sweep point.
type Job struct {
	// Index is the run's position in the sweep (point·replications +
	// replication); shards split on it.
	Index       int
	Point       int
	Replication int
	Seed        uint64
	Params      []string
}

// RunFunc simulates one run and returns its metric values, in the order of
// Options.Metrics. It should return promptly with ctx's error once ctx is
// cancelled. It is called from several goroutines at once.
type RunFunc func(ctx context.Context, j Job) ([]float64, error)

// Adaptive adds replications at a point until the 95 % confidence interval of
// Metric's mean is narrower than RelHalfWidth·|mean| (or Max is reached).
// The decision is taken in replication order — the first k ≥ Min whose first
// k replications are tight enough — so it does not depend on the number of
// workers; replications run ahead of the decision are discarded.
type Adaptive struct {
	Min, Max     int
	Metric       string
	RelHalfWidth float64
}

// Plan is what to run.
type Plan struct {
	Params       []string   // swept parameters' dotted paths
	Points       [][]string // each point's parameter values, as written
	Replications int        // fixed replications per point (ignored if Adaptive)
	Adaptive     *Adaptive
	Seed         uint64
	// CommonRandomNumbers gives every point of a replication the same seed.
	CommonRandomNumbers bool
}

// Options say how to run a Plan.
type Options struct {
	Dir     string // the result directory; created if needed
	Workers int    // 0 means runtime.NumCPU()
	Shard   *results.Shard
	Metrics []results.Column
	// Manifest is the template of manifest.json: name, version, seed, the
	// experiment and its hash. Execute fills in the sweep size, the shard,
	// the runs done and the times.
	Manifest results.Manifest
	// Progress receives progress reports; nil for none. Terminal selects the
	// live bar.
	Progress io.Writer
	Terminal bool
	// Now reads the wall clock, for the manifest and progress only.
	Now func() time.Time
	// Tables names the run tables (connections.csv, timeseries.csv) the
	// experiment records; Gather, if set, writes them from the runs done,
	// after runs.csv and before the final manifest, which records their
	// digests when the directory is complete.
	Tables []string
	Gather func(runs *results.Runs) error
	// Pooled are summary.csv's pooled percentiles, from the histograms.csv
	// the experiment's tables include (results.HistogramsFile), gathered
	// first.
	Pooled []results.Pooled
	// Warnings, if set, gives the lines the final manifest.json records
	// under warnings (runs a stop limit cut short, say).
	Warnings func() []string
}

// Outcome tells what Execute did.
type Outcome struct {
	Runs     *results.Runs
	Summary  *results.Summary
	Total    int // runs this shard had to do (for adaptive: at least)
	Resumed  int // runs found done from an earlier, interrupted invocation
	Executed int // runs executed now
	Complete bool
	// Adaptive says Total is a lower bound: replications are added until
	// the confidence interval is tight enough.
	Adaptive bool
	// Discarded counts damaged journal lines ignored on resume (their runs
	// are done again).
	Discarded int
}

// ErrOtherExperiment means the result directory holds another experiment.
var ErrOtherExperiment = errors.New("sweep: the result directory holds another experiment")

// Execute runs every run of plan that belongs to the shard and is not
// already done in opts.Dir, then writes runs.csv, summary.csv and
// manifest.json there. If ctx is cancelled it stops starting runs, writes the
// files for what is done, and returns ctx's error with the Outcome.
func Execute(ctx context.Context, plan Plan, fn RunFunc, opts Options) (*Outcome, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	man := opts.Manifest
	if err := checkDir(opts.Dir, &man, opts.Shard); err != nil {
		return nil, err
	}
	if a := plan.Adaptive; a != nil {
		if !slices.ContainsFunc(opts.Metrics, func(c results.Column) bool { return c.Name == a.Metric }) {
			return nil, fmt.Errorf("sweep: adaptive replications: no metric %q", a.Metric)
		}
		if a.Min < 2 || a.Max < a.Min {
			return nil, fmt.Errorf("sweep: adaptive replications: want 2 <= min <= max, got min %d max %d", a.Min, a.Max)
		}
	}
	started := opts.Now()
	man.Params = plan.Params
	man.Points = len(plan.Points)
	man.Replications = plan.Replications
	if plan.Adaptive != nil {
		man.Replications = 0
	}
	man.Shard = opts.Shard
	man.Tables = opts.Tables
	man.Started = started.UTC().Format(time.RFC3339)
	man.Complete, man.Files, man.Finished = false, nil, ""
	table := &results.Runs{Params: plan.Params, Metrics: opts.Metrics}
	done, err := previousRuns(opts.Dir, table)
	if err != nil {
		return nil, err
	}
	jr, jrows, discarded, err := openJournal(filepath.Join(opts.Dir, journalName), table.Header(), len(plan.Params), opts.Metrics)
	if err != nil {
		return nil, err
	}
	defer jr.close()
	for _, r := range jrows {
		done[key{r.Point, r.Replication}] = r
	}

	s := newScheduler(plan, opts.Shard, done, opts.Metrics)
	out := &Outcome{Total: s.total(), Resumed: s.resumed(), Adaptive: plan.Adaptive != nil, Discarded: discarded}
	// The manifest, with the experiment's hash, goes before the first run:
	// whatever kills this process from here on, the next invocation finds
	// it and refuses an edited experiment rather than mixing its runs with
	// these.
	man.Runs, man.RunsDone = out.Total, s.doneCount()
	if err := results.WriteFileAtomic(filepath.Join(opts.Dir, "manifest.json"), man.Write); err != nil {
		return nil, err
	}
	prog := newProgress(opts.Progress, opts.Terminal, opts.Now, out.Total, "runs")
	prog.atLeast = out.Adaptive
	if a := plan.Adaptive; a != nil {
		prog.most = len(s.points) * a.Max
	}
	prog.resuming(out.Resumed)

	type result struct {
		job    Job
		values []float64
		err    error
	}
	jobs := make(chan Job)
	res := make(chan result)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range workers {
		go func() {
			for j := range jobs {
				v, err := fn(wctx, j)
				res <- result{j, v, err}
			}
		}()
	}
	inFlight := 0
	var runErr error
	var pending *Job // taken from the scheduler, not yet handed to a worker
	for {
		stopping := runErr != nil || ctx.Err() != nil
		if pending == nil && !stopping {
			if j, ok := s.next(); ok {
				pending = &j
			}
		}
		var send chan Job
		var next Job
		if pending != nil && !stopping {
			send, next = jobs, *pending
		}
		if send == nil && inFlight == 0 {
			break
		}
		interrupted := ctx.Done()
		if stopping {
			interrupted = nil
		}
		select {
		case send <- next:
			pending = nil
			inFlight++
		case r := <-res:
			inFlight--
			switch {
			case r.err != nil:
				if runErr == nil && ctx.Err() == nil {
					runErr = fmt.Errorf("run %d (point %d, replication %d): %w",
						r.job.Index, r.job.Point, r.job.Replication, r.err)
					cancel()
				}
			case len(r.values) != len(opts.Metrics):
				runErr = fmt.Errorf("sweep: run %d returned %d values, want %d",
					r.job.Index, len(r.values), len(opts.Metrics))
				cancel()
			default:
				row := results.Run{Point: r.job.Point, Replication: r.job.Replication,
					Seed: r.job.Seed, Params: r.job.Params, Values: r.values}
				if err := jr.append(row); err != nil && runErr == nil {
					runErr = err
					cancel()
				}
				s.finished(row)
				out.Executed++
				prog.update(s.doneCount(), out.Executed, false)
			}
		case <-interrupted:
			// Stop dispatching; the loop ends when in-flight runs return.
		}
	}
	close(jobs)

	table.Rows = s.rows()
	out.Runs = table
	out.Complete = runErr == nil && ctx.Err() == nil && s.complete()
	prog.update(s.doneCount(), out.Executed, true)

	man.Runs = out.Total
	man.RunsDone = len(table.Rows)
	man.Finished = opts.Now().UTC().Format(time.RFC3339)
	if opts.Warnings != nil {
		man.Warnings = opts.Warnings()
	}
	if err := results.WriteFileAtomic(filepath.Join(opts.Dir, "runs.csv"), table.Write); err != nil {
		return out, err
	}
	if opts.Gather != nil {
		if err := opts.Gather(table); err != nil {
			return out, err
		}
	}
	if out.Summary, err = writeSummary(opts.Dir, table, opts.Pooled); err != nil {
		return out, err
	}
	if out.Complete {
		if err := seal(opts.Dir, &man); err != nil {
			return out, err
		}
	}
	if err := results.WriteFileAtomic(filepath.Join(opts.Dir, "manifest.json"), man.Write); err != nil {
		return out, err
	}
	if out.Complete {
		jr.close()
		os.Remove(filepath.Join(opts.Dir, journalName))
	}
	if runErr != nil {
		return out, runErr
	}
	return out, ctx.Err()
}

// writeSummary computes summary.csv from the runs, with the pooled
// percentiles from dir's histograms.csv, which must hold the same runs,
// and writes it to dir atomically.
func writeSummary(dir string, table *results.Runs, pooled []results.Pooled) (*results.Summary, error) {
	sum := results.Summarize(table)
	if len(pooled) > 0 {
		pool, err := results.ReadPool(filepath.Join(dir, results.HistogramsFile))
		if err != nil {
			return nil, err
		}
		sum.AddPooled(pool, pooled)
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, "summary.csv"), sum.Write); err != nil {
		return nil, err
	}
	return sum, nil
}

// seal marks a manifest complete and records the digest of every result
// file it promises, so that merge can tell whole files from damaged ones.
func seal(dir string, man *results.Manifest) error {
	man.Complete = true
	man.Files = map[string]results.FileDigest{}
	for _, name := range append([]string{"runs.csv", "summary.csv"}, man.Tables...) {
		d, err := results.Digest(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		man.Files[name] = d
	}
	return nil
}

// checkDir refuses a directory whose manifest names another experiment,
// seed, version or shard.
func checkDir(dir string, man *results.Manifest, shard *results.Shard) error {
	old, err := results.ReadManifest(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	switch {
	case old.ExperimentHash != man.ExperimentHash:
		return fmt.Errorf("%w: %s was made from a different experiment file (or --set values); use another -o directory or delete it", ErrOtherExperiment, dir)
	case old.Version != man.Version:
		return fmt.Errorf("%w: %s was made by tcpsim %s, this is %s", ErrOtherExperiment, dir, old.Version, man.Version)
	case !sameShard(old.Shard, shard):
		return fmt.Errorf("%w: %s holds shard %s, this run is shard %s", ErrOtherExperiment, dir, shardString(old.Shard), shardString(shard))
	}
	return nil
}

func sameShard(a, b *results.Shard) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func shardString(s *results.Shard) string {
	if s == nil {
		return "(none)"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// previousRuns reads the rows of an earlier runs.csv in dir, if any.
func previousRuns(dir string, table *results.Runs) (map[key]results.Run, error) {
	done := map[key]results.Run{}
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer f.Close()
	old, err := results.ReadRuns(f, len(table.Params))
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", dir, err)
	}
	if !slices.Equal(old.Header(), table.Header()) {
		return nil, fmt.Errorf("%w: %s/runs.csv has other columns", ErrOtherExperiment, dir)
	}
	for _, r := range old.Rows {
		done[key{r.Point, r.Replication}] = r
	}
	return done, nil
}

type key struct{ point, rep int }

// relHalfWidth is the stopping statistic of adaptive replications.
func relHalfWidth(xs []float64) float64 {
	e := results.Estimate95(xs)
	if e.N < 2 || math.IsNaN(e.CILo) {
		return math.Inf(1)
	}
	if e.Mean == 0 {
		if e.HalfWidth() == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return e.HalfWidth() / math.Abs(e.Mean)
}
