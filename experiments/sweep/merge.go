package sweep

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tcpsim/experiments/results"
)

// Merge combines the result directories of the shards of one sweep into out,
// which then holds what an unsharded run would have written: runs.csv (the
// same bytes, wall_s aside), a recomputed summary.csv, the run tables (see
// RunTable) the shards' manifests promise, and a complete manifest without
// a shard. tables names the run tables the caller knows; a manifest that
// promises another is refused (names read from files are data, not paths).
// pooled are summary.csv's pooled percentiles, computed again from the
// merged histograms.csv.
//
// Before it writes anything it checks that the set is whole: every shard
// of one experiment, seed and tcpsim version, each complete by its
// manifest (adaptive points decided), each file the manifest promises
// present with the row count and content hash recorded when the shard
// finished, overlapping shards agreeing. It refuses an out directory that
// holds another experiment's results or files that are not results.
func Merge(out string, dirs []string, tables []string, pooled []results.Pooled) (*results.Manifest, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("merge: no directories to merge")
	}
	if err := checkShards(dirs, tables); err != nil {
		return nil, err
	}
	var first *results.Manifest
	var table *results.Runs
	seen := map[key]results.Run{}
	shards := map[int]bool{}
	for _, dir := range dirs {
		m, err := results.ReadManifest(dir)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if first == nil {
			first = m
		}
		switch {
		case m.Name != first.Name || m.ExperimentHash != first.ExperimentHash:
			return nil, fmt.Errorf("merge: %s holds experiment %q (hash %.12s), %s holds %q (hash %.12s)",
				dir, m.Name, m.ExperimentHash, dirs[0], first.Name, first.ExperimentHash)
		case m.Seed != first.Seed:
			return nil, fmt.Errorf("merge: %s was run with seed %d, %s with seed %d", dir, m.Seed, dirs[0], first.Seed)
		case m.Version != first.Version:
			return nil, fmt.Errorf("merge: %s was made by tcpsim %s, %s by %s", dir, m.Version, dirs[0], first.Version)
		case (m.Shard == nil) != (first.Shard == nil) || m.Shard != nil && m.Shard.Count != first.Shard.Count:
			return nil, fmt.Errorf("merge: %s is shard %s, %s is shard %s: not parts of one split",
				dir, shardString(m.Shard), dirs[0], shardString(first.Shard))
		}
		if m.Shard != nil {
			shards[m.Shard.Index] = true
		}
		f, err := os.Open(filepath.Join(dir, "runs.csv"))
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		t, err := results.ReadRuns(f, len(m.Params))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", dir, err)
		}
		if table == nil {
			table = &results.Runs{Params: t.Params, Metrics: t.Metrics}
		} else if !slices.Equal(t.Header(), table.Header()) {
			return nil, fmt.Errorf("merge: %s/runs.csv has other columns than %s/runs.csv", dir, dirs[0])
		}
		for i := range t.Metrics { // a column is as wide as its widest shard
			table.Metrics[i].Kind = max(table.Metrics[i].Kind, t.Metrics[i].Kind)
		}
		for _, r := range t.Rows {
			k := key{r.Point, r.Replication}
			if prev, ok := seen[k]; ok {
				if !sameRun(prev, r, t.Metrics) {
					return nil, fmt.Errorf("merge: point %d replication %d differs between shards", r.Point, r.Replication)
				}
				continue
			}
			seen[k] = r
		}
	}
	if first.Shard != nil {
		var missing []string
		for i := range first.Shard.Count {
			if !shards[i] {
				missing = append(missing, fmt.Sprint(i))
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("merge: shards %s of %d are missing", strings.Join(missing, ", "), first.Shard.Count)
		}
	}
	for _, r := range seen {
		table.Rows = append(table.Rows, r)
	}
	if first.Replications > 0 && len(table.Rows) != first.Points*first.Replications {
		return nil, fmt.Errorf("merge: %d runs found, the sweep has %d (%d points × %d replications): some shards are unfinished; run them again to resume",
			len(table.Rows), first.Points*first.Replications, first.Points, first.Replications)
	}
	man := *first
	man.Shard = nil
	man.Runs, man.RunsDone = len(table.Rows), len(table.Rows)
	if err := checkOut(out, &man); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if _, err := results.PrepareDir(out); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	// The manifest first, incomplete: a merge killed before the end leaves
	// a directory of this experiment, which merging again completes.
	man.Complete, man.Files = false, nil
	if err := results.WriteFileAtomic(filepath.Join(out, "manifest.json"), man.Write); err != nil {
		return nil, err
	}
	if err := results.WriteFileAtomic(filepath.Join(out, "runs.csv"), table.Write); err != nil {
		return nil, err
	}
	for _, name := range man.Tables {
		if err := mergeRunTable(out, dirs, name); err != nil {
			return nil, err
		}
	}
	if _, err := writeSummary(out, table, pooled); err != nil {
		return nil, err
	}
	if err := seal(out, &man); err != nil {
		return nil, err
	}
	if err := results.WriteFileAtomic(filepath.Join(out, "manifest.json"), man.Write); err != nil {
		return nil, err
	}
	return &man, nil
}

// checkShards refuses, before anything is written, a shard that is not
// complete by its manifest, a manifest that promises an unknown table,
// shards that promise different tables, and a promised file that is
// missing or whose rows or content differ from what its manifest recorded
// when the shard finished.
func checkShards(dirs []string, known []string) error {
	var firstTables []string
	for i, dir := range dirs {
		m, err := results.ReadManifest(dir)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		name := fmt.Sprintf("shard %s (%s)", shardString(m.Shard), dir)
		if m.Shard == nil {
			name = dir
		}
		if !m.Complete {
			what := fmt.Sprintf("%d of %d runs done", m.RunsDone, m.Runs)
			if m.Replications == 0 {
				what = fmt.Sprintf("%d runs done, adaptive replication not finished at every point", m.RunsDone)
			}
			return fmt.Errorf("merge: %s is unfinished (%s): run its command again to finish it, then merge", name, what)
		}
		for _, t := range m.Tables {
			if !slices.Contains(known, t) {
				return fmt.Errorf("merge: %s: manifest.json promises a table %q, which is not a tcpsim run table (%s)",
					name, t, strings.Join(known, ", "))
			}
		}
		if i == 0 {
			firstTables = m.Tables
		} else if !slices.Equal(m.Tables, firstTables) {
			return fmt.Errorf("merge: %s records tables [%s], %s records [%s]", name, strings.Join(m.Tables, ", "),
				dirs[0], strings.Join(firstTables, ", "))
		}
		for _, f := range append([]string{"runs.csv", "summary.csv"}, m.Tables...) {
			want, ok := m.Files[f]
			if !ok {
				return fmt.Errorf("merge: %s: manifest.json records no digest of %s", name, f)
			}
			got, err := results.Digest(filepath.Join(dir, f))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("merge: %s: %s is missing; the shard's manifest promises it", name, f)
			case err != nil:
				return fmt.Errorf("merge: %s: %w", name, err)
			case got.Rows != want.Rows:
				return fmt.Errorf("merge: %s: %s has %d rows, the shard's manifest recorded %d when it finished (truncated, torn or still being written?)",
					name, f, got.Rows, want.Rows)
			case got.SHA256 != want.SHA256:
				return fmt.Errorf("merge: %s: %s differs from what the shard's manifest recorded when it finished (changed since?)", name, f)
			}
		}
	}
	return nil
}

// checkOut refuses to merge into a directory that holds another
// experiment's results, or files that are not tcpsim results.
func checkOut(out string, man *results.Manifest) error {
	ents, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	old, err := results.ReadManifest(out)
	if err == nil {
		if old.ExperimentHash != man.ExperimentHash || old.Seed != man.Seed || old.Version != man.Version {
			return fmt.Errorf("merge: %s holds the results of another experiment (%q, hash %.12s); merge into a new or empty directory",
				out, old.Name, old.ExperimentHash)
		}
		return nil
	}
	for _, e := range ents {
		if e.Name() != results.LockName {
			return fmt.Errorf("merge: %s is not empty and holds no tcpsim results (%s); merge into a new or empty directory", out, e.Name())
		}
	}
	return nil
}

// mergeRunTable merges the shards' name files into out/name, one header
// and the rows of every run in (point, replication) order, by a k-way merge
// that holds one line per shard. A run found in two shards (overlapping
// shards) is taken from the first. Shards without the file contribute
// nothing; if none has it, nothing is written.
func mergeRunTable(out string, dirs []string, name string) error {
	var srcs []*RunTable
	defer func() {
		for _, t := range srcs {
			t.Close()
		}
	}()
	for _, dir := range dirs {
		t, err := OpenRunTable(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		srcs = append(srcs, t)
		if t.Header != srcs[0].Header {
			return fmt.Errorf("merge: %s has other columns than %s", t.path, srcs[0].path)
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	return results.WriteFileAtomic(filepath.Join(out, name), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.WriteString(srcs[0].Header + "\n")
		for {
			var best *RunTable
			for _, t := range srcs {
				if t.OK && (best == nil || t.run().less(best.run())) {
					best = t
				}
			}
			if best == nil {
				return bw.Flush()
			}
			run := best.run()
			for best.OK && best.run() == run {
				bw.WriteString(best.Line + "\n")
				if err := best.Next(); err != nil {
					return fmt.Errorf("merge: %w", err)
				}
			}
			for _, t := range srcs { // the same run in an overlapping shard
				for t.OK && t.run() == run {
					if err := t.Next(); err != nil {
						return fmt.Errorf("merge: %w", err)
					}
				}
			}
		}
	})
}

// RunTable reads a run table: a CSV file whose rows each belong to one run,
// named by their first two columns (point, replication), in run order, as
// connections.csv and timeseries.csv are. After OpenRunTable and each Next,
// Line is the current row and Point and Replication its run, if OK.
type RunTable struct {
	f                  *os.File
	sc                 *bufio.Scanner
	path               string
	Header, Line       string
	Point, Replication int
	OK                 bool
}

// OpenRunTable opens path and reads its header and first row. A missing
// file is an error that wraps fs.ErrNotExist.
func OpenRunTable(path string) (*RunTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t := &RunTable{f: f, sc: bufio.NewScanner(f), path: path}
	t.sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if !t.sc.Scan() {
		f.Close()
		if err := t.sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s is empty", path)
	}
	t.Header = t.sc.Text()
	if err := t.Next(); err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

// Next reads the next row; OK is false after the last.
func (t *RunTable) Next() error {
	if !t.sc.Scan() {
		t.OK = false
		if err := t.sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", t.path, err)
		}
		return nil
	}
	t.Line, t.OK = t.sc.Text(), true
	if _, err := fmt.Sscanf(t.Line, "%d,%d,", &t.Point, &t.Replication); err != nil {
		return fmt.Errorf("%s: a line that does not start with point,replication: %q", t.path, t.Line)
	}
	return nil
}

// Close closes the file.
func (t *RunTable) Close() error { return t.f.Close() }

func (t *RunTable) run() key { return key{t.Point, t.Replication} }

// sameRun compares two rows of the same run, ignoring wall-clock columns.
func sameRun(a, b results.Run, cols []results.Column) bool {
	if a.Seed != b.Seed || !slices.Equal(a.Params, b.Params) {
		return false
	}
	for i, c := range cols {
		if c.Name == "wall_s" {
			continue
		}
		x, y := a.Values[i], b.Values[i]
		if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
			return false
		}
	}
	return true
}

// less orders runs by point, then replication.
func (k key) less(o key) bool {
	return k.point < o.point || k.point == o.point && k.rep < o.rep
}
