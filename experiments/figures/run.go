package figures

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/tracing"
	"tcpsim/plots"
)

// The figures of one run (occupancy, coverage, ladder), the heat map, and
// transitions.csv.

// runOf returns the point and replication of run index k of the result.
func (d *resultData) runOf(k int) (point, rep int, err error) {
	reps := max(d.man.Replications, 1)
	if d.exp != nil {
		reps = sim.ReplicationSlots(d.exp)
	}
	if k < 0 || k >= d.man.Points*reps {
		return 0, 0, fmt.Errorf("run %d: want 0..%d", k, d.man.Points*reps-1)
	}
	return k / reps, k % reps, nil
}

// stateName turns a timeseries.csv column back into the RFC spelling:
// syn_received → SYN-RECEIVED.
func stateName(col string) string { return strings.ToUpper(strings.ReplaceAll(col, "_", "-")) }

// heatFigure draws a metric's mean over the swept paths X and Y.
func (d *resultData) heatFigure(p config.Plot) (*plots.Figure, error) {
	if _, err := d.readRuns(); err != nil {
		return nil, err
	}
	xi, err := d.paramIndex(p.X)
	if err != nil {
		return nil, err
	}
	yi, err := d.paramIndex(p.Y)
	if err != nil {
		return nil, err
	}
	var g plots.Grid
	cell := map[[2]string]float64{}
	for _, row := range d.sum.Rows {
		if row.Metric != p.Metric {
			continue
		}
		if rest := d.seriesName(d.man.Params, row.Params, p.X, p.Y); rest != "" {
			return nil, fmt.Errorf("a heat map needs the sweep to vary only %s and %s; it also varies %s", p.X, p.Y, rest)
		}
		x, y := row.Params[xi], row.Params[yi]
		if !slices.Contains(g.X, x) {
			g.X = append(g.X, x)
		}
		if !slices.Contains(g.Y, y) {
			g.Y = append(g.Y, y)
		}
		cell[[2]string{x, y}] = row.Mean
	}
	if len(cell) == 0 {
		return nil, fmt.Errorf("no metric %q in runs.csv", p.Metric)
	}
	g.Z = make([][]float64, len(g.Y))
	for j, y := range g.Y {
		g.Z[j] = make([]float64, len(g.X))
		for i, x := range g.X {
			v, ok := cell[[2]string{x, y}]
			if !ok {
				v = math.NaN()
			}
			g.Z[j][i] = v
		}
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	px, py := paramOf(p.X, d.exp, g.X), paramOf(p.Y, d.exp, g.Y)
	for i, v := range g.X {
		g.X[i] = valueName(v, px.unit)
	}
	for j, v := range g.Y {
		g.Y[j] = valueName(v, py.unit)
	}
	mi := metricOf(p.Metric)
	return plots.Heat(g, plots.HeatOptions{Title: p.Title, XLabel: pick(p.XLabel, px.label), YLabel: pick(p.YLabel, py.label),
		ZLabel: pick(p.Label, mi.Label), ZUnit: mi.Unit, Annotate: len(g.X)*len(g.Y) <= 64, Theme: th})
}

// coverageFigure draws the FSM transition coverage from transitions.csv,
// which `tcpsim trace` writes.
func (d *resultData) coverageFigure(p config.Plot) (*plots.Figure, error) {
	path := filepath.Join(d.dir, "transitions.csv")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("no %s: make it with `tcpsim trace FILE.yaml --run %d --quiet --transitions %s` (FILE.yaml: this experiment)", path, p.Run, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ts, err := ReadTransitions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	title := p.Title
	if title == "" {
		title = "FSM transition coverage, " + d.man.Name
	}
	return plots.TransitionCoverage(ts, plots.CoverageOptions{Title: title, Theme: th, Legal: legalByName})
}

// ladderFigure re-runs run p.Run of the experiment recorded in the
// manifest with tracing, and draws connection p.Conn of the first
// workload (0: every segment between its hosts).
func (d *resultData) ladderFigure(p config.Plot) (*plots.Figure, error) {
	if d.exp == nil {
		return nil, fmt.Errorf("the manifest's experiment does not parse back: %w", d.expErr)
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	res, err := tracing.Trace(context.Background(), d.exp, tracing.TraceOptions{Run: int(p.Run), Ladder: true, Conn: int(p.Conn), AbsoluteSeq: p.AbsoluteSeq})
	if err != nil {
		return nil, err
	}
	title := p.Title
	if title == "" {
		title = fmt.Sprintf("%s, run %d", d.man.Name, p.Run)
		if res.ConnName != "" {
			title += ", " + res.ConnName
		}
	}
	return res.LadderFigureWith(plots.LadderOptions{Title: title, Theme: th})
}

// transitionsHeader is the header of transitions.csv.
var transitionsHeader = []string{"from_state", "to_state", "count"}

// WriteTransitions writes transitions.csv: one row per (from, to) pair
// with a non-zero count, states in RFC 9293's spelling, in state order.
func WriteTransitions(w io.Writer, ts []plots.Transition) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(transitionsHeader); err != nil {
		return err
	}
	for _, t := range ts {
		if err := cw.Write([]string{t.From, t.To, strconv.Itoa(t.Count)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadTransitions reads transitions.csv.
func ReadTransitions(r io.Reader) ([]plots.Transition, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], transitionsHeader) {
		return nil, fmt.Errorf("want the header %s", strings.Join(transitionsHeader, ","))
	}
	var out []plots.Transition
	for i, rec := range recs[1:] {
		n, err := strconv.Atoi(rec[2])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("line %d: count %q", i+2, rec[2])
		}
		for _, s := range rec[:2] {
			if !slices.Contains(plots.RFC9293States, s) {
				return nil, fmt.Errorf("line %d: state %q, want one of RFC 9293's", i+2, s)
			}
		}
		out = append(out, plots.Transition{From: rec[0], To: rec[1], Count: n})
	}
	return out, nil
}

// legalByName is endpoint.Legal, the one table of legal transitions, for
// states given by their RFC names.
func legalByName(from, to string) bool {
	f, okf := endpoint.ParseState(from)
	t, okt := endpoint.ParseState(to)
	return okf && okt && endpoint.Legal(f, t)
}
