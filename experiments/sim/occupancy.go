package sim

import (
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// occupancySampler records how many TCBs are in each state every interval,
// for timeseries.csv, for as long as the run has other events.
type occupancySampler struct {
	sim      *engine.Sim
	col      *collector
	interval time.Duration
	id       engine.HandlerID
	times    []engine.Time
	counts   [][endpoint.NumStates]int
}

func newOccupancySampler(sim *engine.Sim, col *collector, interval time.Duration) *occupancySampler {
	o := &occupancySampler{sim: sim, col: col, interval: interval}
	o.id = sim.Register(o)
	sim.Schedule(0, o.id, 0)
	return o
}

// HandleEvent implements engine.Handler: take a sample.
func (o *occupancySampler) HandleEvent(now engine.Time, _ uint64) {
	o.times = append(o.times, now)
	o.counts = append(o.counts, o.col.occupancy)
	if o.sim.Pending() > 0 { // stop sampling once the run has nothing left to do
		o.sim.After(o.interval, o.id, 0)
	}
}
