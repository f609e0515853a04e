package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Experiment is one experiment file, decoded, defaulted and validated. For a
// file with a sweep: section, [Experiment.Points] gives one Experiment per
// point of the sweep, with the swept values substituted.
type Experiment struct {
	// Name identifies the experiment and names its result directory
	// (results/<name>/): letters, digits, '.', '_' and '-', at most 64,
	// starting with a letter or digit. Required.
	Name string `yaml:"name" cfg:"required"`
	// Description is free text copied to the manifest.
	Description string `yaml:"description"`
	// Seed is the experiment seed from which every random stream of every run
	// is derived. Default 1.
	Seed uint64 `yaml:"seed" default:"1"`
	// Replications is how many independent runs each sweep point gets: a
	// number (default 1), or {min, max, until} for adaptive replication.
	Replications Replications `yaml:"replications" default:"1"`
	// Stop says when a run ends.
	Stop Stop `yaml:"stop"`
	// Hosts are the nodes of the network. At least one is required.
	Hosts []Host `yaml:"hosts" cfg:"required"`
	// Links connect hosts, in one or both directions.
	Links []Link `yaml:"links"`
	// Routes are static routes; traffic between hosts without one follows a
	// shortest path (fewest hops, ties broken by link order in the file).
	Routes []Route `yaml:"routes"`
	// Workloads open connections between hosts.
	Workloads []Workload `yaml:"workloads"`
	// Injections are scripted faults: replayed or dropped segments, host
	// crashes, link outages.
	Injections []Injection `yaml:"injections"`
	// Record selects optional outputs beyond runs.csv and summary.csv.
	Record Record `yaml:"record"`
	// Plots are the figures `tcpsim plot` draws from the results.
	Plots []Plot `yaml:"plots"`
	// Sweep varies parameters across runs. Nil in the Experiments of points.
	Sweep *Sweep `yaml:"sweep"`

	src *source // the node tree it was decoded from; nil for points
}

// Replications is a fixed number of replications (Min == Max, Until nil) or
// an adaptive rule: at least Min and at most Max replications per point,
// adding more until the Until criterion holds.
type Replications struct {
	// Min is the number of replications always run (≥ 1).
	Min int
	// Max is the most replications a point may get (≥ Min).
	Max int
	// Until is the precision target for adaptive replication; nil if fixed.
	Until *Until
}

// Until stops adaptive replication at a point once the Student-t confidence
// interval of Metric's mean has a half-width at most CIHalfWidthRel × |mean|.
type Until struct {
	// Metric is a run metric (a runs.csv column), e.g. handshake_mean_s.
	Metric string `yaml:"metric" cfg:"required"`
	// CIHalfWidthRel is the relative half-width target, in (0, 1].
	CIHalfWidthRel float64 `yaml:"ci_halfwidth_rel" cfg:"required"`
	// Confidence is the confidence level of the interval. Default 0.95.
	Confidence Prob `yaml:"confidence" default:"0.95"`
}

type adaptiveReplications struct {
	Min   int    `yaml:"min" cfg:"required"`
	Max   int    `yaml:"max" cfg:"required"`
	Until *Until `yaml:"until" cfg:"required"`
}

func (r *Replications) decodeNode(d *decoder, n *yaml.Node, path string) {
	const want = "want a whole number ≥ 1 or {min, max, until: {metric, ci_halfwidth_rel}}"
	if n.Kind == yaml.MappingNode {
		var a adaptiveReplications
		d.structure(n, reflectValue(&a), path)
		*r = Replications(a)
		return
	}
	s, ok := d.scalar(n, path, want)
	if !ok {
		return
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		d.errorf(n, path, "got %q, %s", clip(s), want)
		return
	}
	*r = Replications{Min: v, Max: v}
}

// String gives the fixed count, or min..max for adaptive replication.
func (r Replications) String() string {
	if r.Until == nil && r.Min == r.Max {
		return strconv.Itoa(r.Min)
	}
	return fmt.Sprintf("%d..%d", r.Min, r.Max)
}

// Stop says when a run ends: at Time if given; otherwise when every workload
// has finished and no events remain, or at MaxTime, whichever is first. Events,
// if non-zero, caps the number of events processed.
type Stop struct {
	// Time ends the run at this simulated time (0: not set).
	Time Duration `yaml:"time"`
	// Events caps the number of events a run may process (0: no cap).
	Events Count `yaml:"events"`
	// MaxTime is the safety cap on simulated time when Time is not set.
	// Default 1h.
	MaxTime Duration `yaml:"max_time" default:"1h"`
}

// Host is a node of the network with one TCP stack.
type Host struct {
	// Name identifies the host in links, routes, workloads and injections:
	// a letter, then letters, digits, '_' or '-'. Required, unique.
	Name string `yaml:"name" cfg:"required"`
	// Addr is the host's IPv4 address; default 10.0.0.N for the N-th host
	// (1-based). Unique.
	Addr IPv4 `yaml:"addr"`
	// TCP is the host's TCP configuration.
	TCP TCP `yaml:"tcp"`
	// Ports is the host's ephemeral port allocation for active opens.
	Ports Ports `yaml:"ports"`
}

// Ports is a host's ephemeral port allocator.
type Ports struct {
	// Range is the ephemeral port range. Default 49152-65535 (RFC 6335).
	// A small range forces 4-tuple reuse.
	Range PortRange `yaml:"range" default:"49152-65535"`
	// Policy picks the next port: sequential (wrapping, skipping ports in
	// use) or random (uniform over free ports). Default sequential.
	Policy string `yaml:"policy" default:"sequential" enum:"sequential|random"`
}

// TimeWait is the TIME-WAIT duration: a multiple of MSL (2msl), a fixed
// duration, or none (skip TIME-WAIT and go straight to CLOSED).
type TimeWait struct {
	// MSLs is the multiple of MSL when written as Nmsl; 0 otherwise.
	MSLs float64
	// Duration is the fixed length when written as a duration.
	Duration Duration
	// None is true for "none".
	None bool
}

const timeWaitWant = "want 2msl (any multiple of MSL), a duration such as 30s, or none"

// ParseTimeWait parses a TimeWait: "2msl", "30s", "0" or "none".
func ParseTimeWait(s string) (TimeWait, error) {
	switch {
	case s == "none":
		return TimeWait{None: true}, nil
	case strings.HasSuffix(s, "msl"):
		num := strings.TrimSpace(strings.TrimSuffix(s, "msl"))
		if !isDecimal(num) {
			return TimeWait{}, fmt.Errorf("got %q, %s", s, timeWaitWant)
		}
		f, _ := strconv.ParseFloat(num, 64)
		return TimeWait{MSLs: f}, nil
	}
	v, err := ParseDuration(s)
	if err != nil {
		return TimeWait{}, fmt.Errorf("got %q, %s", s, timeWaitWant)
	}
	return TimeWait{Duration: v}, nil
}

// String formats t as ParseTimeWait reads it.
func (t TimeWait) String() string {
	switch {
	case t.None:
		return "none"
	case t.MSLs != 0:
		return strconv.FormatFloat(t.MSLs, 'g', -1, 64) + "msl"
	}
	return t.Duration.String()
}

// Resolve returns the TIME-WAIT length given the MSL, and false for none.
func (t TimeWait) Resolve(msl Duration) (Duration, bool) {
	switch {
	case t.None:
		return 0, false
	case t.MSLs != 0:
		return Duration(t.MSLs * float64(msl)), true
	}
	return t.Duration, true
}

func (t *TimeWait) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, timeWaitWant, t, ParseTimeWait)
}
