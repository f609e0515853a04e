package plots

import "testing"

func TestTransitionMatrixCoverage(t *testing.T) {
	m, err := NewTransitionMatrix(RFC9293States, coverageFixture(), fixtureLegal)
	if err != nil {
		t.Fatal(err)
	}
	used, legal, illegal, events := m.Coverage()
	if legal != 28 {
		t.Errorf("legal = %d, want 28 (18 arcs and 10 deletions to CLOSED)", legal)
	}
	if used != 19 || illegal != 1 || events != 2 {
		t.Errorf("Coverage() = %d used, %d illegal, %d events; want 19, 1, 2", used, illegal, events)
	}
	// A stricter legality turns a legal transition illegal.
	strict := func(from, to string) bool {
		return fixtureLegal(from, to) && !(from == "FIN-WAIT-1" && to == "TIME-WAIT")
	}
	m, err = NewTransitionMatrix(RFC9293States, coverageFixture(), strict)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, illegal, events := m.Coverage(); illegal != 2 || events != 27 {
		t.Errorf("strict Coverage() = %d illegal, %d events; want 2, 27", illegal, events)
	}
	if _, err := TransitionCoverage(coverageFixture(), CoverageOptions{}); err == nil {
		t.Error("TransitionCoverage without a legality: no error")
	}
}
