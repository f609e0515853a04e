package config

// Plot is one figure drawn by `tcpsim plot`. Each kind uses some of the
// fields (see each field); giving a field the kind does not use is an
// error.
type Plot struct {
	// Name is the figure's file name stem; default "<kind>-<index>". Unique.
	Name string `yaml:"name"`
	// Kind is metric (Metric's mean and 95% CI against the swept path X,
	// one line per value of Series and of the other swept paths), cdf (the
	// distribution of Metric over the runs of each point; over connections
	// for handshake_mean_s when connections.csv exists), heatmap (Metric's
	// mean over the swept paths X and Y, which must be all the sweep
	// varies), occupancy (the states of run Run over time, from
	// timeseries.csv: needs record.occupancy), coverage (the FSM
	// transition-coverage matrix of transitions.csv, which `tcpsim trace
	// --transitions` writes) or ladder (the sequence diagram of run Run,
	// simulated again with tracing). Required.
	Kind string `yaml:"kind" cfg:"required" enum:"cdf|metric|occupancy|heatmap|coverage|ladder"`
	// Metric is the run metric plotted (a runs.csv column): metric, cdf and
	// heatmap need it.
	Metric string `yaml:"metric"`
	// X is the swept path on the horizontal axis: metric and heatmap need
	// it.
	X string `yaml:"x"`
	// Y is the swept path on the vertical axis of a heatmap, which needs it.
	Y string `yaml:"y"`
	// Series is a swept path whose values get one line each (metric).
	Series string `yaml:"series"`
	// States are the states an occupancy plot draws (default: all those
	// recorded).
	States []string `yaml:"states" enum:"CLOSED|LISTEN|SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|CLOSING|LAST-ACK|TIME-WAIT"`
	// Run is the index of the run an occupancy or ladder plot draws (point
	// × replications + replication); an occupancy plot of a sweep with
	// several points draws that replication of every point, one panel
	// each. For coverage, the run the message on a missing
	// transitions.csv says to trace. Default 0.
	Run Count `yaml:"run"`
	// Conn limits a ladder plot to one connection ordinal (0: all).
	Conn Count `yaml:"conn"`
	// Title is the figure's title; default derived from the other fields.
	Title string `yaml:"title"`
	// LogX makes the horizontal axis logarithmic (metric, cdf).
	LogX bool `yaml:"log_x"`
	// LogY makes the vertical axis logarithmic (metric).
	LogY bool `yaml:"log_y"`
	// Label names the plotted quantity, with its unit if it has one, in
	// place of the metric table's label: the y axis of a metric or
	// occupancy plot, the x axis of a cdf, the colour bar of a heatmap.
	Label string `yaml:"label"`
	// XLabel and YLabel replace an axis's label: by default the x axis of
	// a metric plot is named after the swept parameter, the y axis after
	// the metric. The axis's unit is added in parentheses unless the label
	// already ends in one.
	XLabel string `yaml:"x_label"`
	YLabel string `yaml:"y_label"`
	// Style is paper (one column wide, 8–9 pt text, dash patterns as well
	// as colours for grey print) or slides (8 in × 4.5 in, large text).
	Style string `yaml:"style" default:"paper" enum:"paper|slides"`
	// ByEnd splits an occupancy plot's counts by the end of the
	// connection (client: the active opener; server: a listener's), by
	// simulating the runs again, as timeseries.csv sums both ends.
	ByEnd bool `yaml:"by_end"`
	// AbsoluteSeq labels a ladder's segments with sequence numbers as on
	// the wire instead of relative to each incarnation's ISN.
	AbsoluteSeq bool `yaml:"absolute_seq"`
	// Format is png, svg or pdf. Default png.
	Format string `yaml:"format" default:"png" enum:"png|svg|pdf"`
}
