package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// plotKind lists the fields of a Plot that one kind uses, as
// experiments/figures draws it: needs are the fields it cannot be drawn
// without, takes the optional ones. Every kind also takes plotCommon. A
// field a kind does not use is an error, not a setting silently ignored.
type plotKind struct {
	needs, takes []string
}

var (
	plotCommon = []string{"name", "kind", "title", "style", "format"}
	plotType   = reflect.TypeFor[Plot]()
)

var plotKinds = map[string]plotKind{
	// metric: the mean of metric and its 95% CI against the swept path x
	// (runs.csv), one line per value of series and of the other swept paths.
	"metric": {needs: []string{"metric", "x"}, takes: []string{"series", "log_x", "log_y", "label", "x_label", "y_label"}},
	// cdf: the distribution of metric over the runs of each point (over
	// connections, from connections.csv, for handshake_mean_s).
	"cdf": {needs: []string{"metric"}, takes: []string{"log_x", "label", "x_label", "y_label"}},
	// heatmap: the mean of metric over the swept paths x and y, which must
	// be all the sweep varies.
	"heatmap": {needs: []string{"metric", "x", "y"}, takes: []string{"label", "x_label", "y_label"}},
	// occupancy: the states of one run over time, from timeseries.csv (by
	// end: simulated again), one panel per sweep point.
	"occupancy": {takes: []string{"run", "states", "by_end", "label", "x_label", "y_label"}},
	// coverage: the FSM transition-coverage matrix of transitions.csv, which
	// `tcpsim trace --transitions` writes; run is the run the message on a
	// missing file tells the user to trace.
	"coverage": {takes: []string{"run"}},
	// ladder: the sequence diagram of one run, simulated again with tracing,
	// of every connection or of conn.
	"ladder": {takes: []string{"run", "conn", "absolute_seq"}},
}

// plotNeedHint says what a needed field holds, for the message when it is
// missing.
var plotNeedHint = map[string]string{"metric": "", "x": " (a swept path)", "y": " (a second swept path)"}

// validatePlots checks the plots: names, the fields each kind needs and
// uses, metrics and swept paths. occ is record.occupancy, which an
// occupancy plot draws from.
func (d *decoder) validatePlots(ps []Plot, occ *Occupancy, swept map[string]bool) {
	names := map[string]string{}
	sweptList := make([]string, 0, len(swept))
	for k := range swept {
		sweptList = append(sweptList, k)
	}
	sort.Strings(sweptList)
	sweptPath := func(path, v string) {
		if v != "" && !swept[v] {
			if len(sweptList) == 0 {
				d.errorAt(path, "got %q, but the experiment has no sweep", clip(v))
			} else {
				d.errorAt(path, "got %q, want a swept path%s: one of %s", clip(v), didYouMean(v, sweptList), strings.Join(sweptList, ", "))
			}
		}
	}
	for i := range ps {
		pl := &ps[i]
		p := indexPath("plots", i)
		if pl.Name == "" {
			pl.Name = fmt.Sprintf("%s-%d", pl.Kind, i)
		} else if !safeName.MatchString(pl.Name) {
			d.errorAt(p+".name", "got %q, want a file-name-safe name", clip(pl.Name))
		}
		d.unique(names, pl.Name, p+".name", "plot")
		k, ok := plotKinds[pl.Kind]
		if !ok {
			continue // the decoder reported the kind
		}
		value := map[string]string{"metric": pl.Metric, "x": pl.X, "y": pl.Y, "series": pl.Series}
		for _, f := range k.needs {
			if value[f] == "" {
				d.errorAt(p, "a %s plot needs %s:%s", pl.Kind, f, plotNeedHint[f])
			}
		}
		uses := append(append(append([]string(nil), plotCommon...), k.needs...), k.takes...)
		for _, f := range fieldsOf(plotType) {
			if n, given := d.at[p+"."+f.name]; given && !isNull(n) && !contains(uses, f.name) {
				d.errorAt(p+"."+f.name, "a %s plot does not use %s; it takes %s", pl.Kind, f.name, strings.Join(uses, ", "))
			}
		}
		if contains(uses, "metric") {
			d.checkMetric(p+".metric", pl.Metric)
		}
		for _, f := range []string{"x", "y", "series"} {
			if contains(uses, f) {
				sweptPath(p+"."+f, value[f])
			}
		}
		switch pl.Kind {
		case "metric":
			if pl.Series != "" && pl.Series == pl.X {
				d.errorAt(p+".series", "got %q, the same path as x; want another swept path", clip(pl.Series))
			}
		case "heatmap":
			if pl.X != "" && pl.X == pl.Y {
				d.errorAt(p+".y", "got %q, the same path as x; want another swept path", clip(pl.Y))
			}
			var other []string
			for _, s := range sweptList {
				if s != pl.X && s != pl.Y {
					other = append(other, s)
				}
			}
			if pl.X != "" && pl.X != pl.Y && swept[pl.X] && swept[pl.Y] && len(other) > 0 {
				d.errorAt(p, "a heatmap needs a sweep that varies only x and y; this one also varies %s", strings.Join(other, ", "))
			}
		case "occupancy":
			if occ == nil {
				d.errorAt(p, "an occupancy plot draws timeseries.csv: add record: {occupancy: {interval: 100ms}}")
				break
			}
			for j, s := range pl.States {
				if len(occ.States) > 0 && !contains(occ.States, s) {
					d.errorAt(indexPath(p+".states", j), "got %s, a state record.occupancy.states leaves out; recorded: %s", s, strings.Join(occ.States, ", "))
				}
			}
		}
	}
}
