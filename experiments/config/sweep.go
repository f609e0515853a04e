package config

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Sweep varies parameters of the experiment. Every key is a dotted YAML path
// into the experiment (links[0].loss, hosts[1].tcp.msl) whose value each
// point replaces, exactly as --set would. Points are the cartesian product of
// the dimensions, in this order, the first varying slowest: each Grid path
// (file order), each Ranges path (file order), then the Zip paths together
// as one dimension.
type Sweep struct {
	// Grid gives each path its list of values; the product is taken.
	Grid Axes `yaml:"grid"`
	// Zip gives each path a list of values of one common length; the i-th
	// values of all paths form one dimension value.
	Zip Axes `yaml:"zip"`
	// Ranges gives each path numeric steps: {from, to, steps, scale:
	// linear|log}, in the unit of the field (durations, rates, sizes,
	// probabilities, counts or numbers).
	Ranges Ranges `yaml:"ranges"`
	// CommonRandomNumbers makes replication r use the same random streams
	// at every point, so that differences between points are not noise.
	// Default true.
	CommonRandomNumbers bool `yaml:"common_random_numbers" default:"true"`
}

// Axis is one swept path and its values, as written (Values are the
// canonical text of each value: the scalar, or flow-style YAML).
type Axis struct {
	// Path is the dotted YAML path swept.
	Path string
	// Values are the values' texts, used as labels and in runs.csv.
	Values []string
	nodes  []*yaml.Node
	key    *yaml.Node
}

// Axes is an ordered mapping from paths to values.
type Axes []Axis

func (a *Axes) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "got %s, want a mapping from dotted paths to lists of values", describe(n))
		return
	}
	order, m := d.mapping(n, path)
	for _, k := range order {
		kv := m[k]
		p := joinPath(path, k)
		val := d.resolve(kv.val, p)
		if val == nil {
			continue
		}
		if val.Kind != yaml.SequenceNode || len(val.Content) == 0 {
			d.errorf(val, p, "got %s, want a non-empty list of values", describe(val))
			continue
		}
		ax := Axis{Path: k, key: kv.key}
		for _, c := range val.Content {
			r := d.resolve(c, p)
			if r == nil {
				continue
			}
			ax.nodes = append(ax.nodes, r)
			ax.Values = append(ax.Values, clip(nodeText(r, 0)))
		}
		*a = append(*a, ax)
	}
}

// Range is a numeric sweep dimension: Steps values from From to To
// inclusive, evenly spaced (linear) or geometrically (log).
type Range struct {
	// Path is the dotted YAML path swept.
	Path string
	// From and To are the end values as written, in the field's unit.
	From, To string
	// Steps is the number of values (≥ 2).
	Steps int
	// Scale is linear or log.
	Scale    string
	key      *yaml.Node
	from, to *yaml.Node
}

type rangeFields struct {
	From  *yaml.Node `yaml:"from" cfg:"required"`
	To    *yaml.Node `yaml:"to" cfg:"required"`
	Steps int        `yaml:"steps" cfg:"required"`
	Scale string     `yaml:"scale" default:"linear" enum:"linear|log"`
}

// Ranges is an ordered mapping from paths to ranges.
type Ranges []Range

func (r *Ranges) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "got %s, want a mapping from dotted paths to {from, to, steps, scale}", describe(n))
		return
	}
	order, m := d.mapping(n, path)
	for _, k := range order {
		kv := m[k]
		p := joinPath(path, k)
		var f rangeFields
		d.structure(d.resolve(kv.val, p), reflectValue(&f), p)
		if f.From == nil || f.To == nil {
			continue
		}
		if f.Steps < 2 {
			d.errorf(d.nodeAt(joinPath(p, "steps")), joinPath(p, "steps"), "got %d, want at least 2 steps", f.Steps)
			continue
		}
		if f.Steps > 10000 {
			d.errorf(d.nodeAt(joinPath(p, "steps")), joinPath(p, "steps"), "got %d, want at most 10000 steps", f.Steps)
			continue
		}
		*r = append(*r, Range{Path: k, From: nodeText(f.From, 0), To: nodeText(f.To, 0), Steps: f.Steps,
			Scale: f.Scale, key: kv.key, from: f.From, to: f.To})
	}
}

// nodeText renders a value node as one line: the scalar itself, or flow YAML.
func nodeText(n *yaml.Node, depth int) string {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	if depth > 3 {
		return "..." // values are for labels; deep ones are summarised
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = nodeText(c, depth+1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, nodeText(n.Content[i], depth+1)+": "+nodeText(n.Content[i+1], depth+1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}

// numeric is implemented by the types a range can sweep.
type numeric interface {
	toFloat() float64
	fromFloat(float64) string
}

func (x Duration) toFloat() float64            { return float64(x) }
func (Duration) fromFloat(f float64) string    { return Duration(math.Round(f)).String() }
func (x Rate) toFloat() float64                { return float64(x) }
func (Rate) fromFloat(f float64) string        { return Rate(math.Round(f)).String() }
func (x Size) toFloat() float64                { return float64(x) }
func (Size) fromFloat(f float64) string        { return Size(math.Round(f)).String() }
func (x Prob) toFloat() float64                { return float64(x) }
func (Prob) fromFloat(f float64) string        { return Prob(roundSig(f)).String() }
func (x Count) toFloat() float64               { return float64(x) }
func (Count) fromFloat(f float64) string       { return Count(math.Round(f)).String() }
func (x ArrivalRate) toFloat() float64         { return float64(x) }
func (ArrivalRate) fromFloat(f float64) string { return ArrivalRate(roundSig(f)).String() }

// roundSig rounds to 12 significant digits so log-spaced values print
// cleanly (0.001, not 0.0009999999999999998).
func roundSig(f float64) float64 {
	if f == 0 {
		return 0
	}
	e := math.Pow(10, 11-math.Floor(math.Log10(math.Abs(f))))
	return math.Round(f*e) / e
}

// steps computes the values of a range of type t, reporting problems.
func (d *decoder) rangeValues(r *Range, t reflect.Type, p string) []string {
	from, to := reflect.New(t), reflect.New(t)
	var lo, hi float64
	var num numeric
	switch t {
	case reflect.TypeFor[Loss]():
		t = reflect.TypeFor[Prob]() // a probability is a Bernoulli loss
		from, to = reflect.New(t), reflect.New(t)
	case reflect.TypeFor[Dist]():
		t = reflect.TypeFor[Duration]() // a duration is a constant distribution
		from, to = reflect.New(t), reflect.New(t)
	}
	_, isNum := from.Elem().Interface().(numeric)
	switch {
	case !isNum && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Int || t.Kind() == reflect.Int64):
		d.decode(r.from, from.Elem(), joinPath(p, "from"), nil)
		d.decode(r.to, to.Elem(), joinPath(p, "to"), nil)
		if t.Kind() == reflect.Float64 {
			lo, hi = from.Elem().Float(), to.Elem().Float()
		} else {
			lo, hi = float64(from.Elem().Int()), float64(to.Elem().Int())
		}
	default:
		var ok bool
		if num, ok = from.Elem().Interface().(numeric); !ok {
			d.errorf(r.key, p, "a range needs a numeric field; %s is %s (use grid with a list of values)", r.Path, typeName(t))
			return nil
		}
		fromNum := from.Elem().Addr().Interface().(nodeDecoder)
		toNum := to.Elem().Addr().Interface().(nodeDecoder)
		fromNum.decodeNode(d, r.from, joinPath(p, "from"))
		toNum.decodeNode(d, r.to, joinPath(p, "to"))
		lo, hi = from.Elem().Interface().(numeric).toFloat(), to.Elem().Interface().(numeric).toFloat()
	}
	if r.Scale == "log" && (lo <= 0 || hi <= 0) {
		d.errorf(r.from, joinPath(p, "from"), "a log range needs from and to above 0")
		return nil
	}
	out := make([]string, r.Steps)
	for i := range out {
		f := float64(i) / float64(r.Steps-1)
		var v float64
		if r.Scale == "log" {
			v = math.Exp(math.Log(lo) + f*(math.Log(hi)-math.Log(lo)))
		} else {
			v = lo + f*(hi-lo)
		}
		switch {
		case num != nil:
			out[i] = num.fromFloat(v)
		case t.Kind() == reflect.Float64:
			out[i] = fmt.Sprint(roundSig(v))
		default:
			out[i] = fmt.Sprint(int64(math.Round(v)))
		}
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "a " + strings.ToLower(t.Name())
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	}
	return t.String()
}
