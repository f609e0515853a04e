package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"tcpsim/experiments/results"
)

// Finding 1 of issue 16: two writers in one directory left torn journal
// lines in its middle, and resume failed with "wrong number of fields".
// Now every line carries a checksum: a garbled line anywhere, and a torn
// last one, are ignored and their runs done again, to the same bytes.
func TestTornJournalLinesAreIgnored(t *testing.T) {
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if _, err := Execute(context.Background(), testPlan(), fakeRun, testOptions(ref, 1)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "torn")
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	stopping := func(ctx context.Context, j Job) ([]float64, error) {
		if calls.Add(1) > 6 {
			cancel()
			return nil, ctx.Err()
		}
		return fakeRun(ctx, j)
	}
	if _, err := Execute(ctx, testPlan(), stopping, testOptions(dir, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Execute: %v", err)
	}
	// runs.csv written at the interrupt would supply the runs anyway: leave
	// only the journal, as kill -9 does.
	os.Remove(filepath.Join(dir, "runs.csv"))
	jpath := filepath.Join(dir, journalName)
	data, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Two writers interleaved: a line cut short and another glued to it,
	// in the middle; then a torn last line.
	lines[2] = lines[2][:len(lines[2])/2] + lines[3]
	lines[3] = strings.Replace(lines[3], "0.", "9.", 1)
	torn := strings.Join(lines, "") + lines[4][:10]
	if err := os.WriteFile(jpath, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Execute(context.Background(), testPlan(), fakeRun, testOptions(dir, 2))
	if err != nil {
		t.Fatalf("resume with torn journal lines: %v", err)
	}
	if out.Discarded < 2 || !out.Complete {
		t.Errorf("resume: %d lines discarded, complete %v; want at least 2 and complete", out.Discarded, out.Complete)
	}
	if got, want := readFile(t, filepath.Join(dir, "runs.csv")), readFile(t, filepath.Join(ref, "runs.csv")); got != want {
		t.Errorf("runs.csv after resuming a torn journal differs from an uninterrupted run:\n%s\nvs\n%s", got, want)
	}
}

// Finding 4 of issue 16: the manifest (with the experiment's hash) was
// written only at the end, so after kill -9 an edited experiment resumed
// into the old runs. Now it is on disk, incomplete, before the first run.
func TestManifestWrittenBeforeTheFirstRun(t *testing.T) {
	dir := t.TempDir()
	var seen atomic.Pointer[results.Manifest]
	fn := func(ctx context.Context, j Job) ([]float64, error) {
		if m, err := results.ReadManifest(dir); err == nil {
			seen.CompareAndSwap(nil, m)
		}
		return fakeRun(ctx, j)
	}
	if _, err := Execute(context.Background(), testPlan(), fn, testOptions(dir, 1)); err != nil {
		t.Fatal(err)
	}
	m := seen.Load()
	if m == nil || m.ExperimentHash != "h1" || m.Complete {
		t.Fatalf("manifest during the first run: %+v; want experiment hash h1, not complete", m)
	}
	final, err := results.ReadManifest(dir)
	if err != nil || !final.Complete || final.Files["runs.csv"].Rows != 20 {
		t.Errorf("final manifest: %+v, %v; want complete with runs.csv's 20 rows recorded", final, err)
	}
	// A kill -9 at any moment after that leaves the manifest: another
	// experiment is refused even though nothing else was written.
	opts := testOptions(dir, 1)
	opts.Manifest.ExperimentHash = "h2"
	os.Remove(filepath.Join(dir, "runs.csv"))
	if _, err := Execute(context.Background(), testPlan(), fakeRun, opts); !errors.Is(err, ErrOtherExperiment) {
		t.Errorf("resume of an edited experiment: %v, want ErrOtherExperiment", err)
	}
}

// Finding 3 of issue 16: the journal was opened through a symbolic link.
func TestJournalSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "precious")
	os.WriteFile(target, []byte("keep me\n"), 0o644)
	if err := os.Symlink(target, filepath.Join(dir, journalName)); err != nil {
		t.Fatal(err)
	}
	_, err := Execute(context.Background(), testPlan(), fakeRun, testOptions(dir, 1))
	if !errors.Is(err, results.ErrSymlink) {
		t.Errorf("Execute with a symlinked journal: %v, want ErrSymlink", err)
	}
	if got := readFile(t, target); got != "keep me\n" {
		t.Errorf("the link's target was changed: %q", got)
	}
}

// shards runs the test plan as n shards (with a fake run table each) and
// returns their directories.
func shards(t *testing.T, base string, n int, plan Plan) []string {
	t.Helper()
	var dirs []string
	for i := range n {
		dir := filepath.Join(base, "shard"+string(rune('0'+i)))
		opts := testOptions(dir, 1)
		opts.Shard = &results.Shard{Index: i, Count: n}
		opts.Tables = []string{"connections.csv"}
		opts.Gather = func(runs *results.Runs) error {
			return results.WriteFileAtomic(filepath.Join(dir, "connections.csv"), func(w io.Writer) error {
				fmt.Fprintln(w, "point,replication,x")
				for _, r := range runs.Rows {
					fmt.Fprintf(w, "%d,%d,%d\n", r.Point, r.Replication, r.Seed)
				}
				return nil
			})
		}
		if _, err := Execute(context.Background(), plan, fakeRun, opts); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// Finding 2 of issue 16: merge copied whatever the shards held — half a
// connections.csv, a torn last row, 237 of 400 adaptive replications —
// and merged into another experiment's directory. Now it checks every
// shard against its manifest first and writes nothing if one fails.
func TestMergeRefusesDamagedShards(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dirs []string, out string)
		want   []string
	}{
		{"table missing", func(t *testing.T, d []string, _ string) {
			os.Remove(filepath.Join(d[1], "connections.csv"))
		}, []string{"shard 1/2", "connections.csv is missing"}},
		{"torn last row", func(t *testing.T, d []string, _ string) {
			p := filepath.Join(d[0], "connections.csv")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-3], 0o644)
		}, []string{"shard 0/2", "connections.csv has", "rows"}},
		{"rows changed", func(t *testing.T, d []string, _ string) {
			p := filepath.Join(d[1], "runs.csv")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), ",0.", ",1.", 1)), 0o644)
		}, []string{"shard 1/2", "runs.csv differs"}},
		{"shard unfinished", func(t *testing.T, d []string, _ string) {
			m, _ := results.ReadManifest(d[1])
			m.Complete = false
			results.WriteFileAtomic(filepath.Join(d[1], "manifest.json"), m.Write)
		}, []string{"shard 1/2", "unfinished"}},
		{"unknown table", func(t *testing.T, d []string, _ string) {
			for _, dir := range d {
				m, _ := results.ReadManifest(dir)
				m.Tables = []string{"../../x/precious.csv"}
				results.WriteFileAtomic(filepath.Join(dir, "manifest.json"), m.Write)
			}
		}, []string{"not a tcpsim run table"}},
		{"out holds another experiment", func(t *testing.T, _ []string, out string) {
			opts := testOptions(out, 1)
			opts.Manifest.ExperimentHash = "other"
			if _, err := Execute(context.Background(), testPlan(), fakeRun, opts); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(out, "timeseries.csv"), []byte("point,replication\n"), 0o644)
		}, []string{"another experiment"}},
		{"out holds other files", func(t *testing.T, _ []string, out string) {
			os.MkdirAll(out, 0o755)
			os.WriteFile(filepath.Join(out, "thesis.tex"), []byte("x"), 0o644)
		}, []string{"not empty", "thesis.tex"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			dirs := shards(t, base, 2, testPlan())
			out := filepath.Join(base, "out")
			tt.damage(t, dirs, out)
			before := listDir(out)
			_, err := Merge(out, dirs, []string{"connections.csv", "timeseries.csv"}, nil)
			if err == nil {
				t.Fatalf("Merge succeeded, want a refusal mentioning %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Merge error %q lacks %q", err, w)
				}
			}
			if after := listDir(out); after != before {
				t.Errorf("a refused merge changed %s: %s → %s", out, before, after)
			}
		})
	}
	// Undamaged, the same shards merge, also over a merge killed before
	// its end (an incomplete manifest and half the files).
	base := t.TempDir()
	dirs := shards(t, base, 2, testPlan())
	out := filepath.Join(base, "out")
	m, err := Merge(out, dirs, []string{"connections.csv"}, nil)
	if err != nil || !m.Complete || m.Files["connections.csv"].Rows != 20 {
		t.Errorf("merging whole shards: %+v, %v", m, err)
	}
	m.Complete, m.Files = false, nil
	results.WriteFileAtomic(filepath.Join(out, "manifest.json"), m.Write)
	os.Remove(filepath.Join(out, "connections.csv"))
	os.WriteFile(filepath.Join(out, ".runs.csv.tmp123"), []byte("half"), 0o644)
	if m, err := Merge(out, dirs, []string{"connections.csv"}, nil); err != nil || !m.Complete {
		t.Errorf("merging again over a killed merge: %+v, %v", m, err)
	}
	if _, err := os.Stat(filepath.Join(out, ".runs.csv.tmp123")); err == nil {
		t.Error("the killed merge's temporary is still there")
	}
}

// listDir describes a directory's files and sizes.
func listDir(dir string) string {
	ents, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range ents {
		st, _ := e.Info()
		fmt.Fprintf(&b, "%s:%d ", e.Name(), st.Size())
	}
	return b.String()
}

// Finding 2 of issue 16, adaptive: a shard interrupted under adaptive
// replication merged with a fraction of a point's replications.
func TestMergeRefusesInterruptedAdaptiveShard(t *testing.T) {
	plan := testPlan()
	plan.Adaptive = &Adaptive{Min: 3, Max: 40, Metric: "delay_s", RelHalfWidth: 0.01}
	base := t.TempDir()
	var dirs []string
	for i := range 2 {
		dir := filepath.Join(base, "s"+string(rune('0'+i)))
		opts := testOptions(dir, 2)
		opts.Shard = &results.Shard{Index: i, Count: 2}
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		fn := func(ctx context.Context, j Job) ([]float64, error) {
			if i == 1 && calls.Add(1) > 30 {
				cancel()
				return nil, ctx.Err()
			}
			return fakeRun(ctx, j)
		}
		out, err := Execute(ctx, plan, fn, opts)
		cancel()
		if i == 1 && (out.Complete || !errors.Is(err, context.Canceled)) {
			t.Fatalf("shard 1 was to be interrupted: complete %v, %v", out.Complete, err)
		}
		dirs = append(dirs, dir)
	}
	_, err := Merge(filepath.Join(base, "out"), dirs, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "shard 1/2") || !strings.Contains(err.Error(), "adaptive replication not finished") {
		t.Errorf("merging an interrupted adaptive shard: %v, want a refusal naming shard 1/2", err)
	}
}
