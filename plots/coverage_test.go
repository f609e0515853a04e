package plots

import "testing"

func TestRFC9293Transitions(t *testing.T) {
	seen := map[[2]string]bool{}
	in, out := map[string]int{}, map[string]int{}
	for _, tr := range RFC9293Transitions() {
		key := [2]string{tr.From, tr.To}
		if seen[key] {
			t.Errorf("%s → %s listed twice", tr.From, tr.To)
		}
		seen[key] = true
		if stateIndex(tr.From) < 0 || stateIndex(tr.To) < 0 {
			t.Errorf("%s → %s names a state outside RFC9293States", tr.From, tr.To)
		}
		if tr.From == tr.To {
			t.Errorf("%s → %s is a self-loop", tr.From, tr.To)
		}
		if tr.Source == "" {
			t.Errorf("%s → %s has no source", tr.From, tr.To)
		}
		out[tr.From]++
		in[tr.To]++
	}
	for _, s := range RFC9293States {
		if in[s] == 0 || out[s] == 0 {
			t.Errorf("state %s has %d ways in and %d ways out, want some of each", s, in[s], out[s])
		}
	}
	// Spot checks, one per kind of source.
	tests := []struct {
		from, to string
		want     bool
	}{
		{"CLOSED", "SYN-SENT", true},         // Figure 5
		{"SYN-RECEIVED", "LISTEN", true},     // Figure 5, note 1
		{"FIN-WAIT-1", "TIME-WAIT", true},    // Figure 5, note 2
		{"ESTABLISHED", "CLOSED", true},      // RST, ABORT
		{"SYN-RECEIVED", "CLOSE-WAIT", true}, // §3.10.7.4 eighth
		{"TIME-WAIT", "SYN-RECEIVED", true},  // §3.6.1 MAY-2
		{"ESTABLISHED", "LISTEN", false},
		{"CLOSED", "ESTABLISHED", false},
		{"LISTEN", "ESTABLISHED", false},
		{"TIME-WAIT", "ESTABLISHED", false},
		{"FIN-WAIT-2", "FIN-WAIT-1", false},
		{"ESTABLISHED", "ESTABLISHED", false},
	}
	for _, tt := range tests {
		if got := RFC9293Legal(tt.from, tt.to); got != tt.want {
			t.Errorf("RFC9293Legal(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	// The table is a copy: changing it does not change the default.
	ts := RFC9293Transitions()
	ts[0].To = "ESTABLISHED"
	if RFC9293Legal("CLOSED", "ESTABLISHED") || LegalSet(RFC9293Transitions())("CLOSED", "ESTABLISHED") {
		t.Error("RFC9293Transitions returned the table itself, not a copy")
	}
}

func TestTransitionMatrixCoverage(t *testing.T) {
	m, err := NewTransitionMatrix(RFC9293States, coverageFixture(), RFC9293Legal)
	if err != nil {
		t.Fatal(err)
	}
	used, legal, illegal, events := m.Coverage()
	if want := len(RFC9293Transitions()); legal != want {
		t.Errorf("legal = %d, want %d (the table)", legal, want)
	}
	if used != 19 || illegal != 1 || events != 2 {
		t.Errorf("Coverage() = %d used, %d illegal, %d events; want 19, 1, 2", used, illegal, events)
	}
	// A stricter legality turns a legal transition illegal.
	strict := func(from, to string) bool {
		return RFC9293Legal(from, to) && !(from == "FIN-WAIT-1" && to == "TIME-WAIT")
	}
	m, err = NewTransitionMatrix(RFC9293States, coverageFixture(), strict)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, illegal, events := m.Coverage(); illegal != 2 || events != 27 {
		t.Errorf("strict Coverage() = %d illegal, %d events; want 2, 27", illegal, events)
	}
}
