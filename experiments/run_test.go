package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
)

// tinyExperiment is testdata/tiny.yaml: a small sweep with loss (so SYNs
// are retransmitted), both record outputs, and one plot of every kind.
func tinyExperiment(t *testing.T) *config.Experiment {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "tiny.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := config.Parse("tiny.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// withoutColumn blanks one column of a CSV text (wall_s: the only
// measurement that is not simulated).
func withoutColumn(t *testing.T, text []byte, name string) string {
	t.Helper()
	lines := strings.Split(string(text), "\n")
	col := -1
	for i, h := range strings.Split(lines[0], ",") {
		if h == name {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no column %s in %q", name, lines[0])
	}
	for i, l := range lines {
		if l == "" {
			continue
		}
		f := strings.Split(l, ",")
		f[col] = ""
		lines[i] = strings.Join(f, ",")
	}
	return strings.Join(lines, "\n")
}

// withoutRow drops the rows of summary.csv of one metric (wall_s: the
// only measurement that is not simulated).
func withoutRow(text []byte, metric string) string {
	var keep []string
	for _, l := range strings.SplitAfter(string(text), "\n") {
		if !strings.Contains(l, ","+metric+",") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// The same experiment and seed give byte-identical results whatever the
// number of workers, as shards merged, and when resumed after losing runs.
func TestDeterministicResults(t *testing.T) {
	e := tinyExperiment(t)
	read := func(dir, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var dirs []string
	for _, workers := range []int{1, 2, 4} {
		dir := t.TempDir()
		if _, err := Run(context.Background(), e, Options{Dir: dir, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	// Three shards, merged.
	var shardDirs []string
	for i := range 3 {
		dir := t.TempDir()
		if _, err := Run(context.Background(), e, Options{Dir: dir, Workers: 2, Shard: &results.Shard{Index: i, Count: 3}}); err != nil {
			t.Fatal(err)
		}
		shardDirs = append(shardDirs, dir)
	}
	merged := t.TempDir()
	if _, err := Merge(merged, shardDirs); err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, merged)
	// Resume: drop half of a finished directory's runs and run again.
	resumed := dirs[2]
	runs := read(resumed, "runs.csv")
	lines := strings.SplitAfter(string(runs), "\n")
	if err := os.WriteFile(filepath.Join(resumed, "runs.csv"), []byte(strings.Join(lines[:len(lines)/2], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), e, Options{Dir: resumed, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if out.Executed == 0 || out.Resumed == 0 {
		t.Errorf("resume executed %d and kept %d runs; want some of each", out.Executed, out.Resumed)
	}
	// Interrupted: cancelled once two runs have written their parts,
	// then run again, which takes the journalled runs and their parts.
	interrupted := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		for range 10_000 {
			if m, _ := filepath.Glob(filepath.Join(interrupted, "parts", "histograms-*")); len(m) >= 2 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	out, err = Run(ctx, e, Options{Dir: interrupted, Workers: 1})
	if err == nil || out.Complete {
		t.Fatalf("interrupted run: complete %v, error %v; want it cut short", out.Complete, err)
	}
	if out, err = Run(context.Background(), e, Options{Dir: interrupted, Workers: 2}); err != nil || out.Resumed == 0 || out.Executed == 0 {
		t.Fatalf("resuming the interrupted run: %v, resumed %d, executed %d", err, out.Resumed, out.Executed)
	}
	dirs = append(dirs, interrupted)
	want := withoutColumn(t, read(dirs[0], "runs.csv"), "wall_s")
	if !strings.Contains(want, "\n0,1,") {
		t.Fatalf("runs.csv lacks run (0, 1):\n%s", want)
	}
	for _, dir := range dirs[1:] {
		if got := withoutColumn(t, read(dir, "runs.csv"), "wall_s"); got != want {
			t.Errorf("runs.csv differs between 1 worker and %s:\n%s\n---\n%s", dir, want, got)
		}
		// summary.csv's pooled percentiles come from histograms.csv, which
		// must survive resume and merge as runs.csv does.
		if got, want := withoutRow(read(dir, "summary.csv"), "wall_s"), withoutRow(read(dirs[0], "summary.csv"), "wall_s"); got != want {
			t.Errorf("summary.csv differs between 1 worker and %s:\n%s\n---\n%s", dir, want, got)
		}
		for _, f := range []string{"connections.csv", "timeseries.csv", "histograms.csv"} {
			if !bytes.Equal(read(dirs[0], f), read(dir, f)) {
				t.Errorf("%s differs between 1 worker and %s", f, dir)
			}
		}
	}
}
