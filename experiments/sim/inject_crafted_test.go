package sim

import (
	"strings"
	"testing"
)

// TestCraftedSegmentsRFC5961 writes RFC 5961's cases as crafted
// injections into an idle ESTABLISHED connection, with and without the
// RFC's challenge ACKs, and checks what each does: a RST at exactly
// RCV.NXT resets under both rules; one in the window resets only under
// RFC 793's rule and draws a challenge ACK under RFC 5961 §3; one outside
// the window is dropped; a SYN in the window resets under RFC 793 and
// draws a challenge ACK under §4.
func TestCraftedSegmentsRFC5961(t *testing.T) {
	tests := []struct {
		name, segment string
		rfc5961       bool
		wantReset     float64
		wantChallenge float64
	}{
		{"RST at RCV.NXT, RFC 793", "{flags: R, seq: rcv_nxt}", false, 1, 0},
		{"RST at RCV.NXT, RFC 5961", "{flags: R, seq: rcv_nxt}", true, 1, 0},
		{"RST in window, RFC 793", "{flags: R, seq: rcv_nxt + 100}", false, 1, 0},
		{"RST in window, RFC 5961", "{flags: R, seq: rcv_nxt + 100}", true, 0, 1},
		{"RST just outside, RFC 793", "{flags: R, seq: rcv_nxt + rcv_wnd}", false, 0, 0},
		{"RST left of window, RFC 793", "{flags: R, seq: rcv_nxt - 1}", false, 0, 0},
		{"SYN in window, RFC 793", "{flags: S, seq: rcv_nxt + 5}", false, 1, 0},
		{"SYN in window, RFC 5961", "{flags: S, seq: rcv_nxt + 5}", true, 0, 1},
		{"SYN at the left edge, RFC 5961", "{flags: S, seq: rcv_nxt}", true, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := `name: crafted
hosts:
  - {name: client}
  - name: server
    tcp: {challenge_ack: ` + map[bool]string{true: "true", false: "false"}[tc.rfc5961] + `}
links:
  - {between: [client, server], delay: 10ms}
workloads:
  - {name: victim, client: client, server: server:80, arrivals: {times: [0s]}, connection: {close: client, hold: 5s}}
injections:
  - segment: {workload: victim, conn: 1, after_state: ESTABLISHED, at: 1s, ` + strings.Trim(tc.segment, "{}") + `}
`
			vals, _ := runOnce(t, text)
			if vals["conns_reset"] != tc.wantReset || vals["challenge_acks"] != tc.wantChallenge {
				t.Errorf("victim reset %v, challenge ACKs %v; want %v, %v", vals["conns_reset"], vals["challenge_acks"], tc.wantReset, tc.wantChallenge)
			}
		})
	}
}
