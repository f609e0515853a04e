package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// This file is the schema-driven walker: it decodes a yaml.Node tree into the
// Experiment structs by reflection over their yaml tags, reporting every
// problem instead of stopping at the first. Struct tags understood:
//
//	yaml:"name"          the field's key; yaml:",inline" flattens an embedded struct
//	cfg:"required"       the key must be present
//	cfg:"overlay"        a *T field that starts as a copy of the embedded T (per-direction overrides)
//	default:"text"       decoded as if written in the file when the key is absent
//	enum:"a|b|c"         allowed values of a string field
//
// Types with their own syntax implement nodeDecoder.

// nodeDecoder is implemented by types that decode themselves from a node,
// reporting problems through d.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

// maxNodes caps the number of nodes one decode visits, counting every
// expansion of an alias, so that alias bombs end in an error quickly.
const maxNodes = 1 << 20

// decoder carries the state of one decode: where the text came from, the
// problems found and the node seen at each path (for later validation errors).
type decoder struct {
	file    string
	errs    *errorList
	visited int
	bombed  bool
	overlay bool // the next structure decodes an overlay (cfg:"overlay")
	at      map[string]*yaml.Node
	quiet   int // >0: record no positions (decoding a scratch value)
}

func newDecoder(file string, errs *errorList) *decoder {
	return &decoder{file: file, errs: errs, at: map[string]*yaml.Node{}}
}

// position returns the file, line and column of n.
func (d *decoder) position(n *yaml.Node) (string, int, int) {
	if n == nil {
		return d.file, 1, 1
	}
	if n.Line < 0 {
		return setFile, -n.Line, max(n.Column, 1)
	}
	return d.file, max(n.Line, 1), max(n.Column, 1)
}

// errorf records a problem at node n.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	f, l, c := d.position(n)
	d.errs.add(Error{File: f, Line: l, Col: c, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// errorAt records a problem at the node decoded for path, or its nearest
// decoded ancestor.
func (d *decoder) errorAt(path, format string, args ...any) {
	d.errorf(d.nodeAt(path), path, format, args...)
}

func (d *decoder) nodeAt(path string) *yaml.Node {
	for p := path; ; p = parentPath(p) {
		if n, ok := d.at[p]; ok {
			return n
		}
		if p == "" {
			return nil
		}
	}
}

// parentPath strips the last element of a dotted path.
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// resolve follows aliases, counts the node and records its position. It
// returns nil when the node budget is exhausted.
func (d *decoder) resolve(n *yaml.Node, path string) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 64 || n.Alias == nil {
			d.errorf(n, path, "alias %q does not resolve", n.Value)
			return nil
		}
		n = n.Alias
	}
	if n == nil || d.errs.full() {
		return nil
	}
	d.visited++
	if d.visited > maxNodes {
		if !d.bombed {
			d.bombed = true
			d.errorf(n, path, "the document expands to more than %d nodes (an alias bomb?); refusing it", maxNodes)
		}
		return nil
	}
	if d.quiet == 0 {
		if _, ok := d.at[path]; !ok {
			d.at[path] = n
		}
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// nullMeansAbsent reports whether a null given for field f (key: or key: ~)
// is decoded as if the key were not there: its default, its zero, or what
// an overlay inherits. A pointer field takes the null itself (nil: not
// given, which in an overlay also drops the shared value), and a required
// field reports the null where it stands.
func nullMeansAbsent(f fieldInfo, fv reflect.Value, n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return isNull(n) && !f.required && f.overlay == nil && fv.Kind() != reflect.Pointer
}

// describe names the kind of a node for messages: got a mapping, got "x".
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing (null)"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(clip(n.Value))
	}
	return "an unexpected node"
}

// clip shortens long values quoted in messages.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// scalar returns the text of a scalar node, or reports that a scalar
// described by want was expected.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, path, "got %s, %s", describe(n), want)
		return "", false
	}
	return n.Value, true
}

// decodeScalar decodes a unit type through its Parse function.
func decodeScalar[T any](d *decoder, n *yaml.Node, path, want string, dst *T, parse func(string) (T, error)) {
	s, ok := d.scalar(n, path, want)
	if !ok {
		return
	}
	v, err := parse(strings.TrimSpace(s))
	if err != nil {
		d.errorf(n, path, "%s", err)
		return
	}
	*dst = v
}

var (
	nodeDecoderType = reflect.TypeFor[nodeDecoder]()
	yamlNodeType    = reflect.TypeFor[*yaml.Node]()
)

// decode decodes n into v, which must be settable.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, enum []string) {
	if n = d.resolve(n, path); n == nil {
		return
	}
	d.decodeResolved(n, v, path, enum)
}

func (d *decoder) decodeResolved(n *yaml.Node, v reflect.Value, path string, enum []string) {
	if v.Type() == yamlNodeType {
		v.Set(reflect.ValueOf(n)) // a *yaml.Node field keeps the raw value
		return
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			v.SetZero() // null means "not given"
			return
		}
		nv := reflect.New(v.Type().Elem())
		if !v.IsNil() {
			nv.Elem().Set(v.Elem())
		}
		d.decodeResolved(n, nv.Elem(), path, enum)
		v.Set(nv)
		return
	}
	if v.Addr().Type().Implements(nodeDecoderType) {
		v.Addr().Interface().(nodeDecoder).decodeNode(d, n, path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		d.sequence(n, v, path, enum)
	case reflect.String:
		want := "want a string"
		if enum != nil {
			want = "want one of " + strings.Join(enum, ", ")
		}
		s, ok := d.scalar(n, path, want)
		if !ok {
			return
		}
		if enum != nil && !contains(enum, s) {
			d.errorf(n, path, "got %q, %s%s", clip(s), want, didYouMean(s, enum))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		const want = "want true or false"
		if s, ok := d.scalar(n, path, want); ok {
			switch s {
			case "true", "True", "TRUE":
				v.SetBool(true)
			case "false", "False", "FALSE":
				v.SetBool(false)
			default:
				d.errorf(n, path, "got %q, %s", clip(s), want)
			}
		}
	case reflect.Int, reflect.Int64:
		const want = "want a whole number"
		if s, ok := d.scalar(n, path, want); ok {
			x, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
			if err != nil {
				d.errorf(n, path, "got %q, %s", clip(s), want)
				return
			}
			v.SetInt(x)
		}
	case reflect.Uint64:
		const want = "want a whole number between 0 and 18446744073709551615"
		if s, ok := d.scalar(n, path, want); ok {
			x, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 0, 64)
			if err != nil {
				d.errorf(n, path, "got %q, %s", clip(s), want)
				return
			}
			v.SetUint(x)
		}
	case reflect.Float64:
		const want = "want a number"
		if s, ok := d.scalar(n, path, want); ok {
			if !isDecimal(strings.TrimPrefix(s, "-")) {
				d.errorf(n, path, "got %q, %s", clip(s), want)
				return
			}
			x, _ := strconv.ParseFloat(s, 64)
			v.SetFloat(x)
		}
	default:
		panic(fmt.Sprintf("config: no decoder for %s at %s", v.Type(), path)) // schema bug
	}
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value, path string, enum []string) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "got %s, want a list", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), indexPath(path, i), enum)
	}
	v.Set(s)
}

// keyValue is one entry of a mapping.
type keyValue struct {
	key, val *yaml.Node
}

// mapping returns the entries of a mapping node in order, reporting
// duplicate and non-scalar keys and expanding YAML merge keys (<<).
func (d *decoder) mapping(n *yaml.Node, path string) ([]string, map[string]keyValue) {
	var order []string
	m := map[string]keyValue{}
	var merged []keyValue
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "got %s as a key, want a field name", describe(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(val, path)...)
			continue
		}
		if prev, ok := m[k.Value]; ok {
			_, line, _ := d.position(prev.key)
			d.errorf(k, joinPath(path, k.Value), "duplicate key %q (first given on line %d)", k.Value, line)
			continue
		}
		order = append(order, k.Value)
		m[k.Value] = keyValue{k, val}
	}
	for _, kv := range merged {
		if _, ok := m[kv.key.Value]; !ok {
			order = append(order, kv.key.Value)
			m[kv.key.Value] = kv
		}
	}
	return order, m
}

// mergeSources returns the entries that a merge key (<<: *a or <<: [*a, *b])
// brings in; earlier sources win.
func (d *decoder) mergeSources(val *yaml.Node, path string) []keyValue {
	var srcs []*yaml.Node
	if r := d.resolve(val, path); r != nil && r.Kind == yaml.SequenceNode {
		srcs = r.Content
	} else {
		srcs = []*yaml.Node{val}
	}
	var out []keyValue
	for _, s := range srcs {
		r := d.resolve(s, path)
		if r == nil {
			continue
		}
		if r.Kind != yaml.MappingNode {
			d.errorf(r, path, "got %s after <<, want a mapping (an alias such as *defaults)", describe(r))
			continue
		}
		for i := 0; i+1 < len(r.Content); i += 2 {
			if k := r.Content[i]; k.Kind == yaml.ScalarNode && k.Value != "<<" {
				out = append(out, keyValue{k, r.Content[i+1]})
			}
		}
	}
	return out
}

// structure decodes a mapping into the struct v field by field.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	fields := fieldsOf(v.Type())
	if isNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "got %s, want a mapping with fields %s", describe(n), fieldNames(fields))
		return
	}
	order, m := d.mapping(n, path)
	// An overlay replaces the fields it gives, whole, and keeps the others.
	overlay := d.overlay
	d.overlay = false
	for _, f := range fields {
		fv := v.FieldByIndex(f.index)
		p := joinPath(path, f.name)
		kv, ok := m[f.name]
		if ok && nullMeansAbsent(f, fv, kv.val) {
			ok = false
		}
		if ok {
			if f.overlay != nil {
				base := v.FieldByIndex(f.overlay)
				nv := reflect.New(base.Type())
				nv.Elem().Set(base)
				d.overlay = true
				d.decode(kv.val, nv.Elem(), p, f.enum)
				d.overlay = false
				fv.Set(nv)
				continue
			}
			if overlay {
				fv.SetZero()
			}
			d.decode(kv.val, fv, p, f.enum)
			if f.required && f.enum == nil && fv.Kind() == reflect.String && fv.String() == "" {
				d.emptyString(kv.val, p)
			}
			continue
		}
		if overlay {
			continue
		}
		switch {
		case f.required:
			d.errorf(n, path, "missing required field %q", f.name)
		case f.def != "":
			def := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.def, Line: n.Line, Column: n.Column}
			d.quiet++
			d.decode(def, fv, p, f.enum)
			d.quiet--
		case fv.Kind() == reflect.Struct && !fv.Addr().Type().Implements(nodeDecoderType):
			d.quiet++
			d.structure(&yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}, fv, p)
			d.quiet--
		}
	}
	known := make([]string, len(fields))
	for i, f := range fields {
		known[i] = f.name
	}
	for _, k := range order {
		if path == "" && strings.HasPrefix(k, "x-") {
			continue // top-level x-… keys are free, e.g. to hold anchors
		}
		if !contains(known, k) {
			kv := m[k]
			if hint := didYouMean(k, known); hint != "" {
				d.errorf(kv.key, joinPath(path, k), "unknown field %q%s", k, hint)
			} else {
				d.errorf(kv.key, joinPath(path, k), "unknown field %q; allowed here: %s", k, fieldNames(fields))
			}
		}
	}
}

// emptyString reports a required string field given as "" (a name, a
// host, a metric): giving it empty is as good as leaving it out.
func (d *decoder) emptyString(n *yaml.Node, path string) {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && !isNull(n) && n.Value == "" {
		d.errorf(n, path, "got \"\", want a non-empty value")
	}
}

// fieldInfo describes one key of a struct in the schema.
type fieldInfo struct {
	name     string
	index    []int
	required bool
	def      string
	enum     []string
	overlay  []int // for cfg:"overlay": index of the embedded struct it copies
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

// fieldsOf lists the keys of struct type t, flattening inline structs.
func fieldsOf(t reflect.Type) []fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]fieldInfo)
	}
	var out []fieldInfo
	inline := map[reflect.Type][]int{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "-" || !sf.IsExported() {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		if opt == "inline" {
			inline[sf.Type] = sf.Index
			for _, sub := range fieldsOf(sf.Type) {
				sub.index = append([]int{i}, sub.index...)
				out = append(out, sub)
			}
			continue
		}
		f := fieldInfo{name: name, index: sf.Index, def: sf.Tag.Get("default")}
		cfg := sf.Tag.Get("cfg")
		f.required = cfg == "required"
		if cfg == "overlay" {
			f.overlay = inline[sf.Type.Elem()]
			if f.overlay == nil {
				panic("config: overlay field " + sf.Name + " has no inline struct of its type before it")
			}
		}
		if e := sf.Tag.Get("enum"); e != "" {
			f.enum = strings.Split(e, "|")
		}
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out
}

func fieldNames(fs []fieldInfo) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
