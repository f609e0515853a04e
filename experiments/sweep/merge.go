package sweep

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tcpsim/experiments/results"
)

// Merge combines the result directories of the shards of one sweep into out,
// which then holds what an unsharded run would have written: runs.csv (the
// same bytes, wall_s aside), a recomputed summary.csv, and a manifest without
// a shard. It refuses directories of another experiment, seed or tcpsim
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
	return &man, nil
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
