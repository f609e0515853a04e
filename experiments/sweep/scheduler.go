package sweep

import (
	"math"
	"slices"

	"tcpsim/experiments/results"
)

// scheduler decides which runs to start next and which results to keep.
type scheduler struct {
	plan     Plan
	points   []int // the points this shard owns
	done     map[key]results.Run
	resumedN int
	// Fixed replications: the queue of jobs not yet started.
	queue []Job
	// Adaptive: per owned point, the next replication to start, the first
	// replication not yet contiguous-done, and the decided count (-1 open).
	nextRep, decided []int
	metric           int // index of the adaptive metric in the metric columns
}

func newScheduler(plan Plan, shard *results.Shard, done map[key]results.Run, metrics []results.Column) *scheduler {
	s := &scheduler{plan: plan, done: map[key]results.Run{}}
	owns := func(i int) bool { return shard == nil || i%shard.Count == shard.Index }
	if plan.Adaptive == nil {
		for p, params := range plan.Points {
			for r := range plan.Replications {
				idx := p*plan.Replications + r
				if !owns(idx) {
					continue
				}
				if row, ok := done[key{p, r}]; ok {
					s.done[key{p, r}] = row
					s.resumedN++
					continue
				}
				s.queue = append(s.queue, Job{Index: idx, Point: p, Replication: r,
					Seed: Seed(plan.Seed, p, plan.CommonRandomNumbers), Params: params})
			}
		}
		return s
	}
	s.metric = slices.IndexFunc(metrics, func(c results.Column) bool { return c.Name == plan.Adaptive.Metric })
	for p := range plan.Points {
		if owns(p) {
			s.points = append(s.points, p)
		}
	}
	s.nextRep = make([]int, len(s.points))
	s.decided = make([]int, len(s.points))
	for i, p := range s.points {
		s.decided[i] = -1
		for r := 0; ; r++ {
			row, ok := done[key{p, r}]
			if !ok {
				break
			}
			s.done[key{p, r}] = row
			s.resumedN++
		}
	}
	s.decide()
	return s
}

func (s *scheduler) total() int {
	if s.plan.Adaptive == nil {
		return len(s.queue) + len(s.done)
	}
	return len(s.points) * s.plan.Adaptive.Min
}

func (s *scheduler) resumed() int   { return s.resumedN }
func (s *scheduler) doneCount() int { return len(s.done) }

// next returns a job to start, if one is ready.
func (s *scheduler) next() (Job, bool) {
	if s.plan.Adaptive == nil {
		if len(s.queue) == 0 {
			return Job{}, false
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		return j, true
	}
	a := s.plan.Adaptive
	// Start the lowest replication of the least advanced open point, running
	// ahead of the decision by at most Min replications.
	best := -1
	for i, p := range s.points {
		if s.decided[i] >= 0 {
			continue
		}
		r := s.nextRep[i]
		for {
			if _, ok := s.done[key{p, r}]; !ok {
				break
			}
			r++
		}
		s.nextRep[i] = r
		if r >= a.Max || r >= s.contiguous(p)+a.Min {
			continue
		}
		if best < 0 || r < s.nextRep[best] {
			best = i
		}
	}
	if best < 0 {
		return Job{}, false
	}
	p, r := s.points[best], s.nextRep[best]
	s.nextRep[best]++
	return Job{Index: p*a.Max + r, Point: p, Replication: r,
		Seed: Seed(s.plan.Seed, p, s.plan.CommonRandomNumbers), Params: s.plan.Points[p]}, true
}

// contiguous returns how many replications 0..k-1 of point p are done.
func (s *scheduler) contiguous(p int) int {
	k := 0
	for {
		if _, ok := s.done[key{p, k}]; !ok {
			return k
		}
		k++
	}
}

// finished records a result and, for adaptive points, takes decisions.
func (s *scheduler) finished(row results.Run) {
	s.done[key{row.Point, row.Replication}] = row
	if s.plan.Adaptive != nil {
		s.decide()
	}
}

// decide closes every open adaptive point whose contiguous prefix of
// replications satisfies the stopping rule.
func (s *scheduler) decide() {
	a := s.plan.Adaptive
	for i, p := range s.points {
		if s.decided[i] >= 0 {
			continue
		}
		var xs []float64
		for k := 0; k < a.Max; k++ {
			row, ok := s.done[key{p, k}]
			if !ok {
				break
			}
			if v := row.Values[s.metric]; !math.IsNaN(v) {
				xs = append(xs, v)
			}
			if k+1 >= a.Min && (k+1 == a.Max || relHalfWidth(xs) <= a.RelHalfWidth) {
				s.decided[i] = k + 1
				break
			}
		}
	}
}

// complete reports whether every owned run is done (and decided).
func (s *scheduler) complete() bool {
	if s.plan.Adaptive == nil {
		return len(s.queue) == 0 && len(s.done) == s.total()
	}
	for i, p := range s.points {
		if s.decided[i] < 0 || s.contiguous(p) < s.decided[i] {
			return false
		}
	}
	return true
}

// rows returns the kept runs: all of them, or for adaptive points the
// decided prefix (or the contiguous prefix of an undecided point).
func (s *scheduler) rows() []results.Run {
	var out []results.Run
	if s.plan.Adaptive == nil {
		for _, r := range s.done {
			out = append(out, r)
		}
		return out
	}
	for i, p := range s.points {
		n := s.contiguous(p)
		if s.decided[i] >= 0 {
			n = s.decided[i]
		}
		for k := range n {
			out = append(out, s.done[key{p, k}])
		}
	}
	return out
}
