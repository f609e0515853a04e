package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tcpsim/engine"
	"tcpsim/experiments/results"
)

var testMetrics = []results.Column{{Name: "conns", Kind: results.Count}, {Name: "delay_s", Kind: results.Seconds}, {Name: "wall_s", Kind: results.Seconds}}

// fakeRun stands in for a simulation: its values depend only on the run's
// seed, replication and parameters, as a real run's do.
func fakeRun(_ context.Context, j Job) ([]float64, error) {
	p, _ := strconv.ParseFloat(j.Params[0], 64)
	r := engine.NewStreams(j.Seed, uint64(j.Replication)).Rand("fake")
	return []float64{float64(r.IntN(1000)), p * r.Float64(), 0}, nil
}

func testPlan() Plan {
	return Plan{
		Params:              []string{"links[0].loss"},
		Points:              [][]string{{"0.01"}, {"0.02"}, {"0.05"}, {"0.1"}},
		Replications:        5,
		Seed:                42,
		CommonRandomNumbers: true,
	}
}

func testOptions(dir string, workers int) Options {
	return Options{
		Dir: dir, Workers: workers, Metrics: testMetrics,
		Manifest: results.Manifest{Name: "t", Version: "test", Seed: 42, ExperimentHash: "h1"},
		Now:      func() time.Time { return time.Unix(0, 0) },
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSameResultsForAnyWorkersAndShards(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	one, four := filepath.Join(base, "one"), filepath.Join(base, "four")
	if _, err := Execute(ctx, testPlan(), fakeRun, testOptions(one, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := Execute(ctx, testPlan(), fakeRun, testOptions(four, 4)); err != nil {
		t.Fatal(err)
	}
	var shardDirs []string
	for i := range 3 {
		dir := filepath.Join(base, "shard"+strconv.Itoa(i))
		opts := testOptions(dir, 2)
		opts.Shard = &results.Shard{Index: i, Count: 3}
		out, err := Execute(ctx, testPlan(), fakeRun, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{7, 7, 6}[i]; len(out.Runs.Rows) != want {
			t.Errorf("shard %d ran %d runs, want %d", i, len(out.Runs.Rows), want)
		}
		shardDirs = append(shardDirs, dir)
	}
	merged := filepath.Join(base, "merged")
	if _, err := Merge(merged, shardDirs, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := readFile(t, filepath.Join(one, "runs.csv"))
	if n := strings.Count(want, "\n"); n != 21 {
		t.Fatalf("runs.csv has %d lines, want header + 20 runs", n)
	}
	for _, dir := range []string{four, merged} {
		if got := readFile(t, filepath.Join(dir, "runs.csv")); got != want {
			t.Errorf("%s/runs.csv differs from the one-worker run:\n%s\nvs\n%s", filepath.Base(dir), got, want)
		}
		if got, want := readFile(t, filepath.Join(dir, "summary.csv")), readFile(t, filepath.Join(one, "summary.csv")); got != want {
			t.Errorf("%s/summary.csv differs from the one-worker run", filepath.Base(dir))
		}
	}
	if _, err := os.Stat(filepath.Join(one, journalName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a complete run left its journal behind (stat error %v)", err)
	}
}

func TestInterruptAndResume(t *testing.T) {
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if _, err := Execute(context.Background(), testPlan(), fakeRun, testOptions(ref, 2)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	interrupting := func(ctx context.Context, j Job) ([]float64, error) {
		if calls.Add(1) > 7 { // Ctrl-C arrives during the 8th run
			cancel()
			return nil, ctx.Err()
		}
		return fakeRun(ctx, j)
	}
	out, err := Execute(ctx, testPlan(), interrupting, testOptions(dir, 2))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Execute returned %v, want context.Canceled", err)
	}
	if out.Complete || out.Executed < 7 || out.Executed > 8 {
		t.Errorf("interrupted outcome %+v, want incomplete with 7 runs", out)
	}
	m, err := results.ReadManifest(dir)
	if err != nil || m.RunsDone != out.Executed {
		t.Fatalf("manifest after interrupt: %+v, %v; want runs_done %d", m, err, out.Executed)
	}
	// kill -9 in the middle of a journal write: a torn last line.
	jf, err := os.OpenFile(filepath.Join(dir, journalName), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	jf.WriteString("3,4,42,0.1,99")
	jf.Close()

	var executed atomic.Int32
	counting := func(ctx context.Context, j Job) ([]float64, error) {
		executed.Add(1)
		return fakeRun(ctx, j)
	}
	out2, err := Execute(context.Background(), testPlan(), counting, testOptions(dir, 3))
	if err != nil {
		t.Fatal(err)
	}
	if int(executed.Load()) != 20-out.Executed || out2.Resumed != out.Executed || !out2.Complete {
		t.Errorf("resume executed %d and resumed %d, want %d and %d", executed.Load(), out2.Resumed, 20-out.Executed, out.Executed)
	}
	if got, want := readFile(t, filepath.Join(dir, "runs.csv")), readFile(t, filepath.Join(ref, "runs.csv")); got != want {
		t.Errorf("resumed runs.csv differs from an uninterrupted run:\n%s\nvs\n%s", got, want)
	}
	// Running the finished command again runs nothing.
	executed.Store(0)
	if _, err := Execute(context.Background(), testPlan(), counting, testOptions(dir, 2)); err != nil || executed.Load() != 0 {
		t.Errorf("re-running a finished sweep executed %d runs (err %v), want 0", executed.Load(), err)
	}
}

func TestRefusesAnotherExperimentsDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Execute(context.Background(), testPlan(), fakeRun, testOptions(dir, 1)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(dir, 1)
	opts.Manifest.ExperimentHash = "h2"
	if _, err := Execute(context.Background(), testPlan(), fakeRun, opts); !errors.Is(err, ErrOtherExperiment) {
		t.Errorf("Execute into another experiment's directory: %v, want ErrOtherExperiment", err)
	}
}

func TestRunErrorStopsTheSweep(t *testing.T) {
	boom := errors.New("boom")
	failing := func(ctx context.Context, j Job) ([]float64, error) {
		if j.Index == 3 {
			return nil, boom
		}
		return fakeRun(ctx, j)
	}
	_, err := Execute(context.Background(), testPlan(), failing, testOptions(t.TempDir(), 1))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "run 3 (point 0, replication 3)") {
		t.Errorf("error = %v, want run 3's error", err)
	}
}

func TestMergeRefuses(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mutate func(*Options)) string {
		dir := filepath.Join(base, name)
		opts := testOptions(dir, 1)
		opts.Shard = &results.Shard{Index: 0, Count: 2}
		mutate(&opts)
		if _, err := Execute(context.Background(), testPlan(), fakeRun, opts); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	s0 := mk("s0", func(*Options) {})
	s1 := mk("s1", func(o *Options) { o.Shard = &results.Shard{Index: 1, Count: 2} })
	otherSeed := mk("seed", func(o *Options) { o.Shard = &results.Shard{Index: 1, Count: 2}; o.Manifest.Seed = 7 })
	otherExp := mk("exp", func(o *Options) { o.Shard = &results.Shard{Index: 1, Count: 2}; o.Manifest.ExperimentHash = "h9" })
	otherVer := mk("ver", func(o *Options) { o.Shard = &results.Shard{Index: 1, Count: 2}; o.Manifest.Version = "v9" })
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"another seed", []string{s0, otherSeed}, "seed 7"},
		{"another experiment", []string{s0, otherExp}, "hash"},
		{"another version", []string{s0, otherVer}, "tcpsim v9"},
		{"a missing shard", []string{s0}, "shards 1 of 2 are missing"},
	}
	for _, tt := range tests {
		_, err := Merge(filepath.Join(base, "out-"+tt.name), tt.dirs, nil, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Merge error = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := Merge(filepath.Join(base, "ok"), []string{s1, s0}, nil, nil); err != nil {
		t.Errorf("merging both shards: %v", err)
	}
}

func TestAdaptiveReplications(t *testing.T) {
	plan := testPlan()
	plan.Adaptive = &Adaptive{Min: 3, Max: 40, Metric: "delay_s", RelHalfWidth: 0.25}
	var dirs []string
	for _, workers := range []int{1, 4} {
		dir := filepath.Join(t.TempDir(), "w"+strconv.Itoa(workers))
		out, err := Execute(context.Background(), plan, fakeRun, testOptions(dir, workers))
		if err != nil {
			t.Fatal(err)
		}
		if !out.Complete {
			t.Errorf("workers=%d: adaptive sweep incomplete", workers)
		}
		for p := range plan.Points {
			xs := out.Runs.Column("delay_s", p)
			n := len(xs)
			tight := relHalfWidth(xs) <= 0.25
			if n < 3 || n > 40 || (!tight && n != 40) {
				t.Errorf("workers=%d point %d: %d replications, CI tight %v", workers, p, n, tight)
			}
			if n > 3 && relHalfWidth(xs[:n-1]) <= 0.25 {
				t.Errorf("workers=%d point %d: stopped at %d though %d were tight enough", workers, p, n, n-1)
			}
		}
		dirs = append(dirs, dir)
	}
	if a, b := readFile(t, filepath.Join(dirs[0], "runs.csv")), readFile(t, filepath.Join(dirs[1], "runs.csv")); a != b {
		t.Errorf("adaptive runs.csv depends on the number of workers")
	}
}

func TestSeed(t *testing.T) {
	if Seed(5, 0, true) != Seed(5, 3, true) {
		t.Error("with common random numbers, points must share the seed")
	}
	if Seed(5, 0, false) == Seed(5, 3, false) || Seed(5, 0, false) == Seed(6, 0, false) {
		t.Error("without common random numbers, points and experiments must get distinct seeds")
	}
}

func TestShardFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		count   int
		want    results.Shard
		ok      bool
		wantErr bool
	}{
		{"none", nil, 0, results.Shard{}, false, false},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, results.Shard{Index: 2, Count: 4}, true, false},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, 0, results.Shard{Index: 3, Count: 4}, true, false},
		{"slurm out of range", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, results.Shard{}, false, true},
		{"k8s with variable", map[string]string{"JOB_COMPLETION_INDEX": "1", "TCPSIM_SHARDS": "3"}, 0, results.Shard{Index: 1, Count: 3}, true, false},
		{"k8s with flag", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 5, results.Shard{Index: 0, Count: 5}, true, false},
		{"k8s without count", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, results.Shard{}, false, true},
	}
	for _, tt := range tests {
		got, ok, err := ShardFromEnv(func(k string) string { return tt.env[k] }, tt.count)
		if (err != nil) != tt.wantErr || ok != tt.ok || got != tt.want {
			t.Errorf("%s: ShardFromEnv = %+v, %v, %v; want %+v, %v, error %v", tt.name, got, ok, err, tt.want, tt.ok, tt.wantErr)
		}
	}
	for _, s := range []string{"1/0", "3/3", "-1/2", "x", "1/2/3"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) succeeded, want an error", s)
		}
	}
}
