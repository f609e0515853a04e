package figures

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

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/tracing"
	"tcpsim/plots"
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

// occupancyByEnd simulates replication rep of each point again
// (tracing.OccupancyByHost) and counts each host's TCBs by state,
// sampled as record.occupancy samples them.
func (d *resultData) occupancyByEnd(points []int, rep int, states []string) (map[int]plots.Occupancy, error) {
	if d.exp == nil {
		return nil, fmt.Errorf("by_end simulates the runs again, but the manifest's experiment does not parse back: %w", d.expErr)
	}
	if d.exp.Record.Occupancy == nil {
		return nil, errors.New("by_end samples as record.occupancy does: add record: {occupancy: {interval: 100ms}}")
	}
	interval := time.Duration(d.exp.Record.Occupancy.Interval)
	reps := sim.ReplicationSlots(d.exp)
	out := map[int]plots.Occupancy{}
	for _, pt := range points {
		o, err := tracing.OccupancyByHost(context.Background(), d.exp, pt*reps+rep, interval, states)
		if err != nil {
			return nil, err
		}
		out[pt] = o
	}
	return out, nil
}
