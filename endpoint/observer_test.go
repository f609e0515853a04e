package endpoint

import (
	"testing"
	"time"
)

// selective is an observer that wants only some segment events.
type selective struct {
	want SegmentInterest
	got  []SegmentEvent
}

func (s *selective) OnState(StateEvent)                {}
func (s *selective) OnSegment(e SegmentEvent)          { s.got = append(s.got, e) }
func (s *selective) SegmentInterests() SegmentInterest { return s.want }

// A SegmentSelector gets exactly the segment events it asked for, and
// LastSegment follows every segment, reported or not: here a handshake
// whose first SYN-ACK is lost, so that both ends retransmit (A its SYN, B
// its SYN-ACK) and duplicates are dropped.
func TestSegmentSelector(t *testing.T) {
	run := func(o Observer) *pair {
		p := newPair(t, testConfig(), testConfig(), true)
		synacks := 0
		p.net.filter = func(src, dst Addr, seg *Segment) (bool, time.Duration) {
			if seg.Flags == SYN|ACK {
				synacks++
				return synacks == 1, 0
			}
			return false, 0
		}
		p.a.SetObserver(o)
		p.b.SetObserver(o)
		if _, err := p.a.Connect(addrB, 80, p.appA); err != nil {
			t.Fatal(err)
		}
		p.run(5 * time.Second)
		return p
	}
	all := &selective{want: WantAllSegments}
	run(all)
	kinds, retransmits := map[Dir]int{}, 0
	for _, e := range all.got {
		kinds[e.Dir]++
		if e.Note == NoteRetransmit {
			retransmits++
		}
	}
	// The lost SYN-ACK makes A resend its SYN and B its SYN-ACK: two
	// retransmissions at least.
	if kinds[Sent] == 0 || kinds[Received] == 0 || kinds[Dropped] == 0 || retransmits < 2 {
		t.Fatalf("the scenario lacks a kind of event: %v sent, %v received, %v dropped, %v retransmitted", kinds[Sent], kinds[Received], kinds[Dropped], retransmits)
	}
	for _, tc := range []struct {
		name string
		want SegmentInterest
		// ok says which events the observer may see.
		ok func(e SegmentEvent) bool
	}{
		{"retransmissions", WantRetransmits, func(e SegmentEvent) bool { return e.Dir == Sent && e.Note == NoteRetransmit }},
		{"sent", WantSent, func(e SegmentEvent) bool { return e.Dir == Sent }},
		{"received", WantReceived, func(e SegmentEvent) bool { return e.Dir == Received }},
		{"dropped", WantDropped, func(e SegmentEvent) bool { return e.Dir == Dropped }},
		{"received or dropped", WantReceived | WantDropped, func(e SegmentEvent) bool { return e.Dir != Sent }},
		{"nothing", 0, func(SegmentEvent) bool { return false }},
	} {
		obs := &selective{want: tc.want}
		p := run(obs)
		var want []SegmentEvent
		for _, e := range all.got {
			if tc.ok(e) {
				want = append(want, e)
			}
		}
		if len(obs.got) != len(want) {
			t.Errorf("%s: got %d events, want %d", tc.name, len(obs.got), len(want))
		}
		for i := range min(len(obs.got), len(want)) {
			if obs.got[i] != want[i] {
				t.Errorf("%s: event %d is %+v, want %+v", tc.name, i, obs.got[i], want[i])
			}
		}
		last := all.got[len(all.got)-1].Time
		if got := max(p.a.LastSegment(), p.b.LastSegment()); got != last {
			t.Errorf("%s: LastSegment %v, want %v, the last segment event", tc.name, got, last)
		}
	}
}
