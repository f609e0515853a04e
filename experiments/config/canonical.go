package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Normalized returns the canonical form of the experiment: JSON with sorted
// keys and every default filled in, units written by their String methods,
// overrides that were not given left out. Two files that mean the same
// experiment (whatever their formatting, comments, anchors, unit spellings or
// --set flags) have the same normalized form. It goes into manifest.json.
func (e *Experiment) Normalized() []byte {
	b, err := json.MarshalIndent(canonical(reflect.ValueOf(e).Elem()), "", "  ")
	if err != nil {
		panic("config: normalizing: " + err.Error()) // only plain values above
	}
	return b
}

// Hash returns the SHA-256 of the normalized form, in hex. Merge compares it
// to refuse shards of another experiment.
func (e *Experiment) Hash() string {
	h := sha256.Sum256(e.Normalized())
	return hex.EncodeToString(h[:])
}

var stringerType = reflect.TypeFor[fmt.Stringer]()

// canonical converts a decoded value to maps, lists and plain scalars.
func canonical(v reflect.Value) any {
	switch x := v.Interface().(type) {
	case Count:
		return int64(x)
	case Retries:
		if x == Unlimited {
			return x.String()
		}
		return int64(x)
	case Prob:
		return float64(x)
	case Axes:
		o := ordered{}
		for _, a := range x {
			vals := make([]any, len(a.nodes))
			for i, n := range a.nodes {
				vals[i] = nodeValue(n, 0)
			}
			o = append(o, entry{a.Path, vals})
		}
		return o
	case Ranges:
		o := ordered{}
		for _, r := range x {
			o = append(o, entry{r.Path, map[string]any{"from": r.From, "to": r.To, "steps": r.Steps, "scale": r.Scale}})
		}
		return o
	case Dist:
		if x.isSpread() {
			return x.Max.String() // jitter: 30ms, which the file cannot write as a mapping
		}
	case Replications:
		if x.Until == nil && x.Min == x.Max {
			return x.Min
		}
		return map[string]any{"min": x.Min, "max": x.Max, "until": canonical(reflect.ValueOf(x.Until).Elem())}
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Slice && v.Type().Implements(stringerType) {
		return v.Interface().(fmt.Stringer).String()
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return canonical(v.Elem())
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = canonical(v.Index(i))
		}
		return out
	case reflect.Struct:
		return canonicalStruct(v, reflect.Value{})
	}
	return v.Interface()
}

// canonicalStruct converts a struct to a map of its fields by YAML name. A
// field is left out only when leaving it out decodes to the same value: it
// is not required, it is nil or zero without a default, and it equals what
// an absent key decodes to (for an overlay, the field of base, the value
// the overlay starts from). So a zero that matters is kept: loss: 0 is
// {model: bernoulli, p: 0}, queue: {packets: 0} keeps packets: 0, and a
// forward: {delay: 0} under a shared delay keeps delay: 0.
func canonicalStruct(v, base reflect.Value) map[string]any {
	m := map[string]any{}
	t := v.Type()
	params := requiredParams(v)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opt, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		fv := v.Field(i)
		var bf reflect.Value
		if base.IsValid() {
			bf = base.Field(i)
		}
		if opt == "inline" {
			maps.Copy(m, canonicalStruct(fv, bf))
			continue
		}
		if name == "" {
			name = snake(f.Name)
		}
		if f.Tag.Get("cfg") == "overlay" {
			if !fv.IsNil() {
				m[name] = canonicalStruct(fv.Elem(), overlayBase(v, f.Type.Elem()))
			}
			continue
		}
		if f.Tag.Get("cfg") != "required" && !contains(params, name) && omittable(f, fv, bf) {
			continue
		}
		m[name] = canonical(fv)
	}
	return m
}

// omittable reports whether field f, of value fv, may be left out of the
// canonical form: leaving it out must decode to fv again. bf is the
// overlay's base field, or invalid outside an overlay.
func omittable(f reflect.StructField, fv, bf reflect.Value) bool {
	zero := (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice) && fv.IsNil() ||
		fv.Kind() != reflect.Pointer && fv.IsZero() && f.Tag.Get("default") == ""
	if !zero {
		return false
	}
	if bf.IsValid() {
		return reflect.DeepEqual(fv.Interface(), bf.Interface())
	}
	return reflect.DeepEqual(fv.Interface(), absent(f.Type).Interface())
}

// absent returns what a field of type t decodes to when its key is not
// given and it has no default: the zero value, or for a struct, the struct
// with its own fields' defaults (queue: absent is {packets: 1000}).
func absent(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	if t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(nodeDecoderType) {
		d := newDecoder("", &errorList{})
		d.quiet++
		d.structure(&yaml.Node{Kind: yaml.MappingNode}, v, "")
	}
	return v
}

// overlayBase returns the inline field of v of type t: the value an overlay
// (cfg:"overlay") of that type starts from.
func overlayBase(v reflect.Value, t reflect.Type) reflect.Value {
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.Type == t && strings.HasSuffix(f.Tag.Get("yaml"), ",inline") {
			return v.Field(i)
		}
	}
	panic("config: overlay of " + t.String() + " without an inline field of that type") // schema bug
}

// requiredParams returns the parameters v's model requires when v is a
// loss model or a distribution (loss: 0 is {model: bernoulli, p: 0}, whose
// p must be written out even though it is zero).
func requiredParams(v reflect.Value) []string {
	switch x := v.Interface().(type) {
	case Loss:
		return lossParams[x.Model][1]
	case Dist:
		return distParams[x.Dist][1]
	}
	return nil
}

// snake converts a Go field name to snake_case (CIHalfWidthRel → ci_half_width_rel).
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// ordered is a JSON object whose keys keep their order (sweep dimensions).
type ordered []entry

type entry struct {
	key string
	val any
}

// MarshalJSON writes o as an object in its own key order.
func (o ordered) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.key)
		v, err := json.Marshal(e.val)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// nodeValue converts a YAML value to plain data: scalars as their text,
// mappings as ordered objects, sequences as lists.
func nodeValue(n *yaml.Node, depth int) any {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	if depth > 50 {
		return nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = nodeValue(c, depth+1)
		}
		return out
	case yaml.MappingNode:
		o := ordered{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			o = append(o, entry{n.Content[i].Value, nodeValue(n.Content[i+1], depth+1)})
		}
		return o
	}
	if isNull(n) {
		return nil
	}
	return n.Value
}
