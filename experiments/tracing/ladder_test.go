package tracing

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/plots"
)

// TestLadderClassification traces one connection of catalog experiments
// and checks what the ladder says about it: both ends' states, which
// segments are stale (an earlier incarnation's) or duplicates (link
// copies), and sequence numbers relative to each incarnation's ISN.
func TestLadderClassification(t *testing.T) {
	for _, tc := range []struct {
		name     string
		file     string
		sets     []string
		conn     int
		absolute bool
		// wantFirst is the first segment's label.
		wantFirst string
		// firstStates are each end's first states.
		firstStates [2]string
		// kinds are the kinds of segment present other than Normal.
		kinds []plots.SegmentKind
	}{
		{name: "simultaneous open: b's segments are its own, its states are drawn", file: "simultaneous-open",
			sets: []string{"workloads[0].count=3"}, conn: 2, wantFirst: "SYN seq=0", firstStates: [2]string{"SYN-SENT", "SYN-SENT"}},
		{name: "absolute numbers on request", file: "simultaneous-open",
			sets: []string{"workloads[0].count=3"}, conn: 2, absolute: true, firstStates: [2]string{"SYN-SENT", "SYN-SENT"}},
		{name: "an ordinary handshake: the server's fork starts in LISTEN", file: "handshake-under-loss",
			sets: []string{"replications=1"}, conn: 1, wantFirst: "SYN seq=0", firstStates: [2]string{"SYN-SENT", "LISTEN"}},
		{name: "a link's copy of the SYN after the close is a duplicate; the SYN-ACK it draws, a later incarnation's",
			file: "old-duplicate-syn", sets: []string{"workloads[0].count=300"}, conn: 61, wantFirst: "SYN seq=0",
			firstStates: [2]string{"SYN-SENT", "LISTEN"}, kinds: []plots.SegmentKind{plots.Duplicate, plots.Later}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := config.Load(filepath.Join("..", "catalog", tc.file+".yaml"), tc.sets...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Trace(context.Background(), e, TraceOptions{Ladder: true, Conn: tc.conn, AbsoluteSeq: tc.absolute})
			if err != nil {
				t.Fatal(err)
			}
			for i, tl := range res.Timelines {
				if len(tl.States) == 0 || tl.States[0].State != tc.firstStates[i] {
					t.Errorf("timeline %s states %v, want first %s", tl.Name, tl.States, tc.firstStates[i])
				}
			}
			if len(res.Segments) == 0 {
				t.Fatal("no segments")
			}
			var kinds []plots.SegmentKind
			for _, s := range res.Segments {
				if s.Kind != plots.Normal && !slices.Contains(kinds, s.Kind) {
					kinds = append(kinds, s.Kind)
				}
			}
			slices.Sort(kinds)
			if !slices.Equal(kinds, tc.kinds) {
				t.Errorf("kinds of segment %v, want %v: %v", kinds, tc.kinds, res.Segments)
			}
			first := res.Segments[0].Label
			if tc.absolute {
				if first == "SYN seq=0" || !strings.HasPrefix(first, "SYN seq=") {
					t.Errorf("absolute: first label %q, want the ISN", first)
				}
			} else if first != tc.wantFirst {
				t.Errorf("first label %q, want %q", first, tc.wantFirst)
			}
		})
	}
}
