package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// setFile is the File of errors found in --set overrides.
const setFile = "--set"

// step is one element of a dotted path: a mapping key or a list index.
type step struct {
	key   string
	index int // -1 for a key
}

// parsePath parses a dotted YAML path such as links[0].loss.p.
func parsePath(s string) ([]step, error) {
	var out []step
	rest := s
	for rest != "" {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", s)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 || strings.HasPrefix(rest[1:end], "+") {
				return nil, fmt.Errorf("path %q: got [%s], want a list index such as [0] or [1]", s, rest[1:end])
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("path %q: starts with an index, want a field name", s)
			}
			out = append(out, step{index: i})
			rest = rest[end+1:]
			if rest != "" && rest[0] != '.' && rest[0] != '[' {
				return nil, fmt.Errorf("path %q: want . or [ after ]", s)
			}
			rest = strings.TrimPrefix(rest, ".")
			continue
		}
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		key := rest[:end]
		if !isIdent(key) {
			return nil, fmt.Errorf("path %q: got %q, want a field name (letters, digits, _)", s, key)
		}
		out = append(out, step{key: key, index: -1})
		rest = rest[end:]
		if rest != "" && rest[0] == '.' {
			rest = rest[1:]
			if rest == "" {
				return nil, fmt.Errorf("path %q ends with a dot", s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty path, want a dotted YAML path such as links[0].delay")
	}
	return out, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// typeAt checks a path against the schema and returns the type it leads to.
func typeAt(t reflect.Type, steps []step) (reflect.Type, error) {
	done := ""
	for _, s := range steps {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if s.index >= 0 {
			if t.Kind() != reflect.Slice {
				return nil, fmt.Errorf("%s is not a list", done)
			}
			t = t.Elem()
			done = indexPath(done, s.index)
			continue
		}
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("%s has no field %q", orTop(done), s.key)
		}
		fs := fieldsOf(t)
		var found *fieldInfo
		names := make([]string, len(fs))
		for i := range fs {
			names[i] = fs[i].name
			if fs[i].name == s.key {
				found = &fs[i]
			}
		}
		if found == nil {
			return nil, fmt.Errorf("%s has no field %q%s", orTop(done), s.key, didYouMean(s.key, names))
		}
		t = t.FieldByIndex(found.index).Type
		done = joinPath(done, s.key)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, nil
}

func orTop(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}

// setIn returns a copy of n with the value at steps replaced by val, copying
// only the nodes along the path (the rest of the tree is shared, and never
// mutated). Missing mapping keys are created; list indices must exist.
func setIn(n *yaml.Node, steps []step, val *yaml.Node, done string) (*yaml.Node, error) {
	if len(steps) == 0 {
		return val, nil
	}
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	s := steps[0]
	if s.index >= 0 {
		here := indexPath(done, s.index)
		if n == nil || n.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("%s is not a list in the file", done)
		}
		if s.index >= len(n.Content) {
			return nil, fmt.Errorf("%s: index out of range: %s has %d entries", here, done, len(n.Content))
		}
		c := *n
		c.Content = append([]*yaml.Node(nil), n.Content...)
		child, err := setIn(c.Content[s.index], steps[1:], val, here)
		if err != nil {
			return nil, err
		}
		c.Content[s.index] = child
		return &c, nil
	}
	here := joinPath(done, s.key)
	if n == nil || isNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: val.Line, Column: val.Column}
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is %s in the file, not a mapping with field %q", orTop(done), describe(n), s.key)
	}
	c := *n
	c.Content = append([]*yaml.Node(nil), n.Content...)
	for i := 0; i+1 < len(c.Content); i += 2 {
		if k := c.Content[i]; k.Kind == yaml.ScalarNode && k.Value == s.key {
			child, err := setIn(c.Content[i+1], steps[1:], val, here)
			if err != nil {
				return nil, err
			}
			c.Content[i+1] = child
			return &c, nil
		}
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.key, Line: val.Line, Column: val.Column}
	child, err := setIn(nil, steps[1:], val, here)
	if err != nil {
		return nil, err
	}
	c.Content = append(c.Content, key, child)
	return &c, nil
}

// applySet applies the i-th --set override ("path=value") to root. The value
// is read as YAML (so lists and mappings may be given in flow style); its
// nodes are positioned at the --set argument for error messages.
func applySet(root *yaml.Node, i int, arg string, errs *errorList) *yaml.Node {
	fail := func(col int, format string, args ...any) *yaml.Node {
		errs.add(Error{File: setFile, Line: i + 1, Col: col, Msg: fmt.Sprintf("%q: ", clip(arg)) + fmt.Sprintf(format, args...)})
		return root
	}
	path, value, ok := strings.Cut(arg, "=")
	if !ok {
		return fail(1, "want path=value, e.g. links[0].delay=20ms")
	}
	steps, err := parsePath(strings.TrimSpace(path))
	if err != nil {
		return fail(1, "%s", err)
	}
	if _, err := typeAt(reflect.TypeFor[Experiment](), steps); err != nil {
		return fail(1, "bad path: %s", err)
	}
	val := setValue(value, i+1, len(path)+2)
	out, err := setIn(root, steps, val, "")
	if err != nil {
		return fail(1, "bad path: %s", err)
	}
	return out
}

// setValue parses the value of a --set as YAML, falling back to a plain
// string, and marks its nodes as coming from --set number line.
func setValue(value string, line, col int) *yaml.Node {
	var doc yaml.Node
	var val *yaml.Node
	if len(value) <= 4096 && yaml.Unmarshal([]byte(value), &doc) == nil && len(doc.Content) == 1 {
		val = doc.Content[0]
	} else {
		val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	}
	var mark func(n *yaml.Node, depth int)
	mark = func(n *yaml.Node, depth int) {
		if depth > 100 {
			return
		}
		c := col
		if n.Line == 1 {
			c = col + n.Column - 1
		}
		n.Line, n.Column = -line, c
		for _, x := range n.Content {
			mark(x, depth+1)
		}
	}
	mark(val, 0)
	return val
}
