package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Link is a channel between two hosts: both directions with one spec
// (Between), or one direction (From, To).
type Link struct {
	// Name identifies the link for injections; default "a-b" for
	// between: [a, b] and "a->b" for from: a, to: b. Unique.
	Name string `yaml:"name"`
	// Between names the two hosts of a bidirectional link; each direction
	// gets its own channel with the same spec (and its own random streams).
	Between []string `yaml:"between"`
	// From and To name the hosts of a one-way link.
	From string `yaml:"from"`
	// To is the receiving host of a one-way link.
	To string `yaml:"to"`
	// LinkSpec is the channel model of both directions.
	LinkSpec `yaml:",inline"`
	// Forward overrides fields of the spec for the Between[0]→Between[1]
	// direction; the fields not given keep the shared values.
	Forward *LinkSpec `yaml:"forward" cfg:"overlay"`
	// Reverse overrides fields for the Between[1]→Between[0] direction.
	Reverse *LinkSpec `yaml:"reverse" cfg:"overlay"`
}

// Direction is one one-way channel of a link, ready to build.
type Direction struct {
	// Link is the link's name; Name is "link/from->to", a stable component
	// path for the direction's random streams.
	Link, Name string
	// From and To are the sending and receiving hosts.
	From, To string
	// Spec is the direction's model, overrides applied.
	Spec LinkSpec
}

// Directions returns the one-way channels of l: two for a between-link
// (forward first), one for a from/to link.
func (l *Link) Directions() []Direction {
	if len(l.Between) != 2 {
		return []Direction{{l.Name, l.Name + "/" + l.From + "->" + l.To, l.From, l.To, l.LinkSpec}}
	}
	a, b := l.Between[0], l.Between[1]
	fwd, rev := l.LinkSpec, l.LinkSpec
	if l.Forward != nil {
		fwd = *l.Forward
	}
	if l.Reverse != nil {
		rev = *l.Reverse
	}
	return []Direction{
		{l.Name, l.Name + "/" + a + "->" + b, a, b, fwd},
		{l.Name, l.Name + "/" + b + "->" + a, b, a, rev},
	}
}

// LinkSpec is the model of one direction of a link. A packet is queued,
// serialized at Rate (its wire size being the TCP segment plus 40 bytes of
// TCP/IP header plus Overhead), then delayed by Delay plus a Jitter draw,
// subject to loss, corruption, duplication and reordering.
type LinkSpec struct {
	// Delay is the one-way propagation delay. Default 0.
	Delay Duration `yaml:"delay"`
	// Jitter adds a random delay per packet. Packets may overtake each other
	// only if Reorder allows it; otherwise a packet never leaves before the
	// one ahead of it. A plain duration J is a spread, as netem's "delay D J"
	// is: uniform within ±J of Delay (which must then be at least J).
	Jitter *Dist `yaml:"jitter"`
	// Rate is the serialization rate; 0 (default) is unlimited.
	Rate Rate `yaml:"rate"`
	// Overhead is the link-layer bytes added to every packet (e.g. 38 for
	// Ethernet framing with preamble and gap). Default 0.
	Overhead Size `yaml:"overhead"`
	// Queue bounds the packets waiting for serialization (tail drop).
	Queue Queue `yaml:"queue"`
	// Loss drops packets: a probability (Bernoulli) or a model.
	Loss *Loss `yaml:"loss"`
	// Duplicate delivers extra copies of packets, possibly much later (old
	// duplicates). A plain probability in the file means {p: ...}.
	Duplicate *Duplicate `yaml:"duplicate"`
	// Reorder lets packets overtake others.
	Reorder *Reorder `yaml:"reorder"`
	// Corrupt is the probability that a packet arrives with a bad checksum
	// (and is discarded by the receiver, counted apart from loss).
	Corrupt Prob `yaml:"corrupt"`
	// Down lists outages: the link drops everything from At until Up.
	Down []Outage `yaml:"down"`
}

// Queue bounds a link's transmit queue; 0 means unbounded. If both are given,
// a packet is dropped when either bound would be exceeded.
type Queue struct {
	// Packets is the queue's capacity in packets. Default 1000.
	Packets Count `yaml:"packets" default:"1000"`
	// Bytes is the queue's capacity in bytes; 0: no byte bound.
	Bytes Size `yaml:"bytes"`
}

// Outage is an interval during which a link drops every packet.
type Outage struct {
	// At is when the link goes down. Required.
	At Duration `yaml:"at" cfg:"required"`
	// Up is when it comes back (> At); 0: it stays down.
	Up Duration `yaml:"up"`
}

// Loss is a packet loss model. A plain probability in the file means
// {model: bernoulli, p: ...}.
type Loss struct {
	// Model is bernoulli (independent losses with probability P),
	// gilbert-elliott (two states), markov4 (the four-state model of Salvo
	// et al. used by Linux netem) or list (drop exactly the packets whose
	// 1-based ordinals on this direction are listed in Drop).
	Model string `yaml:"model" cfg:"required" enum:"bernoulli|gilbert-elliott|markov4|list"`
	// P is the loss probability of the bernoulli model.
	P Prob `yaml:"p"`
	// PGB and PBG are the gilbert-elliott transition probabilities per
	// packet: good→bad and bad→good.
	PGB Prob `yaml:"p_gb"`
	// PBG is the bad→good transition probability.
	PBG Prob `yaml:"p_bg"`
	// LossGood and LossBad are the loss probabilities in each state
	// (defaults 0 and 1: the simple Gilbert model).
	LossGood Prob `yaml:"loss_good"`
	// LossBad is the loss probability in the bad state. Default 1.
	LossBad *Prob `yaml:"loss_bad"`
	// P13, P31, P32, P23 and P14 are the markov4 transition probabilities
	// (netem's "loss state p13 p31 p32 p23 p14").
	P13 Prob `yaml:"p13"`
	// P31 is the markov4 3→1 transition probability.
	P31 Prob `yaml:"p31"`
	// P32 is the markov4 3→2 transition probability.
	P32 Prob `yaml:"p32"`
	// P23 is the markov4 2→3 transition probability.
	P23 Prob `yaml:"p23"`
	// P14 is the markov4 1→4 transition probability.
	P14 Prob `yaml:"p14"`
	// Drop lists the 1-based ordinals of the packets the list model drops.
	Drop []Count `yaml:"drop"`
}

// lossParams lists the fields each loss model takes and those it requires.
var lossParams = map[string][2][]string{
	"bernoulli":       {{"p"}, {"p"}},
	"gilbert-elliott": {{"p_gb", "p_bg", "loss_good", "loss_bad"}, {"p_gb", "p_bg"}},
	"markov4":         {{"p13", "p31", "p32", "p23", "p14"}, {"p13"}},
	"list":            {{"drop"}, {"drop"}},
}

type lossFields Loss

func (l *Loss) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		p, err := ParseProb(strings.TrimSpace(n.Value))
		if err != nil {
			d.errorf(n, path, "%s, or a mapping {model: bernoulli|gilbert-elliott|markov4|list, ...}", err)
			return
		}
		*l = Loss{Model: "bernoulli", P: p}
		return
	}
	d.structure(n, reflectValue((*lossFields)(l)), path)
	if n.Kind == yaml.MappingNode && l.Model != "" {
		d.modelParams(n, path, "model", l.Model, lossParams[l.Model])
	}
}

// Dist is a distribution of durations: a plain duration in the file means
// {dist: constant, value: ...}, except for a link's jitter, where a plain
// duration J means what netem's "delay D J" does, a spread: uniform on
// [-J, J) around the delay, held as {dist: uniform, min: -J, max: J} (the
// one place a negative duration appears; the file cannot write one).
type Dist struct {
	// Dist names the distribution: constant (Value), uniform (Min, Max),
	// normal (Mean, Stddev; draws below 0 are redrawn), exponential (Mean),
	// pareto (Scale, Shape), lognormal (Median, Sigma: the standard deviation
	// of the underlying normal) or empirical (Samples, drawn uniformly).
	Dist string `yaml:"dist" cfg:"required" enum:"constant|uniform|normal|exponential|pareto|lognormal|empirical"`
	// Value is the constant's value.
	Value Duration `yaml:"value"`
	// Min and Max bound the uniform distribution.
	Min Duration `yaml:"min"`
	// Max is the uniform distribution's upper bound.
	Max Duration `yaml:"max"`
	// Mean is the mean of normal and exponential.
	Mean Duration `yaml:"mean"`
	// Stddev is the standard deviation of normal.
	Stddev Duration `yaml:"stddev"`
	// Scale is pareto's minimum value x_m.
	Scale Duration `yaml:"scale"`
	// Shape is pareto's shape α (> 0).
	Shape float64 `yaml:"shape"`
	// Median is lognormal's median (e^μ).
	Median Duration `yaml:"median"`
	// Sigma is lognormal's σ (> 0).
	Sigma float64 `yaml:"sigma"`
	// Samples are the empirical distribution's values.
	Samples []Duration `yaml:"samples"`
}

var distParams = map[string][2][]string{
	"constant":    {{"value"}, {"value"}},
	"uniform":     {{"min", "max"}, {"min", "max"}},
	"normal":      {{"mean", "stddev"}, {"mean", "stddev"}},
	"exponential": {{"mean"}, {"mean"}},
	"pareto":      {{"scale", "shape"}, {"scale", "shape"}},
	"lognormal":   {{"median", "sigma"}, {"median", "sigma"}},
	"empirical":   {{"samples"}, {"samples"}},
}

type distFields Dist

func (x *Dist) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		v, err := ParseDuration(strings.TrimSpace(n.Value))
		if err != nil {
			d.errorf(n, path, "%s, or a mapping {dist: constant|uniform|normal|exponential|pareto|lognormal|empirical, ...}", err)
			return
		}
		if isJitter(path) {
			*x = spread(v)
			return
		}
		*x = Dist{Dist: "constant", Value: v}
		return
	}
	d.structure(n, reflectValue((*distFields)(x)), path)
	if n.Kind == yaml.MappingNode && x.Dist != "" {
		d.modelParams(n, path, "dist", x.Dist, distParams[x.Dist])
	}
}

// isJitter reports whether path is a link's jitter (links[0].jitter,
// links[0].forward.jitter), where a plain duration is a spread.
func isJitter(path string) bool { return strings.HasSuffix(path, ".jitter") }

// spread is netem's jitter J: uniform within ±J of the delay. A user who
// knows netem writes "jitter: 30ms" for "delay 100ms 30ms"; a constant
// would have added 30 ms to every packet and varied nothing.
func spread(j Duration) Dist { return Dist{Dist: "uniform", Min: -j, Max: j} }

// isSpread reports whether x is a spread, which the normalized form writes
// back as the plain duration the file gave.
func (x Dist) isSpread() bool { return x.Dist == "uniform" && x.Min < 0 && x.Min == -x.Max }

// modelParams checks that a model's mapping gives its required parameters and
// no parameter of another model.
func (d *decoder) modelParams(n *yaml.Node, path, selector, model string, params [2][]string) {
	order, m := d.mapping(n, path)
	given := map[string]bool{}
	for _, k := range order {
		given[k] = true
		if k != selector && !contains(params[0], k) && d.knownParam(k) {
			d.errorf(m[k].key, joinPath(path, k), "%s %s does not take %q; it takes %s", selector, model, k, strings.Join(params[0], ", "))
		}
	}
	for _, r := range params[1] {
		if !given[r] {
			d.errorf(n, path, "%s %s needs %q (it takes %s)", selector, model, r, strings.Join(params[0], ", "))
		}
	}
}

// knownParam reports whether k is a parameter of some loss model or
// distribution (unknown keys are reported by the struct decoder already).
func (d *decoder) knownParam(k string) bool {
	for _, m := range []map[string][2][]string{lossParams, distParams} {
		for _, p := range m {
			if contains(p[0], k) {
				return true
			}
		}
	}
	return false
}

// Duplicate delivers a copy of a packet with probability P, Hold after the
// original (default: immediately after it). A plain probability in the file
// (duplicate: 1%, as netem's "duplicate 1%") means {p: ...}.
type Duplicate struct {
	// P is the probability that a packet is duplicated. Required.
	P Prob `yaml:"p" cfg:"required"`
	// Hold is how much later than the original the copy arrives; long holds
	// make old duplicates that can meet a later incarnation.
	Hold *Dist `yaml:"hold"`
}

type duplicateFields Duplicate

func (x *Duplicate) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		p, err := ParseProb(strings.TrimSpace(n.Value))
		if err != nil {
			d.errorf(n, path, "%s, or a mapping {p, hold}", err)
			return
		}
		*x = Duplicate{P: p}
		return
	}
	d.structure(n, reflectValue((*duplicateFields)(x)), path)
}

// Reorder delays a packet so that later ones overtake it: with probability P,
// either by Delay, or until Gap later packets have passed it. Exactly one of
// Delay and Gap is given.
type Reorder struct {
	// P is the probability that a packet is held back. Required.
	P Prob `yaml:"p" cfg:"required"`
	// Delay is the extra delay of a held-back packet.
	Delay *Dist `yaml:"delay"`
	// Gap is the number of later packets that overtake it.
	Gap Count `yaml:"gap"`
}

// Route is a static route: traffic from Path[0] to Path[len-1] goes through
// the listed hosts in order. Consecutive hosts must be linked in that
// direction. Routes apply to one direction; give another for the way back.
type Route struct {
	// Path is the sequence of hosts, at least two. Required.
	Path []string `yaml:"path" cfg:"required"`
}
