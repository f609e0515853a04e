package figures

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"tcpsim/experiments/config"
	"tcpsim/experiments/metric"
	"tcpsim/plots"
)

// What the figures call things: for every run metric a label and a unit,
// from the metric table (package metric), and for every swept parameter a
// label derived from what its YAML path means.

// metricInfo is how a figure shows a run metric.
type metricInfo struct {
	// Label names the metric on an axis, without its unit.
	Label string
	// Unit is what its values measure.
	Unit plots.Unit
	// NonNegative says the metric cannot be below zero (a count, a
	// duration), so its interval must not be either.
	NonNegative bool
}

// metricUnits maps the metric table's units to the figures'.
var metricUnits = map[metric.Unit]plots.Unit{metric.Count: plots.Count, metric.Bytes: plots.Bytes, metric.Seconds: plots.Seconds,
	metric.Fraction: plots.Fraction}

// metricOf returns how to show metric m: the metric table's label, with
// "per run" after a metric that sums over the run ("Ghost connections per
// run"), and its unit; every metric in the table is a count, a size or a
// duration, so none is negative. A metric not in the table is shown by
// its name in words ("foo_bar_s" → "Foo bar", in seconds).
func metricOf(m string) metricInfo {
	if d, ok := metric.Lookup(m); ok {
		label := d.Label
		if d.PerRun == "sum" {
			label += " per run"
		}
		return metricInfo{Label: label, Unit: metricUnits[d.Unit], NonNegative: true}
	}
	if s, ok := strings.CutSuffix(m, "_s"); ok {
		return metricInfo{Label: words(s), Unit: plots.Seconds}
	}
	return metricInfo{Label: words(m)}
}

// words turns a YAML key into words: "time_wait" → "Time wait".
func words(k string) string {
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// paramInfo is how a figure shows a swept parameter.
type paramInfo struct {
	label string
	unit  plots.Unit
}

// paramPatterns give a swept path's meaning, matched on the path with its
// leading hosts[i]. / links[i]. / workloads[i]. kept; the first match
// wins.
var paramPatterns = []struct {
	re   *regexp.Regexp
	info paramInfo
}{
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?loss(?:\.p)?$`), paramInfo{"Loss probability", plots.Fraction}},
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?delay$`), paramInfo{"One-way delay", plots.Seconds}},
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?rate$`), paramInfo{"Link rate", plots.BitRate}},
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?duplicate(?:\.p)?$`), paramInfo{"Duplication probability", plots.Fraction}},
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?reorder(?:\.p)?$`), paramInfo{"Reordering probability", plots.Fraction}},
	{regexp.MustCompile(`^links\[\d+\]\.(?:forward\.|reverse\.)?queue$`), paramInfo{"Queue length", plots.Count}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.msl$`), paramInfo{"Maximum segment lifetime", plots.Seconds}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.handshake$`), paramInfo{"Handshake", plots.NoUnit}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.time_wait$`), paramInfo{"TIME-WAIT length", plots.Seconds}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.profile$`), paramInfo{"TCP profile", plots.NoUnit}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.isn$`), paramInfo{"ISN generator", plots.NoUnit}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.syn_rto_initial$`), paramInfo{"Initial SYN timeout", plots.Seconds}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.backlog\.syncookies$`), paramInfo{"SYN cookies", plots.NoUnit}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.backlog\.syn_queue$`), paramInfo{"SYN queue", plots.Count}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.backlog(?:\.\w+)?$`), paramInfo{"Listen backlog", plots.Count}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.challenge_ack$`), paramInfo{"RFC 5961", plots.NoUnit}},
	{regexp.MustCompile(`^hosts\[\d+\]\.tcp\.rcv_window$`), paramInfo{"RCV.WND", plots.Bytes}},
	{regexp.MustCompile(`^workloads\[\d+\]\.count$`), paramInfo{"Connections", plots.Count}},
	{regexp.MustCompile(`^workloads\[\d+\]\.arrivals\.poisson$`), paramInfo{"Arrival rate", plots.NoUnit}},
	{regexp.MustCompile(`^workloads\[\d+\]\.arrivals\.interval$`), paramInfo{"Time between connections", plots.Seconds}},
	{regexp.MustCompile(`^workloads\[\d+\]\.connection\.close$`), paramInfo{"Closing end", plots.NoUnit}},
	{regexp.MustCompile(`^workloads\[\d+\]\.connection\.open$`), paramInfo{"Opening", plots.NoUnit}},
}

// hostIndex matches a path under a host.
var hostIndex = regexp.MustCompile(`^hosts\[(\d+)\]\.`)

// paramOf returns how to show swept path path: its meaning from
// paramPatterns or else its last key in words, "at HOST" added for a host
// setting when the experiment names the host; and its unit, which for an
// unknown path is read off the values (durations, percentages).
func paramOf(path string, e *config.Experiment, values []string) paramInfo {
	var pi paramInfo
	found := false
	for _, p := range paramPatterns {
		if p.re.MatchString(path) {
			pi, found = p.info, true
			break
		}
	}
	if !found {
		key := path[strings.LastIndexAny(path, ".]")+1:]
		pi.label = words(key)
		pi.unit = unitOfPath(e, path)
		if pi.unit == plots.NoUnit {
			pi.unit = valuesUnit(values)
		}
	}
	if m := lossDir.FindStringSubmatch(path); m != nil {
		pi.label += " (" + m[1] + ")"
	}
	if m := hostIndex.FindStringSubmatch(path); m != nil && e != nil {
		if i, _ := strconv.Atoi(m[1]); i < len(e.Hosts) {
			pi.label += " at " + e.Hosts[i].Name
		}
	}
	return pi
}

// lossDir finds the direction of a one-way link setting.
var lossDir = regexp.MustCompile(`^links\[\d+\]\.(forward|reverse)\.`)

// valuesUnit guesses the unit of a parameter from its values: Seconds if
// every one is a duration with a unit, Fraction if every one is a
// percentage, else NoUnit.
func valuesUnit(values []string) plots.Unit {
	if len(values) == 0 {
		return plots.NoUnit
	}
	dur, pct := true, true
	for _, v := range values {
		v = strings.TrimSpace(v)
		_, err := strconv.ParseFloat(v, 64)
		_, derr := config.ParseDuration(v)
		dur = dur && err != nil && derr == nil
		pct = pct && strings.HasSuffix(v, "%")
	}
	switch {
	case dur:
		return plots.Seconds
	case pct:
		return plots.Fraction
	}
	return plots.NoUnit
}

// valueName prints a swept value for a legend or a nominal axis: a
// duration or percentage in human units ("2.6 s", "1 %"), anything else
// as written ("2msl", "three-way").
func valueName(v string, u plots.Unit) string {
	x, ok := numeric(v)
	if !ok {
		return v
	}
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && u == plots.NoUnit {
		return v
	}
	if u == plots.NoUnit {
		u = valuesUnit([]string{v})
	}
	if u == plots.NoUnit || u == plots.Count {
		return v
	}
	return plots.FormatValue(x, u)
}

// nonNegativeCI returns the 95 % interval of a non-negative metric's mean
// on the log scale (the delta method for log(mean): mean·exp(∓h/mean),
// where h is the half-width of the t interval mean ± h of summary.csv), so
// that the interval stays above zero and is skewed upwards as the
// distribution of a count or a duration is. A mean of zero from
// non-negative values means every value was zero: the interval is [0, 0].
// No interval (NaN) stays none.
func nonNegativeCI(mean, lo, hi float64) (float64, float64) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsNaN(mean) {
		return lo, hi
	}
	if mean <= 0 {
		return 0, 0
	}
	h := (hi - lo) / 2
	return mean * math.Exp(-h/mean), mean * math.Exp(h/mean)
}

// unitOfPath is the unit runs.csv gives a swept path's values in (SI, as
// package experiments writes them), from the type of its value in e.
func unitOfPath(e *config.Experiment, path string) plots.Unit {
	if e == nil {
		return plots.NoUnit
	}
	v, ok := e.Points()[0].Exp.Value(path)
	if !ok {
		return plots.NoUnit
	}
	switch v.(type) {
	case config.Duration, config.TimeWait:
		return plots.Seconds
	case config.Prob:
		return plots.Fraction
	case config.Rate:
		return plots.BitRate
	case config.Count, config.Size:
		return plots.Count
	}
	return plots.NoUnit
}
