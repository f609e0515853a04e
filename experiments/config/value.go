package config

import "reflect"

// Value returns the decoded value at a dotted YAML path of e (as the sweep
// and --set name them: "links[0].loss", "hosts[1].tcp.msl"), pointers
// followed: a Duration, Prob, Loss, TimeWait, string, ... ok is false when
// the path leads nowhere in e (an index out of range, a section or an
// optional setting not given).
func (e *Experiment) Value(path string) (v any, ok bool) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, false
	}
	rv := reflect.ValueOf(e).Elem()
	for _, s := range steps {
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return nil, false
			}
			rv = rv.Elem()
		}
		if s.index >= 0 {
			if rv.Kind() != reflect.Slice || s.index >= rv.Len() {
				return nil, false
			}
			rv = rv.Index(s.index)
			continue
		}
		if rv.Kind() != reflect.Struct {
			return nil, false
		}
		found := false
		for _, f := range fieldsOf(rv.Type()) {
			if f.name == s.key {
				rv, found = rv.FieldByIndex(f.index), true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, false
		}
		rv = rv.Elem()
	}
	return rv.Interface(), true
}
