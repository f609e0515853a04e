package sweep

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Finding 8 of issue 16: under adaptive replication the count of runs to
// do is only a lower bound, and progress printed "244/10 runs (2440%)"; it
// gives the range the sweep can end in instead (issue 13).
func TestProgressLine(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	for _, tc := range []struct {
		name        string
		total, most int
		atLeast     bool
		done        int
		want, not   string
	}{
		{"fixed", 10, 0, false, 5, "5/10 runs (50%)", "at least"},
		{"adaptive", 10, 100, true, 44, "44 runs (adaptive replication: 10 to 100 in all)", "44/10"},
		{"adaptive without a most", 10, 0, true, 244, "244 runs (adaptive replication: at least 10 in all)", "244/10"},
		{"unknown", 0, 0, false, 7, "7 runs,", "7/"},
	} {
		var b bytes.Buffer
		p := newProgress(&b, false, now, tc.total, "runs")
		p.atLeast, p.most = tc.atLeast, tc.most
		p.update(tc.done, tc.done, true)
		if got := b.String(); !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: progress %q; want %q and no %q", tc.name, got, tc.want, tc.not)
		}
	}
}

// A resumed sweep says how far the earlier invocation got before it starts
// (issue 13): "resuming: 32 of 120 runs done", and nothing when there is
// nothing to resume.
func TestProgressResuming(t *testing.T) {
	for _, tc := range []struct {
		name        string
		total, most int
		atLeast     bool
		done        int
		want        string
	}{
		{"fixed", 120, 0, false, 32, "tcpsim: resuming: 32 of 120 runs done\n"},
		{"adaptive", 20, 200, true, 32, "tcpsim: resuming: 32 runs done (adaptive replication: 20 to 200 in all)\n"},
		{"fresh", 120, 0, false, 0, ""},
	} {
		var b bytes.Buffer
		p := newProgress(&b, false, time.Now, tc.total, "runs")
		p.atLeast, p.most = tc.atLeast, tc.most
		p.resuming(tc.done)
		if got := b.String(); got != tc.want {
			t.Errorf("%s: resuming(%d) printed %q, want %q", tc.name, tc.done, got, tc.want)
		}
	}
}
