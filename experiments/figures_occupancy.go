package experiments

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/plots"
	"tcpsim/topology"
)

// The occupancy figure: connections in each state over time, one panel per
// sweep point, and with by_end the counts of each end (host) apart.

// occupancyFigure draws the state occupancy of run p.Run or, when the
// sweep has several points, of the same replication at every point, one
// panel each: from timeseries.csv, or with p.ByEnd by simulating each run
// again and counting each host's TCBs apart (timeseries.csv sums them).
func (d *resultData) occupancyFigure(p config.Plot) (*plots.Figure, error) {
	point, rep, err := d.runOf(int(p.Run))
	if err != nil {
		return nil, err
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	points := []int{point}
	if d.man.Points > 1 {
		points = points[:0]
		for pt := 0; pt < d.man.Points; pt++ {
			points = append(points, pt)
		}
	}
	var occs map[int]plots.Occupancy
	if p.ByEnd {
		occs, err = d.occupancyByEnd(points, rep, p.States)
	} else {
		occs, err = d.readOccupancy(points, rep, p.States)
	}
	if err != nil {
		return nil, err
	}
	var panels []plots.OccupancyPanel
	for _, pt := range points {
		if o, ok := occs[pt]; ok {
			panels = append(panels, plots.OccupancyPanel{Title: d.pointTitle(pt), Occupancy: o})
		}
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("timeseries.csv has no rows for run %d (point %d, replication %d)", p.Run, point, rep)
	}
	title := p.Title
	if title == "" && len(panels) == 1 {
		title = fmt.Sprintf("%s, run %d", d.man.Name, p.Run)
	}
	return plots.StateOccupancyPanels(panels, plots.OccupancyOptions{Title: title,
		XLabel: p.XLabel, YLabel: pick(p.YLabel, p.Label), Theme: th})
}

// pointTitle names sweep point pt by its swept values, or the experiment.
func (d *resultData) pointTitle(pt int) string {
	if _, err := d.readRuns(); err == nil {
		for _, r := range d.runs.Rows {
			if r.Point == pt {
				if n := d.seriesName(d.man.Params, r.Params); n != "" {
					return n
				}
				break
			}
		}
	}
	return fmt.Sprintf("point %d", pt)
}

// readOccupancy reads the samples of replication rep of the given points
// from timeseries.csv, keeping the states asked for (all if none).
func (d *resultData) readOccupancy(points []int, rep int, states []string) (map[int]plots.Occupancy, error) {
	f, err := os.Open(filepath.Join(d.dir, "timeseries.csv"))
	if os.IsNotExist(err) {
		return nil, errors.New("no timeseries.csv: add record: {occupancy: {interval: 100ms}} to the experiment and run it again")
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("timeseries.csv: %w", err)
	}
	if len(head) < 4 || head[0] != "point" || head[1] != "replication" || head[2] != "time_s" {
		return nil, errors.New("timeseries.csv: want columns point, replication, time_s, then states")
	}
	var names []string
	var cols []int
	for i, c := range head[3:] {
		name := stateName(c)
		if len(states) == 0 || slices.Contains(states, name) {
			names = append(names, name)
			cols = append(cols, 3+i)
		}
	}
	out := map[int]plots.Occupancy{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("timeseries.csv: %w", err)
		}
		pt, err1 := strconv.Atoi(rec[0])
		rp, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("timeseries.csv: point %q, replication %q", rec[0], rec[1])
		}
		if rp != rep || !slices.Contains(points, pt) {
			continue
		}
		t, err := strconv.ParseFloat(rec[2], 64)
		if err != nil {
			return nil, fmt.Errorf("timeseries.csv: time_s %q", rec[2])
		}
		o := out[pt]
		if o.States == nil {
			for _, n := range names {
				o.States = append(o.States, plots.StateCounts{State: n})
			}
		}
		o.Time = append(o.Time, t)
		for k, c := range cols {
			v, err := strconv.ParseFloat(rec[c], 64)
			if err != nil {
				return nil, fmt.Errorf("timeseries.csv: %s %q", head[c], rec[c])
			}
			o.States[k].Counts = append(o.States[k].Counts, v)
		}
		out[pt] = o
	}
}

// occupancyByEnd simulates replication rep of each point again and counts
// each host's TCBs by state, sampled as record.occupancy samples them.
func (d *resultData) occupancyByEnd(points []int, rep int, states []string) (map[int]plots.Occupancy, error) {
	if d.exp == nil {
		return nil, fmt.Errorf("by_end simulates the runs again, but the manifest's experiment does not parse back: %w", d.expErr)
	}
	if d.exp.Record.Occupancy == nil {
		return nil, errors.New("by_end samples as record.occupancy does: add record: {occupancy: {interval: 100ms}}")
	}
	interval := time.Duration(d.exp.Record.Occupancy.Interval)
	reps := replicationSlots(d.exp)
	out := map[int]plots.Occupancy{}
	for _, pt := range points {
		o, err := OccupancyByHost(context.Background(), d.exp, pt*reps+rep, interval, states)
		if err != nil {
			return nil, err
		}
		out[pt] = o
	}
	return out, nil
}

// OccupancyByHost runs run k of e again and returns, every interval from
// time 0 to the run's last state change, how many TCBs of each host were
// in each state: one StateCounts per (state, host), End naming the host.
// A listener's TCBs count at the listener's host. states limits the
// states (all but CLOSED if empty).
func OccupancyByHost(ctx context.Context, e *config.Experiment, k int, interval time.Duration, states []string) (plots.Occupancy, error) {
	if interval <= 0 {
		return plots.Occupancy{}, fmt.Errorf("%w: occupancy interval %v", ErrTrace, interval)
	}
	j, err := RunJob(e, k)
	if err != nil {
		return plots.Occupancy{}, err
	}
	pe := e.Points()[j.Point].Exp
	parts, err := os.MkdirTemp("", "tcpsim-occupancy-")
	if err != nil {
		return plots.Occupancy{}, err
	}
	defer os.RemoveAll(parts)
	c := &hostCounter{interval: engine.Time(interval)}
	watch := func(n *topology.Network, obs *Observers) {
		c.hosts = n.Hosts()
		c.counts = make([][endpoint.NumStates]int, len(c.hosts))
		*obs = append(*obs, c)
	}
	if _, err := simulate(ctx, pe, j, parts, watch); err != nil {
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

// hostCounter counts each host's TCBs by state, as the run's collector
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
// listener forks (see collector.OnState).
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
