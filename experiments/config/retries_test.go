package config

import (
	"strings"
	"testing"
)

// TestRetryKnobs checks syn_retries, synack_retries and data_retries: a
// whole number (0 included: zero retransmissions, not "as the profile
// says") or "unlimited"; nil only when not given. The normalized form
// keeps the distinction.
func TestRetryKnobs(t *testing.T) {
	for _, knob := range []string{"syn_retries", "synack_retries", "data_retries"} {
		for _, tt := range []struct {
			value   string
			want    *Retries // nil: not set
			norm    string   // in the normalized JSON
			wantErr string
		}{
			{"~", nil, `"` + knob + `": null`, ""},
			{"0", ptr(Retries(0)), `"` + knob + `": 0`, ""},
			{"6", ptr(Retries(6)), `"` + knob + `": 6`, ""},
			{"1_000", ptr(Retries(1000)), `"` + knob + `": 1000`, ""},
			{"unlimited", ptr(Unlimited), `"` + knob + `": "unlimited"`, ""},
			{"-1", nil, "", `hosts[0].tcp.` + knob + `: got "-1", want a whole number ≥ 0 or "unlimited"`},
			{"infinite", nil, "", `hosts[0].tcp.` + knob + `: got "infinite", want a whole number ≥ 0 or "unlimited"`},
			{"[1]", nil, "", `hosts[0].tcp.` + knob + `: got a list, want a whole number ≥ 0 or "unlimited"`},
		} {
			src := "name: t\nhosts: [{name: a, tcp: {" + knob + ": " + tt.value + "}}]\n"
			e, err := Parse("t.yaml", []byte(src))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Parse(%s: %s) error = %v, want %s", knob, tt.value, err, tt.wantErr)
				}
				continue
			}
			if err != nil {
				t.Errorf("Parse(%s: %s): %v", knob, tt.value, err)
				continue
			}
			tcp := e.Hosts[0].TCP
			got := map[string]*Retries{"syn_retries": tcp.SynRetries, "synack_retries": tcp.SynackRetries, "data_retries": tcp.DataRetries}[knob]
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("Parse(%s: %s) = %s, want nil (as the profile says)", knob, tt.value, *got)
			case tt.want != nil && (got == nil || *got != *tt.want):
				t.Errorf("Parse(%s: %s) = %v, want %s", knob, tt.value, got, *tt.want)
			}
			if n := string(e.Normalized()); tt.want != nil && !strings.Contains(n, tt.norm) {
				t.Errorf("Parse(%s: %s).Normalized() lacks %s", knob, tt.value, tt.norm)
			}
		}
	}
}

// TestParseRetriesRoundTrip: String gives back what ParseRetries reads.
func TestParseRetriesRoundTrip(t *testing.T) {
	for _, r := range []Retries{0, 1, 6, 127, Unlimited} {
		got, err := ParseRetries(r.String())
		if err != nil || got != r {
			t.Errorf("ParseRetries(%q) = %v, %v; want %v", r.String(), got, err, r)
		}
	}
}
