package sim

import (
	"testing"

	"tcpsim/endpoint"
)

// recTable's own rules on top of engine.IDTable (tested there): a nil
// record deletes, and incarnation 0, which no TCB has, is never stored.
func TestRecTable(t *testing.T) {
	var rt recTable
	a, b := &connRecord{ordinal: 1}, &connRecord{ordinal: 2}
	rt.set(7, a)
	rt.set(0, b)
	if got := rt.get(7); got != a {
		t.Errorf("get(7) = %v, want the record set", got)
	}
	if got := rt.get(0); got != nil {
		t.Errorf("get(0) = %v, want nil: 0 is no incarnation", got)
	}
	rt.set(7, nil)
	if got := rt.get(7); got != nil || rt.t.Len() != 0 {
		t.Errorf("after set(7, nil): get(7) = %v, %d entries; want nil, 0", got, rt.t.Len())
	}
	var inc endpoint.Incarnation = 1 << 40
	rt.set(inc, b)
	if got := rt.get(inc); got != b {
		t.Errorf("get(%d) = %v, want the record set", inc, got)
	}
}
