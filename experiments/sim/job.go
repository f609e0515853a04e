package sim

import (
	"fmt"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// Job returns the sweep job of run index k: point k / n, replication k % n
// with n = ReplicationSlots(e), the convention of sweep.Execute, so that a
// run traced again (`tcpsim trace --run K`, record.trace.runs, a figure's
// run) is the run of the sweep with that index. An index out of range is
// an error naming the runs there are.
func Job(e *config.Experiment, k int) (sweep.Job, error) {
	points := e.Points()
	reps := ReplicationSlots(e)
	if k < 0 || k >= len(points)*reps {
		return sweep.Job{}, fmt.Errorf("run %d: want 0..%d (%d points × %d replications)", k, len(points)*reps-1, len(points), reps)
	}
	p := k / reps
	crn := e.Sweep == nil || e.Sweep.CommonRandomNumbers
	vals := make([]string, len(points[p].Params))
	for i := range points[p].Params {
		vals[i] = ParamValue(points[p], i)
	}
	return sweep.Job{Index: k, Point: p, Replication: k % reps, Seed: sweep.Seed(e.Seed, p, crn), Params: vals}, nil
}

// ReplicationSlots is the number of run indices per sweep point: the
// replications, or with adaptive replication the most a point may get (the
// sweep package numbers run (p, r) p·Max + r then, so that an index never
// depends on how many replications other points needed).
func ReplicationSlots(e *config.Experiment) int {
	if e.Replications.Until != nil {
		return e.Replications.Max
	}
	return e.Replications.Min
}
