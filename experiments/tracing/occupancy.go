package tracing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/plots"
	"tcpsim/topology"
)

// Each host's TCBs by state over a run, for the occupancy figure's by_end
// (package figures draws it): timeseries.csv sums the hosts, so the run is
// simulated again with a counter per host attached.

// OccupancyByHost runs run k of e again and returns, every interval from
// time 0 to the run's last state change, how many TCBs of each host were
// in each state: one StateCounts per (state, host), End naming the host.
// A listener's TCBs count at the listener's host. states limits the
// states (all but CLOSED if empty).
func OccupancyByHost(ctx context.Context, e *config.Experiment, k int, interval time.Duration, states []string) (plots.Occupancy, error) {
	if interval <= 0 {
		return plots.Occupancy{}, fmt.Errorf("%w: occupancy interval %v", ErrTrace, interval)
	}
	j, err := sim.Job(e, k)
	if err != nil {
		return plots.Occupancy{}, fmt.Errorf("%w: %w", ErrTrace, err)
	}
	pe := e.Points()[j.Point].Exp
	c := &hostCounter{interval: engine.Time(interval)}
	watch := func(n *topology.Network) endpoint.Observer {
		c.hosts = n.Hosts()
		c.counts = make([][endpoint.NumStates]int, len(c.hosts))
		return c
	}
	if _, err := sim.Run(ctx, pe, j, sim.Options{Watch: watch}); err != nil {
		return plots.Occupancy{}, err
	}
	c.sampleUntil(c.last + 1)
	var o plots.Occupancy
	for i := range c.samples {
		o.Time = append(o.Time, (engine.Time(i) * c.interval).Seconds())
	}
	for s := endpoint.State(0); s < endpoint.NumStates; s++ {
		name := s.String()
		if len(states) == 0 && s == endpoint.Closed || len(states) > 0 && !slices.Contains(states, name) {
			continue
		}
		for h, host := range c.hosts {
			sc := plots.StateCounts{State: name, End: host.Name, Counts: make([]float64, len(c.samples))}
			for i := range c.samples {
				sc.Counts[i] = float64(c.samples[i][h][s])
			}
			o.States = append(o.States, sc)
		}
	}
	return o, nil
}

// hostCounter counts each host's TCBs by state, as sim's collector
// counts them all, and samples the counts every interval.
type hostCounter struct {
	interval engine.Time
	hosts    []*topology.Host
	counts   [][endpoint.NumStates]int
	samples  [][][endpoint.NumStates]int
	last     engine.Time
}

// host returns the index of the host with address a.
func (c *hostCounter) host(a endpoint.Addr) int {
	return slices.IndexFunc(c.hosts, func(h *topology.Host) bool { return h.Addr == a })
}

// sampleUntil takes the samples due before time t.
func (c *hostCounter) sampleUntil(t engine.Time) {
	for engine.Time(len(c.samples))*c.interval < t {
		snap := make([][endpoint.NumStates]int, len(c.counts))
		copy(snap, c.counts)
		c.samples = append(c.samples, snap)
	}
}

// OnState implements endpoint.Observer, with the collector's rules for
// listener forks (see collector.OnState in package sim).
func (c *hostCounter) OnState(e endpoint.StateEvent) {
	c.sampleUntil(e.Time)
	c.last = e.Time
	h := c.host(e.Conn.Local.Addr)
	if h < 0 {
		return
	}
	fork := e.Passive && e.From == endpoint.Listen && e.To != endpoint.Closed
	if e.From != endpoint.Closed && !fork {
		c.counts[h][e.From]--
	}
	unfork := e.Passive && e.To == endpoint.Listen && e.From != endpoint.Closed
	if e.To != endpoint.Closed && !unfork {
		c.counts[h][e.To]++
	}
}

// OnSegment implements endpoint.Observer.
func (c *hostCounter) OnSegment(endpoint.SegmentEvent) {}
