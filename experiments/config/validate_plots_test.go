package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestPlotKinds checks, kind by kind, that a plot needs exactly the fields
// experiments/figures draws it from and refuses the fields it ignores.
func TestPlotKinds(t *testing.T) {
	const (
		base = `name: p
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], delay: 1ms}]
`
		twoPaths   = "sweep:\n  grid:\n    links[0].loss: [0, 1%]\n    links[0].delay: [1ms, 2ms]\n"
		threePaths = twoPaths + "    links[0].rate: [0, 1Mbps]\n"
		occupancy  = "record: {occupancy: {interval: 100ms}}\n"
	)
	takes := func(kind, fields string) string {
		return "a " + kind + " plot does not use %s; it takes name, kind, title, style, format" + fields
	}
	for _, tt := range []struct {
		name  string
		plot  string
		extra string // sweep and record sections; default twoPaths and occupancy
		want  []string
	}{
		// metric: metric and x needed; series, log_x, log_y optional.
		{"metric", "{kind: metric, metric: handshake_mean_s, x: 'links[0].loss', series: 'links[0].delay', log_x: true, log_y: true, title: T, format: svg, name: m}", "", nil},
		{"metric without metric and x", "{kind: metric}", "", []string{
			"plots[0]: a metric plot needs metric:",
			"plots[0]: a metric plot needs x: (a swept path)"}},
		{"metric with y, run and states", "{kind: metric, metric: events, x: 'links[0].loss', y: 'links[0].delay', run: 1, states: [LISTEN]}", "", []string{
			"plots[0].y: " + fmt.Sprintf(takes("metric", ", metric, x, series, log_x, log_y, label, x_label, y_label"), "y"),
			"plots[0].run: " + fmt.Sprintf(takes("metric", ", metric, x, series, log_x, log_y, label, x_label, y_label"), "run"),
			"plots[0].states: " + fmt.Sprintf(takes("metric", ", metric, x, series, log_x, log_y, label, x_label, y_label"), "states")}},
		{"metric with series x", "{kind: metric, metric: events, x: 'links[0].loss', series: 'links[0].loss'}", "", []string{
			`plots[0].series: got "links[0].loss", the same path as x; want another swept path`}},
		{"metric x not swept", "{kind: metric, metric: events, x: 'links[0].rate'}", "", []string{
			`plots[0].x: got "links[0].rate", want a swept path (did you mean "links[0].loss"?): one of links[0].delay, links[0].loss`}},

		// cdf: metric needed; log_x optional.
		{"cdf", "{kind: cdf, metric: syn_retransmits, log_x: true}", "", nil},
		{"cdf without a sweep", "{kind: cdf, metric: syn_retransmits}", "record: {connections: true}\n", nil},
		{"cdf without metric", "{kind: cdf}", "", []string{"plots[0]: a cdf plot needs metric:"}},
		{"cdf with x and log_y", "{kind: cdf, metric: events, x: 'links[0].loss', log_y: true}", "", []string{
			"plots[0].x: " + fmt.Sprintf(takes("cdf", ", metric, log_x, label, x_label, y_label"), "x"),
			"plots[0].log_y: " + fmt.Sprintf(takes("cdf", ", metric, log_x, label, x_label, y_label"), "log_y")}},
		{"cdf with an unknown metric", "{kind: cdf, metric: handshake_avg_s}", "", []string{
			`plots[0].metric: got "handshake_avg_s", want a run metric (did you mean "handshake_p50_s"?) (docs/metrics.md lists all ` + strconv.Itoa(len(Metrics)) + ")"}},

		// heatmap: metric, x and y needed, and the sweep varies only x and y.
		{"heatmap", "{kind: heatmap, metric: segments_sent, x: 'links[0].loss', y: 'links[0].delay'}", "", nil},
		{"heatmap without y", "{kind: heatmap, metric: segments_sent, x: 'links[0].loss'}", "", []string{
			"plots[0]: a heatmap plot needs y: (a second swept path)"}},
		{"heatmap with y x", "{kind: heatmap, metric: segments_sent, x: 'links[0].loss', y: 'links[0].loss'}", "", []string{
			`plots[0].y: got "links[0].loss", the same path as x; want another swept path`}},
		{"heatmap over a three-path sweep", "{kind: heatmap, metric: segments_sent, x: 'links[0].loss', y: 'links[0].delay'}", threePaths + occupancy, []string{
			"plots[0]: a heatmap needs a sweep that varies only x and y; this one also varies links[0].rate"}},
		{"heatmap with series and log_x", "{kind: heatmap, metric: events, x: 'links[0].loss', y: 'links[0].delay', series: 'links[0].loss', log_x: true}", "", []string{
			"plots[0].series: " + fmt.Sprintf(takes("heatmap", ", metric, x, y, label, x_label, y_label"), "series"),
			"plots[0].log_x: " + fmt.Sprintf(takes("heatmap", ", metric, x, y, label, x_label, y_label"), "log_x")}},

		// occupancy: nothing needed but record.occupancy; run and states optional.
		{"occupancy", "{kind: occupancy, run: 3, states: [SYN-RECEIVED, TIME-WAIT]}", "", nil},
		{"occupancy without record.occupancy", "{kind: occupancy}", twoPaths, []string{
			"plots[0]: an occupancy plot draws timeseries.csv: add record: {occupancy: {interval: 100ms}}"}},
		{"occupancy of a state not recorded", "{kind: occupancy, states: [TIME-WAIT, LISTEN]}", "record: {occupancy: {interval: 1s, states: [TIME-WAIT]}}\n", []string{
			"plots[0].states[1]: got LISTEN, a state record.occupancy.states leaves out; recorded: TIME-WAIT"}},
		{"occupancy of a misspelt state", "{kind: occupancy, states: [TIMEWAIT]}", "", []string{
			`plots[0].states[0]: got "TIMEWAIT", want one of CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT (did you mean "TIME-WAIT"?)`}},
		{"occupancy with metric and conn", "{kind: occupancy, metric: events, conn: 2}", "", []string{
			"plots[0].metric: " + fmt.Sprintf(takes("occupancy", ", run, states, by_end, label, x_label, y_label"), "metric"),
			"plots[0].conn: " + fmt.Sprintf(takes("occupancy", ", run, states, by_end, label, x_label, y_label"), "conn")}},

		// coverage: the transition matrix needs neither metric nor x.
		{"coverage", "{kind: coverage}", "", nil},
		// A null is "not given" (docs/experiment-format.md), so coverage
		// takes it where it takes no metric or x.
		{"coverage with null metric and x", "{kind: coverage, metric: ~, x: null}", "", nil},
		{"coverage without a sweep", "{kind: coverage, run: 1, title: FSM}", "\n", nil},
		{"coverage with metric and x", "{kind: coverage, metric: handshake_mean_s, x: 'links[0].loss'}", "", []string{
			"plots[0].metric: " + fmt.Sprintf(takes("coverage", ", run"), "metric"),
			"plots[0].x: " + fmt.Sprintf(takes("coverage", ", run"), "x")}},

		// ladder: nothing needed; run and conn optional.
		{"ladder", "{kind: ladder, run: 2, conn: 1, format: pdf}", "", nil},
		{"ladder with states and log_x", "{kind: ladder, states: [LISTEN], log_x: false}", "", []string{
			"plots[0].states: " + fmt.Sprintf(takes("ladder", ", run, conn, absolute_seq"), "states"),
			"plots[0].log_x: " + fmt.Sprintf(takes("ladder", ", run, conn, absolute_seq"), "log_x")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			extra := tt.extra
			if extra == "" {
				extra = twoPaths + occupancy
			}
			src := base + extra + "plots:\n  - " + tt.plot + "\n"
			_, err := Parse("p.yaml", []byte(src))
			var got []string
			var es *Errors
			if errors.As(err, &es) {
				for _, e := range es.List {
					got = append(got, e.Path+": "+e.Msg)
				}
			} else if err != nil {
				t.Fatalf("Parse: %v (%T), want nil or *Errors", err, err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Parse(%s) errors:\n%s\nwant:\n%s", tt.plot, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestPlotKindsCoverTheEnum checks that the table of plot kinds and the
// kind: enum name the same kinds, and that every field a kind uses exists.
func TestPlotKindsCoverTheEnum(t *testing.T) {
	var enum []string
	fields := map[string]bool{}
	for _, f := range fieldsOf(plotType) {
		fields[f.name] = true
		if f.name == "kind" {
			enum = f.enum
		}
	}
	if len(enum) != len(plotKinds) {
		t.Errorf("kind: enum %v, plotKinds has %d kinds", enum, len(plotKinds))
	}
	for _, k := range enum {
		pk, ok := plotKinds[k]
		if !ok {
			t.Errorf("kind %q has no entry in plotKinds", k)
			continue
		}
		for _, f := range append(append(append([]string(nil), plotCommon...), pk.needs...), pk.takes...) {
			if !fields[f] {
				t.Errorf("plotKinds[%q] names %q, not a field of Plot", k, f)
			}
		}
	}
}
