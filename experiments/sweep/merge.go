package sweep

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tcpsim/experiments/results"
)

// Merge combines the result directories of the shards of one sweep into out,
// which then holds what an unsharded run would have written: runs.csv (the
// same bytes, wall_s aside), a recomputed summary.csv, the RunTables the
// shards wrote, and a manifest without a shard. It refuses directories of another experiment, seed or tcpsim
// version, overlapping shards that disagree, and an incomplete set of shards.
func Merge(out string, dirs []string) (*results.Manifest, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("merge: no directories to merge")
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
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := writeDir(out, table, results.Summarize(table), &man); err != nil {
		return nil, err
	}
	for _, name := range RunTables {
		if err := mergeRunTable(out, dirs, name); err != nil {
			return nil, err
		}
	}
	return &man, nil
}

// RunTables are the CSV files besides runs.csv whose rows each belong to
// one run, named by their first two columns (point, replication), in run
// order: Merge combines them too.
var RunTables = []string{"connections.csv", "timeseries.csv"}

// mergeRunTable merges the shards' name files into out/name, one header
// and the rows of every run in (point, replication) order, by a k-way merge
// that holds one line per shard. A run found in two shards (overlapping
// shards) is taken from the first. Shards without the file contribute
// nothing; if none has it, nothing is written.
func mergeRunTable(out string, dirs []string, name string) error {
	var srcs []*runLines
	defer func() {
		for _, s := range srcs {
			s.f.Close()
		}
	}()
	header := ""
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		s := &runLines{f: f, sc: bufio.NewScanner(f), path: filepath.Join(dir, name)}
		s.sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		srcs = append(srcs, s)
		if !s.sc.Scan() {
			return fmt.Errorf("merge: %s is empty", s.path)
		}
		if header == "" {
			header = s.sc.Text()
		} else if s.sc.Text() != header {
			return fmt.Errorf("merge: %s has other columns than the first shard's %s", s.path, name)
		}
		if err := s.next(); err != nil {
			return err
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	return results.WriteFileAtomic(filepath.Join(out, name), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.WriteString(header + "\n")
		for {
			var best *runLines
			for _, s := range srcs {
				if s.ok && (best == nil || s.run.less(best.run)) {
					best = s
				}
			}
			if best == nil {
				return bw.Flush()
			}
			run := best.run
			for best.ok && best.run == run {
				bw.WriteString(best.line + "\n")
				if err := best.next(); err != nil {
					return err
				}
			}
			for _, s := range srcs { // the same run in an overlapping shard
				for s.ok && s.run == run {
					if err := s.next(); err != nil {
						return err
					}
				}
			}
		}
	})
}

// runLines reads a run table line by line, knowing each line's run.
type runLines struct {
	f    *os.File
	sc   *bufio.Scanner
	path string
	line string
	run  key
	ok   bool // line and run hold a line
}

func (s *runLines) next() error {
	if !s.sc.Scan() {
		s.ok = false
		if err := s.sc.Err(); err != nil {
			return fmt.Errorf("merge: %s: %w", s.path, err)
		}
		return nil
	}
	s.line, s.ok = s.sc.Text(), true
	if _, err := fmt.Sscanf(s.line, "%d,%d,", &s.run.point, &s.run.rep); err != nil {
		return fmt.Errorf("merge: %s: a line that does not start with point,replication: %q", s.path, s.line)
	}
	return nil
}

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
