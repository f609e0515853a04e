package config

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxPoints is the largest number of sweep points a file may define.
const MaxPoints = 10000

// Param is one swept parameter of a point: its dotted path and the value
// text as written in the sweep (or computed from a range).
type Param struct {
	// Path is the dotted YAML path; Value the value's text.
	Path, Value string
}

// Point is one point of a sweep: the parameters that define it and the
// fully decoded, validated experiment with those values substituted.
type Point struct {
	// Index is the point's position in the expansion order, from 0.
	Index int
	// Params are the swept values, in dimension order (see [Sweep]).
	Params []Param
	// Exp is the experiment at this point; its Sweep is nil.
	Exp *Experiment
}

// String formats the point as path=value pairs.
func (p Point) String() string {
	parts := make([]string, len(p.Params))
	for i, x := range p.Params {
		parts[i] = x.Path + "=" + x.Value
	}
	return strings.Join(parts, " ")
}

// Points returns the sweep points in their deterministic order: a single
// point with no parameters when there is no sweep.
func (e *Experiment) Points() []Point {
	if e.src == nil || len(e.src.points) == 0 {
		return []Point{{Exp: e}}
	}
	return e.src.points
}

// SweptPaths returns the dotted paths the sweep varies, in dimension order
// (the runs.csv parameter columns).
func (e *Experiment) SweptPaths() []string {
	ps := e.Points()
	out := make([]string, len(ps[0].Params))
	for i, p := range ps[0].Params {
		out[i] = p.Path
	}
	return out
}

// assign is one path=value substitution.
type assign struct {
	path  string
	steps []step
	node  *yaml.Node
	text  string
	key   *yaml.Node // where to report a failure to apply it
}

// forbiddenSweep lists top-level fields a sweep may not vary.
var forbiddenSweep = []string{"name", "seed", "replications", "sweep"}

// dimensions turns the sweep section into its dimensions: each a list of
// alternative assignment sets.
func (d *decoder) dimensions(s *Sweep) [][][]assign {
	var dims [][][]assign
	seen := map[string]bool{}
	check := func(path string, key *yaml.Node, where string) ([]step, reflect.Type, bool) {
		p := joinPath("sweep."+where, path)
		steps, err := parsePath(path)
		if err != nil {
			d.errorf(key, p, "%s", err)
			return nil, nil, false
		}
		if contains(forbiddenSweep, steps[0].key) {
			d.errorf(key, p, "%s cannot be swept", steps[0].key)
			return nil, nil, false
		}
		t, err := typeAt(reflect.TypeFor[Experiment](), steps)
		if err != nil {
			d.errorf(key, p, "bad sweep path: %s", err)
			return nil, nil, false
		}
		if seen[path] {
			d.errorf(key, p, "path %s is swept twice", path)
			return nil, nil, false
		}
		seen[path] = true
		return steps, t, true
	}
	for _, ax := range s.Grid {
		steps, _, ok := check(ax.Path, ax.key, "grid")
		if !ok {
			continue
		}
		var dim [][]assign
		for i, n := range ax.nodes {
			dim = append(dim, []assign{{ax.Path, steps, n, ax.Values[i], ax.key}})
		}
		dims = append(dims, dim)
	}
	for i := range s.Ranges {
		r := &s.Ranges[i]
		steps, t, ok := check(r.Path, r.key, "ranges")
		if !ok {
			continue
		}
		vals := d.rangeValues(r, t, joinPath("sweep.ranges", r.Path))
		var dim [][]assign
		for _, v := range vals {
			n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: r.from.Line, Column: r.from.Column}
			dim = append(dim, []assign{{r.Path, steps, n, v, r.key}})
		}
		if vals != nil {
			dims = append(dims, dim)
		}
	}
	if len(s.Zip) > 0 {
		n := len(s.Zip[0].nodes)
		dim := make([][]assign, n)
		for _, ax := range s.Zip {
			steps, _, ok := check(ax.Path, ax.key, "zip")
			if !ok {
				continue
			}
			if len(ax.nodes) != n {
				d.errorf(ax.key, joinPath("sweep.zip", ax.Path), "has %d values but %s has %d; zip needs lists of one length",
					len(ax.nodes), s.Zip[0].Path, n)
				continue
			}
			for i, nd := range ax.nodes {
				dim[i] = append(dim[i], assign{ax.Path, steps, nd, ax.Values[i], ax.key})
			}
		}
		dims = append(dims, dim)
	}
	return dims
}

// expand decodes and validates every point of the sweep; d reports
// problems of the sweep itself.
func expand(src *source, d *decoder, dims [][][]assign, errs *errorList) []Point {
	total := 1
	for _, dim := range dims {
		total *= len(dim)
		if total > MaxPoints {
			d.errorAt("sweep", "the sweep has more than %d points; split it into several experiments", MaxPoints)
			return nil
		}
	}
	base := withoutKey(src.root, "sweep")
	points := make([]Point, 0, total)
	idx := make([]int, len(dims))
	for p := range total {
		// Odometer: the last dimension varies fastest.
		r := p
		for i := len(dims) - 1; i >= 0; i-- {
			idx[i] = r % len(dims[i])
			r /= len(dims[i])
		}
		root := base
		var params []Param
		ok := true
		for i, dim := range dims {
			for _, a := range dim[idx[i]] {
				params = append(params, Param{a.path, a.text})
				next, err := setIn(root, a.steps, a.node, "")
				if err != nil {
					d.errorf(a.key, "sweep", "%s", err)
					ok = false
					continue
				}
				root = next
			}
		}
		if !ok {
			continue
		}
		pd := newDecoder(src.file, errs)
		e := &Experiment{}
		before := len(errs.list)
		pd.decode(root, reflectValue(e), "", nil)
		pd.validate(e, sweptSet(dims))
		pd.check(src.check, e, errs.list[before:])
		e.Sweep = nil
		points = append(points, Point{Index: p, Params: params, Exp: e})
	}
	return points
}

func sweptSet(dims [][][]assign) map[string]bool {
	m := map[string]bool{}
	for _, dim := range dims {
		if len(dim) > 0 {
			for _, a := range dim[0] {
				m[a.path] = true
			}
		}
	}
	return m
}

// withoutKey returns a copy of mapping n without key k.
func withoutKey(n *yaml.Node, k string) *yaml.Node {
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != k {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
}

// decodeExperiment decodes and validates root and, if it has a sweep,
// every point.
func decodeExperiment(src *source, root *yaml.Node, errs *errorList) *Experiment {
	e := &Experiment{src: src}
	baseErrs := &errorList{}
	d := newDecoder(src.file, baseErrs)
	d.decode(root, reflectValue(e), "", nil)
	var dims [][][]assign
	if e.Sweep != nil && baseErrs.err() == nil {
		dd := newDecoder(src.file, baseErrs)
		dd.at = d.at
		dims = dd.dimensions(e.Sweep)
		setsAlsoSwept(src.sets, dims, errs)
	}
	d.validate(e, sweptSet(dims))
	// A base list that stopped at maxErrors must say so through errs.
	errs.truncated = errs.truncated || baseErrs.truncated
	if e.Sweep == nil || len(dims) == 0 {
		d.check(src.check, e, baseErrs.list)
	}
	if e.Sweep == nil || len(dims) == 0 {
		for _, x := range baseErrs.list {
			errs.add(x)
		}
		return e
	}
	// With a sweep, the base values of swept paths are placeholders: their
	// problems are reported through the points instead.
	swept := sweptSet(dims)
	for _, x := range baseErrs.list {
		if !underAny(x.Path, swept) {
			errs.add(x)
		}
	}
	if errs.err() != nil {
		return e
	}
	ed := newDecoder(src.file, errs)
	ed.at = d.at
	src.points = expand(src, ed, dims, errs)
	return e
}

// underAny reports whether path is one of paths or inside one of them.
func underAny(path string, paths map[string]bool) bool {
	for p := range paths {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// setsAlsoSwept reports every --set override whose path the sweep also
// sets (the same path, or one inside the other): each sweep point would
// replace the override's value, and the override would be silently lost.
func setsAlsoSwept(sets []string, dims [][][]assign, errs *errorList) {
	for i, arg := range sets {
		path, _, _ := strings.Cut(arg, "=")
		steps, err := parsePath(strings.TrimSpace(path))
		if err != nil {
			continue // reported where the override was applied
		}
		for _, dim := range dims {
			if len(dim) == 0 || len(dim[0]) == 0 {
				continue
			}
			for _, a := range dim[0] {
				if overlaps(steps, a.steps) {
					errs.add(Error{File: setFile, Line: i + 1, Col: 1, Msg: fmt.Sprintf(
						"%q: the sweep also sets %s at every point, which would silently replace this override; "+
							"drop the --set, or take %s out of the sweep", clip(arg), a.path, a.path)})
				}
			}
		}
	}
}

// overlaps reports whether one path is the other or lies inside it.
func overlaps(a, b []step) bool {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// check runs a model check on e and reports its problems at their paths,
// except those about a value the format already found wrong (found lists
// the problems so far): a value that did not decode is no value to check.
func (d *decoder) check(c Check, e *Experiment, found []Error) {
	if c == nil {
		return
	}
	bad := map[string]bool{}
	for _, x := range found {
		if x.Path != "" {
			bad[x.Path] = true
		}
	}
	for _, p := range c(e) {
		if underAny(p.Path, bad) || p.Alt != "" && underAny(p.Alt, bad) || anyUnder(bad, p.Path) {
			continue
		}
		path := p.Path
		if _, ok := d.at[path]; !ok && p.Alt != "" {
			if _, ok := d.at[p.Alt]; ok {
				path = p.Alt
			}
		}
		d.errorAt(path, "%s", p.Msg)
	}
}

// anyUnder reports whether one of paths lies inside path.
func anyUnder(paths map[string]bool, path string) bool {
	for p := range paths {
		if strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}
