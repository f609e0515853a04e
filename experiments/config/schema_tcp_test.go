package config

import (
	"strings"
	"testing"
	"time"
)

// TestOOWAckInterval checks tcp.oow_ack_interval: a duration that may be 0
// (answer every unacceptable segment) but not negative, nil when not given
// (the profile's 500ms).
func TestOOWAckInterval(t *testing.T) {
	for _, tt := range []struct {
		tcp     string
		want    *time.Duration // nil: not set
		wantErr string
	}{
		{"{}", nil, ""},
		{"{oow_ack_interval: ~}", nil, ""},
		{"{oow_ack_interval: 0}", ptr(time.Duration(0)), ""},
		{"{oow_ack_interval: 500ms}", ptr(500 * time.Millisecond), ""},
		{"{oow_ack_interval: 1.5s}", ptr(1500 * time.Millisecond), ""},
		{"{profile: linux, oow_ack_interval: 2min}", ptr(2 * time.Minute), ""},
		{"{oow_ack_interval: -500ms}", nil, `t.yaml:2:43: hosts[0].tcp.oow_ack_interval: got "-500ms", want a non-negative duration with a unit (e.g. 50ms, 1.5s, 250us, 2min, 3h)`},
		{"{oow_ack_interval: 500}", nil, `t.yaml:2:43: hosts[0].tcp.oow_ack_interval: got "500", want a unit after the number (e.g. 500ms or 500s)`},
		{"{oow_ack_interval: [1s]}", nil, `t.yaml:2:43: hosts[0].tcp.oow_ack_interval: got a list, want a non-negative duration with a unit (e.g. 50ms, 1.5s, 250us, 2min, 3h)`},
	} {
		src := "name: t\nhosts: [{name: a, tcp: " + tt.tcp + "}]\n"
		e, err := Parse("t.yaml", []byte(src))
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Parse(tcp: %s) error = %v, want %s", tt.tcp, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(tcp: %s): %v", tt.tcp, err)
			continue
		}
		got := e.Hosts[0].TCP.OOWAckInterval
		switch {
		case tt.want == nil && got != nil:
			t.Errorf("Parse(tcp: %s).OOWAckInterval = %s, want nil (as the profile says)", tt.tcp, *got)
		case tt.want != nil && (got == nil || got.D() != *tt.want):
			t.Errorf("Parse(tcp: %s).OOWAckInterval = %v, want %s", tt.tcp, got, *tt.want)
		}
	}
}

// TestRemovedTCPKnobs checks that the knobs the simulator does not
// implement are unknown fields, not settings silently ignored.
func TestRemovedTCPKnobs(t *testing.T) {
	for _, tt := range []struct{ path, value string }{
		{"hosts[0].tcp.time_wait_on", "both"},
		{"hosts[0].tcp.time_wait_reuse", "true"},
		{"hosts[0].tcp.rst_in_synsent", "any"},
		{"hosts[0].tcp.quiet_time", "2min"},
		{"hosts[0].tcp.snd_buffer", "64KiB"},
		{"hosts[0].tcp.backlog.syn_cookies", "true"},
	} {
		field := tt.path[strings.LastIndexByte(tt.path, '.')+1:]
		_, err := Parse("t.yaml", []byte("name: t\nhosts: [{name: a}]\n"), tt.path+"="+tt.value)
		if err == nil || !strings.Contains(err.Error(), "has no field \""+field+"\"") {
			t.Errorf("--set %s=%s: error %v, want the path refused", tt.path, tt.value, err)
		}
		src := "name: t\nhosts: [{name: a, tcp: " + nest(tt.path, tt.value) + "}]\n"
		_, err = Parse("t.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tt.path+": unknown field \""+field+"\"") {
			t.Errorf("Parse(%q): error %v, want %s: unknown field", src, err, tt.path)
		}
	}
}

// nest writes the value of a hosts[0].tcp.… path as a flow mapping under
// tcp: hosts[0].tcp.backlog.syn_cookies=true → {backlog: {syn_cookies: true}}.
func nest(path, value string) string {
	parts := strings.Split(strings.TrimPrefix(path, "hosts[0].tcp."), ".")
	s := value
	for i := len(parts) - 1; i >= 0; i-- {
		s = "{" + parts[i] + ": " + s + "}"
	}
	return s
}

func ptr[T any](v T) *T { return &v }
