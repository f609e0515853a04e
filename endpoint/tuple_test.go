package endpoint

import "testing"

// keyParts inverts tupleKey, and a client's successive local ports to one
// server port give keys that differ by one, which engine.IDTable keeps in
// one cache line (the locality hundred-million's speed depends on).
func TestTupleKey(t *testing.T) {
	for _, tc := range []struct {
		lport, rport uint16
		raddr        Addr
	}{
		{0, 0, 1}, {1024, 80, 0x0a000001}, {65535, 65535, 0xffffffff}, {49152, 443, 0xc0a80001},
	} {
		l, a, r := keyParts(tupleKey(tc.lport, tc.raddr, tc.rport))
		if l != tc.lport || a != tc.raddr || r != tc.rport {
			t.Errorf("keyParts(tupleKey(%d, %v, %d)) = %d, %v, %d", tc.lport, tc.raddr, tc.rport, l, a, r)
		}
	}
	if d := tupleKey(40001, 0x0a000001, 80) - tupleKey(40000, 0x0a000001, 80); d != 1 {
		t.Errorf("successive local ports give keys %d apart, want 1", d)
	}
}
