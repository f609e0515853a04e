package sim

import (
	"testing"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
)

// TestRetryKnobsMapping checks the one mapping from a host's retry knobs
// to endpoint.Config: not given keeps the profile's value, an explicit 0
// is 0 (not "as the profile says", not "unbounded"), and "unlimited" is
// endpoint.Unlimited.
func TestRetryKnobsMapping(t *testing.T) {
	type got struct{ syn, synack, data, linear int }
	for _, tt := range []struct {
		tcp  string
		want got
	}{
		{"{profile: linux}", got{6, 5, 15, 4}},
		{"{profile: rfc9293}", got{endpoint.Unlimited, endpoint.Unlimited, endpoint.Unlimited, 0}},
		{"{profile: linux, syn_retries: 0, synack_retries: 0, data_retries: 0, syn_linear_timeouts: 0}", got{0, 0, 0, 0}},
		{"{profile: rfc9293, syn_retries: 0, synack_retries: 0, data_retries: 0}", got{0, 0, 0, 0}},
		{"{profile: linux, syn_retries: unlimited, synack_retries: unlimited, data_retries: unlimited}",
			got{endpoint.Unlimited, endpoint.Unlimited, endpoint.Unlimited, 4}},
		{"{profile: rfc9293, syn_retries: 3, synack_retries: 2, data_retries: 7, syn_linear_timeouts: 1}", got{3, 2, 7, 1}},
	} {
		src := "name: t\nhosts: [{name: a, tcp: " + tt.tcp + "}]\n"
		e, err := config.Parse("t.yaml", []byte(src))
		if err != nil {
			t.Fatalf("Parse(tcp: %s): %v", tt.tcp, err)
		}
		c, err := TCPConfig(e.Hosts[0])
		if err != nil {
			t.Fatalf("TCPConfig(tcp: %s): %v", tt.tcp, err)
		}
		if g := (got{c.SynRetries, c.SynAckRetries, c.DataRetries, c.SynLinearTimeouts}); g != tt.want {
			t.Errorf("TCPConfig(tcp: %s) retries (syn, synack, data, linear) = %v, want %v", tt.tcp, g, tt.want)
		}
	}
}
