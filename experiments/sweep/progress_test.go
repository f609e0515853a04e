package sweep

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Finding 8 of issue 16: under adaptive replication the count of runs to
// do is only a lower bound, and progress printed "244/10 runs (2440%)".
func TestProgressLine(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	for _, tc := range []struct {
		name      string
		total     int
		atLeast   bool
		done      int
		want, not string
	}{
		{"fixed", 10, false, 5, "5/10 runs (50%)", "at least"},
		{"adaptive", 10, true, 244, "244 runs (adaptive replication: at least 10 in all)", "244/10"},
		{"unknown", 0, false, 7, "7 runs,", "7/"},
	} {
		var b bytes.Buffer
		p := newProgress(&b, false, now, tc.total, "runs")
		p.atLeast = tc.atLeast
		p.update(tc.done, tc.done, true)
		if got := b.String(); !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: progress %q; want %q and no %q", tc.name, got, tc.want, tc.not)
		}
	}
}
