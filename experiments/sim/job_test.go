package sim

import (
	"os"
	"path/filepath"
	"testing"

	"tcpsim/experiments/config"
)

// tinyExperiment is experiments/testdata/tiny.yaml: a small sweep of four
// points, two replications each.
func tinyExperiment(t *testing.T) *config.Experiment {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "tiny.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := config.Parse("tiny.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestJobIsPointMajor(t *testing.T) {
	e := tinyExperiment(t)
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {1, 0, 1}, {2, 1, 0}, {7, 3, 1}} {
		j, err := Job(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep || j.Index != tc.k {
			t.Errorf("Job(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := Job(e, 8); err == nil {
		t.Error("Job(8) of 8 runs: no error")
	}
}

// With adaptive replication a point has Max run indices, as in the sweep
// package: run (p, r) is p·Max + r.
func TestJobAdaptive(t *testing.T) {
	e := tinyExperiment(t)
	e.Replications = config.Replications{Min: 2, Max: 5, Until: &config.Until{Metric: "handshake_mean_s", CIHalfWidthRel: 0.1}}
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {4, 0, 4}, {5, 1, 0}, {19, 3, 4}} {
		j, err := Job(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep {
			t.Errorf("Job(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := Job(e, 20); err == nil {
		t.Error("Job(20) of 4 points × at most 5 replications: no error")
	}
}
