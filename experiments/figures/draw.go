package figures

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sim"
	"tcpsim/plots"

	"go.yaml.in/yaml/v3"
)

// DrawPlots draws every figure the plots: section of the experiment in
// result directory dir asks for, from the result files alone (manifest.json,
// runs.csv, connections.csv, timeseries.csv, transitions.csv; a ladder
// re-simulates its run from the manifest's experiment, which is
// deterministic), into dir/plots/NAME.EXT, each written atomically. format
// (png, svg or pdf) overrides each plot's own; "" keeps them. It returns the
// files written, and an error joining the problems of the figures it could
// not draw (the others are still drawn).
func DrawPlots(dir string, format string) ([]string, error) {
	if format != "" {
		if _, err := plots.ParseFormat(format); err != nil {
			return nil, err
		}
	}
	d, err := loadResults(dir)
	if err != nil {
		return nil, err
	}
	if len(d.plots) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		return nil, err
	}
	var written []string
	var errs []error
	for _, p := range d.plots {
		// Names read back from a manifest are data: checked again exactly
		// as the experiment format checks them, never trusted as paths.
		if !config.SafeName(p.Name) || (p.Format != "" && !slices.Contains([]string{"png", "svg", "pdf"}, p.Format)) {
			errs = append(errs, fmt.Errorf("plot %.80q (format %.20q) in %s: not a file-name-safe name and format; skipped",
				p.Name, p.Format, filepath.Join(dir, "manifest.json")))
			continue
		}
		fig, err := d.figure(p)
		if err == nil {
			ext := p.Format
			if format != "" {
				ext = format
			}
			if ext == "" {
				ext = "png"
			}
			path := filepath.Join(dir, "plots", p.Name+"."+ext)
			if err = results.SaveFigure(fig, path); err == nil {
				written = append(written, path)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("plot %s (%s): %w", p.Name, p.Kind, err))
		}
	}
	return written, errors.Join(errs...)
}

// resultData is a result directory, read lazily.
type resultData struct {
	dir string
	man *results.Manifest
	exp *config.Experiment
	// expErr is why the manifest's experiment did not parse back (then
	// exp is nil and plots come from its plots: section alone).
	expErr error
	plots  []config.Plot
	runs   *results.Runs
	sum    *results.Summary
}

func loadResults(dir string) (*resultData, error) {
	m, err := results.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	d := &resultData{dir: dir, man: m}
	d.exp, d.expErr = config.Parse(filepath.Join(dir, "manifest.json"), m.Experiment)
	if d.expErr == nil {
		d.plots = d.exp.Plots
		return d, nil
	}
	// Figures from the tables need only the plots: section; the model
	// curve and the ladder need the whole experiment.
	var only struct {
		Plots []config.Plot `yaml:"plots"`
	}
	if err := yaml.Unmarshal(m.Experiment, &only); err != nil {
		return nil, fmt.Errorf("manifest.json: experiment: %w", d.expErr)
	}
	d.plots = only.Plots
	return d, nil
}

func (d *resultData) readRuns() (*results.Runs, error) {
	if d.runs != nil {
		return d.runs, nil
	}
	f, err := os.Open(filepath.Join(d.dir, "runs.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := results.ReadRuns(f, len(d.man.Params))
	if err != nil {
		return nil, fmt.Errorf("runs.csv: %w", err)
	}
	d.runs, d.sum = r, results.Summarize(r)
	return r, nil
}

func (d *resultData) figure(p config.Plot) (*plots.Figure, error) {
	switch p.Kind {
	case "metric":
		return d.metricFigure(p)
	case "cdf":
		return d.cdfFigure(p)
	case "occupancy":
		return d.occupancyFigure(p)
	case "heatmap":
		return d.heatFigure(p)
	case "coverage":
		return d.coverageFigure(p)
	case "ladder":
		return d.ladderFigure(p)
	}
	return nil, fmt.Errorf("unknown kind %q", p.Kind)
}

// paramIndex returns the runs.csv column index of a swept path.
func (d *resultData) paramIndex(path string) (int, error) {
	i := slices.Index(d.man.Params, path)
	if i < 0 {
		return -1, fmt.Errorf("%q is not a swept path of this result (swept: %s)", path, strings.Join(d.man.Params, ", "))
	}
	return i, nil
}

// numeric turns a swept value into a number for an axis: a number, a
// percentage (as a fraction) or a duration (in seconds); ok is false for
// anything else.
func numeric(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f, true
	}
	if p, ok := strings.CutSuffix(v, "%"); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(p), 64); err == nil {
			return f / 100, true
		}
	}
	if dur, err := config.ParseDuration(v); err == nil {
		return time.Duration(dur).Seconds(), true
	}
	if r, err := config.ParseArrivalRate(v); err == nil {
		return float64(r), true // per second
	}
	return 0, false
}

// seriesName names the series of a point by the values of the swept paths
// other than x (and y): "One-way delay: 5 ms, Handshake at server:
// two-way"; "" when there are none.
func (d *resultData) seriesName(params, values []string, skip ...string) string {
	var parts []string
	for i, p := range params {
		if !slices.Contains(skip, p) {
			pi := paramOf(p, d.exp, []string{values[i]})
			parts = append(parts, pi.label+": "+valueName(values[i], pi.unit))
		}
	}
	return strings.Join(parts, ", ")
}

// theme returns the theme of plot p's style.
func theme(p config.Plot) (plots.Theme, error) { return plots.ThemeFor(p.Style) }

// pick returns the first non-empty string.
func pick(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// metricFigure draws a metric's mean and 95 % CI against the swept path X,
// one series per value of the other swept paths (Series first), with the
// analytic handshake model over handshake_mean_s against a link loss.
func (d *resultData) metricFigure(p config.Plot) (*plots.Figure, error) {
	if _, err := d.readRuns(); err != nil {
		return nil, err
	}
	xi, err := d.paramIndex(p.X)
	if err != nil {
		return nil, err
	}
	params := d.man.Params
	if p.Series != "" {
		if _, err := d.paramIndex(p.Series); err != nil {
			return nil, err
		}
		params = append([]string{p.Series}, slices.DeleteFunc(slices.Clone(params), func(s string) bool { return s == p.Series })...)
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	mi := metricOf(p.Metric)
	var series []plots.SweepSeries
	index := map[string]int{}
	firstPoint := map[string]int{}
	var xs []string // x of each point, in the order appended below,
	var at [][2]int // and where the point went: series, index
	for _, row := range d.sum.Rows {
		if row.Metric != p.Metric {
			continue
		}
		vals := make([]string, len(params))
		for i, path := range params {
			vals[i] = row.Params[slices.Index(d.man.Params, path)]
		}
		name := d.seriesName(params, vals, p.X)
		k, ok := index[name]
		if !ok {
			k = len(series)
			index[name] = k
			firstPoint[name] = row.Point
			series = append(series, plots.SweepSeries{Name: name})
		}
		at = append(at, [2]int{k, len(series[k].Points)})
		lo, hi := row.CILo, row.CIHi
		if mi.NonNegative {
			lo, hi = nonNegativeCI(row.Mean, lo, hi)
		}
		series[k].Points = append(series[k].Points, plots.SweepPoint{Mean: row.Mean, Lo: lo, Hi: hi})
		xs = append(xs, row.Params[xi])
	}
	// x is numeric when every value is a number, percentage or duration;
	// otherwise nominal (names is non-nil), its values in sweep order.
	px := paramOf(p.X, d.exp, xs)
	var names, raw []string
	if slices.ContainsFunc(xs, func(v string) bool { _, ok := numeric(v); return !ok }) {
		names = []string{}
	}
	for i, v := range xs {
		x, _ := numeric(v)
		if names != nil {
			j := slices.Index(raw, v)
			if j < 0 {
				j, raw, names = len(raw), append(raw, v), append(names, valueName(v, px.unit))
			}
			x = float64(j)
		}
		series[at[i][0]].Points[at[i][1]].X = x
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no metric %q in runs.csv", p.Metric)
	}
	if len(series) == 1 && series[0].Name == "" {
		series[0].Name = "simulation (mean, 95% CI)"
		if mi.NonNegative {
			series[0].Name = "simulation (mean, 95% CI on the log scale)"
		}
	}
	opt := plots.SweepOptions{Title: p.Title, XLabel: pick(p.XLabel, px.label), YLabel: pick(p.YLabel, p.Label, mi.Label),
		XUnit: px.unit, YUnit: mi.Unit, LogX: p.LogX, LogY: p.LogY, XNames: names, Theme: th}
	if names != nil && p.LogX {
		return nil, fmt.Errorf("log_x: x %s has values that are not numbers (%s)", p.X, strings.Join(raw, ", "))
	}
	if p.Metric == "handshake_mean_s" && lossPath.MatchString(p.X) && d.exp != nil && names == nil {
		points := d.exp.Points()
		var seen []plots.HandshakeModel
		for _, s := range series {
			m, curve, ok := handshakeModel(points[firstPoint[s.Name]].Exp, p.X)
			if !ok || slices.Contains(seen, m) {
				continue
			}
			seen = append(seen, m)
			name := "model"
			if len(series) > 1 {
				name = "model, " + s.Name
			}
			opt.Analytic = append(opt.Analytic, plots.Analytic{Name: name, F: curve})
		}
	}
	if d.exp != nil && names == nil {
		firsts := make([]int, len(series))
		for i, s := range series {
			firsts[i] = firstPoint[s.Name]
		}
		opt.Analytic = append(opt.Analytic, attackModels(p.Metric, p.X, d.exp.Points(), firsts)...)
	}
	return plots.Sweep(series, opt)
}

// lossPath matches the swept paths of a link's loss probability:
// links[i].loss, links[i].loss.p, and the same under forward or reverse.
var lossPath = regexp.MustCompile(`^links\[(\d+)\]\.(?:(forward|reverse)\.)?loss(?:\.p)?$`)

// handshakeModel returns the analytic handshake model of experiment e (one
// sweep point) with the loss at path x as the variable, and the curve of
// its mean establishment time against that loss.
//
// The parameters come from the experiment the manifest records: Delay is
// the one-way delay of the link whose loss is swept (its jitter is
// ignored); RTO is the first workload's client's initial SYN timeout
// (tcp.syn_rto_initial or the profile's), MaxRTO its rto_max;
// ClientRetries its syn_retries and ServerRetries the server's
// synack_retries (when these are unbounded, as under rfc9293, the number of
// retransmissions sent before the connect timeout R2). A loss swept on the whole link applies to both
// directions; one swept on forward or reverse applies to that direction,
// the other keeping its Bernoulli loss (0 for another model). ok is false
// when the model does not apply: no workload, hosts with Linux's linear SYN
// timeouts, or a swept link that is not on the client–server path.
func handshakeModel(e *config.Experiment, x string) (plots.HandshakeModel, func(float64) float64, bool) {
	m := lossPath.FindStringSubmatch(x)
	if m == nil || len(e.Workloads) == 0 {
		return plots.HandshakeModel{}, nil, false
	}
	li, _ := strconv.Atoi(m[1])
	if li >= len(e.Links) {
		return plots.HandshakeModel{}, nil, false
	}
	w := e.Workloads[0]
	var ccfg, scfg endpoint.Config
	var okc, oks bool
	for _, h := range e.Hosts {
		cfg, err := sim.TCPConfig(h)
		if err != nil {
			return plots.HandshakeModel{}, nil, false
		}
		switch h.Name {
		case w.Client:
			ccfg, okc = cfg, true
		case w.Server.Host:
			scfg, oks = cfg, true
		}
	}
	if !okc || !oks || ccfg.SynLinearTimeouts > 0 {
		return plots.HandshakeModel{}, nil, false
	}
	dirs := e.Links[li].Directions()
	var fwd, rev *config.LinkSpec
	for i := range dirs {
		switch {
		case dirs[i].From == w.Client && dirs[i].To == w.Server.Host:
			fwd = &dirs[i].Spec
		case dirs[i].From == w.Server.Host && dirs[i].To == w.Client:
			rev = &dirs[i].Spec
		}
	}
	if fwd == nil || rev == nil {
		return plots.HandshakeModel{}, nil, false
	}
	model := plots.HandshakeModel{
		LossForward: bernoulli(fwd.Loss), LossReverse: bernoulli(rev.Loss),
		RTO: ccfg.SynRTO, MaxRTO: ccfg.MaxRTO,
		ClientRetries: retries(ccfg.SynRetries, ccfg.SynRTO, ccfg.MaxRTO, ccfg.ConnectTimeout),
		ServerRetries: retries(scfg.SynAckRetries, scfg.SynAckRTO, scfg.MaxRTO, scfg.ConnectTimeout),
		Delay:         time.Duration(fwd.Delay),
	}
	curve := func(p float64) float64 {
		mm := model
		switch m[2] {
		case "forward":
			mm.LossForward = p
		case "reverse":
			mm.LossReverse = p
		default:
			mm.LossForward, mm.LossReverse = p, p
		}
		return mm.MeanTime()
	}
	return model, curve, true
}

// retries returns the number of SYN (or SYN-ACK) retransmissions a host
// makes: n if bounded, else as many as are sent before the connect timeout
// R2 (rto doubling, capped at max), at most 30.
func retries(n int, rto, maxRTO, timeout time.Duration) int {
	switch {
	case n > 0:
		return min(n, 30)
	case timeout <= 0:
		return 30
	}
	var at time.Duration
	for k := 0; k < 30; k++ {
		at += rto
		if at >= timeout {
			return k
		}
		if rto *= 2; maxRTO > 0 && rto > maxRTO {
			rto = maxRTO
		}
	}
	return 30
}

// bernoulli returns a loss model's probability if it is Bernoulli, else 0.
func bernoulli(l *config.Loss) float64 {
	if l == nil || l.Model != "bernoulli" {
		return 0
	}
	return float64(l.P)
}

// cdfFigure draws the distribution of a metric: per-connection handshake
// times from connections.csv for handshake_mean_s when the file exists,
// otherwise the per-run values from runs.csv; one series per sweep point.
func (d *resultData) cdfFigure(p config.Plot) (*plots.Figure, error) {
	if _, err := d.readRuns(); err != nil {
		return nil, err
	}
	th, err := theme(p)
	if err != nil {
		return nil, err
	}
	names := d.pointNames()
	var series []plots.SampleSeries
	mi := metricOf(p.Metric)
	xlabel := mi.Label
	perConn := false
	if p.Metric == "handshake_mean_s" {
		byPoint, err := d.handshakeSamples()
		if err != nil {
			return nil, err
		}
		if byPoint != nil {
			xlabel, perConn = "Connect time per connection", true
			for pt, name := range names {
				if xs := byPoint[pt]; hasFinite(xs) {
					series = append(series, plots.SampleSeries{Name: name, Samples: xs})
				}
			}
		}
	}
	if !perConn {
		for pt, name := range names {
			var xs []float64
			for _, v := range d.runs.Column(p.Metric, pt) {
				if !math.IsNaN(v) {
					xs = append(xs, v)
				}
			}
			if len(xs) > 0 {
				series = append(series, plots.SampleSeries{Name: name, Samples: xs})
			}
		}
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no values of %q", p.Metric)
	}
	return plots.CDF(series, plots.CDFOptions{Title: p.Title, XLabel: pick(p.XLabel, p.Label, xlabel), YLabel: p.YLabel,
		XUnit: mi.Unit, LogX: p.LogX, Theme: th})
}

func hasFinite(xs []float64) bool {
	return slices.ContainsFunc(xs, func(x float64) bool { return !math.IsInf(x, 0) })
}

// pointNames names each sweep point present in runs.csv by its swept
// values (the experiment's name when there is no sweep).
func (d *resultData) pointNames() map[int]string {
	names := map[int]string{}
	for _, r := range d.runs.Rows {
		if _, ok := names[r.Point]; !ok {
			n := d.seriesName(d.man.Params, r.Params)
			if n == "" {
				n = d.man.Name
			}
			names[r.Point] = n
		}
	}
	return names
}

// handshakeSamples reads handshake_s from connections.csv per point: +Inf
// for a connection never established. It returns nil without the file.
func (d *resultData) handshakeSamples() (map[int][]float64, error) {
	f, err := os.Open(filepath.Join(d.dir, "connections.csv"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("connections.csv: %w", err)
	}
	pi, hi := slices.Index(head, "point"), slices.Index(head, "handshake_s")
	if pi < 0 || hi < 0 {
		return nil, errors.New("connections.csv: no point or handshake_s column")
	}
	out := map[int][]float64{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("connections.csv: %w", err)
		}
		pt, err := strconv.Atoi(rec[pi])
		if err != nil {
			return nil, fmt.Errorf("connections.csv: point %q", rec[pi])
		}
		v := math.Inf(1)
		if s := rec[hi]; s != "" {
			if v, err = strconv.ParseFloat(s, 64); err != nil || math.IsNaN(v) {
				v = math.Inf(1)
			}
		}
		out[pt] = append(out[pt], v)
	}
}
