package figures

import (
	"testing"

	"tcpsim/endpoint"
)

// The coverage figure judges transitions by endpoint.Legal, the one table
// the tests and the fuzzer use.
func TestCoverageUsesEndpointLegal(t *testing.T) {
	for from := endpoint.State(0); from < endpoint.NumStates; from++ {
		for to := endpoint.State(0); to < endpoint.NumStates; to++ {
			if got, want := legalByName(from.String(), to.String()), endpoint.Legal(from, to); got != want {
				t.Errorf("legalByName(%s, %s) = %v, endpoint.Legal says %v", from, to, got, want)
			}
		}
	}
	for _, tt := range []struct{ from, to string }{{"TIME-WAIT", "SYN-RECEIVED"}, {"ESTABLISHED", "TIME-WAIT"}, {"CLOSED", "NOPE"}} {
		if legalByName(tt.from, tt.to) {
			t.Errorf("legalByName(%s, %s) = true", tt.from, tt.to)
		}
	}
}
