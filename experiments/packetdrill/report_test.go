package packetdrill

import (
	"strings"
	"testing"
)

func TestResultFormats(t *testing.T) {
	for _, tc := range []struct {
		r          Result
		line, json string
	}{
		{Result{Script: "a.pkt", Outcome: Pass}, "PASS a.pkt\n", `{"script":"a.pkt","result":"PASS","line":0,"reason":""}` + "\n"},
		{Result{Script: "b.pkt", Outcome: Fail, Line: 12, Reason: "expected x, got y"}, "FAIL b.pkt:12: expected x, got y\n",
			`{"script":"b.pkt","result":"FAIL","line":12,"reason":"expected x, got y"}` + "\n"},
		{Result{Script: "c.pkt", Outcome: Skip, Reason: "IPv6", Kind: "ipv6"}, "SKIP c.pkt: IPv6\n",
			`{"script":"c.pkt","result":"SKIP","line":0,"reason":"IPv6"}` + "\n"},
	} {
		var l, j strings.Builder
		tc.r.WriteLine(&l)
		tc.r.WriteJSON(&j)
		if l.String() != tc.line {
			t.Errorf("WriteLine(%+v) = %q, want %q", tc.r, l.String(), tc.line)
		}
		if j.String() != tc.json {
			t.Errorf("WriteJSON(%+v) = %q, want %q", tc.r, j.String(), tc.json)
		}
	}
}

func TestTally(t *testing.T) {
	var ty Tally
	for _, r := range []Result{{Outcome: Pass}, {Outcome: Fail}, {Outcome: Skip, Kind: "sysctl"}, {Outcome: Skip, Kind: "ecn"}, {Outcome: Skip, Kind: "sysctl"}} {
		ty.Add(r)
	}
	if got, want := ty.String(), "1 passed, 1 failed, 3 skipped of 5"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := ty.SkipSummary(), "sysctl 2, ecn 1"; got != want {
		t.Errorf("SkipSummary() = %q, want %q", got, want)
	}
}
