package endpoint

import (
	"math"
	"testing"
)

func TestSeqCompareAroundWrap(t *testing.T) {
	const max = Seq(math.MaxUint32)
	for _, tc := range []struct {
		a, b       Seq
		lt, leq    bool
		gt, geq    bool
		difference int32
	}{
		{1, 2, true, true, false, false, -1},
		{2, 1, false, false, true, true, 1},
		{5, 5, false, true, false, true, 0},
		{max, 0, true, true, false, false, -1},
		{0, max, false, false, true, true, 1},
		{max - 10, 10, true, true, false, false, -21},
		{10, max - 10, false, false, true, true, 21},
		{0, 1 << 31, true, true, false, false, math.MinInt32}, // half the space away: "before" by convention
	} {
		if got := tc.a.LT(tc.b); got != tc.lt {
			t.Errorf("%d.LT(%d) = %v, want %v", tc.a, tc.b, got, tc.lt)
		}
		if got := tc.a.LEQ(tc.b); got != tc.leq {
			t.Errorf("%d.LEQ(%d) = %v, want %v", tc.a, tc.b, got, tc.leq)
		}
		if got := tc.a.GT(tc.b); got != tc.gt {
			t.Errorf("%d.GT(%d) = %v, want %v", tc.a, tc.b, got, tc.gt)
		}
		if got := tc.a.GEQ(tc.b); got != tc.geq {
			t.Errorf("%d.GEQ(%d) = %v, want %v", tc.a, tc.b, got, tc.geq)
		}
		if got := tc.a.Sub(tc.b); got != tc.difference {
			t.Errorf("%d.Sub(%d) = %d, want %d", tc.a, tc.b, got, tc.difference)
		}
	}
}

func TestSeqWindowAroundWrap(t *testing.T) {
	const max = Seq(math.MaxUint32)
	for _, tc := range []struct {
		s, start Seq
		size     uint32
		want     bool
	}{
		{max, max - 1, 10, true},
		{3, max - 1, 10, true},
		{7, max - 1, 10, true},
		{8, max - 1, 10, false},
		{max - 2, max - 1, 10, false},
		{5, 5, 0, false},
	} {
		if got := tc.s.InWindow(tc.start, tc.size); got != tc.want {
			t.Errorf("%d.InWindow(%d, %d) = %v, want %v", tc.s, tc.start, tc.size, got, tc.want)
		}
	}
	for _, tc := range []struct {
		s, lo, hi Seq
		want      bool
	}{
		{0, max, 1, true},
		{max, max, 1, true},
		{2, max, 1, false},
		{5, 6, 5, false}, // inverted range: empty (SND.UNA+1 > SND.NXT)
		{5, 5, 5, true},
	} {
		if got := tc.s.InRange(tc.lo, tc.hi); got != tc.want {
			t.Errorf("%d.InRange(%d, %d) = %v, want %v", tc.s, tc.lo, tc.hi, got, tc.want)
		}
	}
	if got := (max - 1).Add(5); got != 3 {
		t.Errorf("Add across the wrap = %d, want 3", got)
	}
	if got := Seq(3).Max(max); got != 3 {
		t.Errorf("Max across the wrap = %d, want 3", got)
	}
}

func TestAcceptability(t *testing.T) {
	// RFC 9293 §3.10.7.4, Table 6, at the wrap.
	nxt := Seq(math.MaxUint32 - 1)
	for _, tc := range []struct {
		seq  Seq
		len  uint32
		wnd  uint32
		want bool
	}{
		{nxt, 0, 0, true},
		{nxt + 1, 0, 0, false},
		{nxt + 5, 0, 100, true},
		{nxt - 1, 0, 100, false},
		{nxt, 10, 0, false},
		{nxt - 5, 10, 100, true}, // straddles RCV.NXT
		{nxt - 10, 10, 100, false},
		{nxt + 99, 10, 100, true},
		{nxt + 100, 10, 100, false},
	} {
		if got := acceptable(tc.seq, tc.len, nxt, tc.wnd); got != tc.want {
			t.Errorf("acceptable(seq %d, len %d, wnd %d) = %v, want %v", tc.seq, tc.len, tc.wnd, got, tc.want)
		}
	}
}

func TestFlagsString(t *testing.T) {
	for _, tc := range []struct {
		f    Flags
		want string
	}{
		{SYN, "S"}, {SYN | ACK, "S."}, {ACK, "."}, {FIN | ACK, "F."}, {RST, "R"},
		{RST | ACK, "R."}, {PSH | ACK, "P."}, {FIN | PSH | ACK, "FP."}, {0, "none"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("Flags(%#x).String() = %q, want %q", uint8(tc.f), got, tc.want)
		}
	}
}

func TestWireSize(t *testing.T) {
	for _, tc := range []struct {
		seg  Segment
		want int
	}{
		{Segment{Flags: ACK}, 20},
		{Segment{Flags: SYN, Options: OptMSS}, 24},
		{Segment{Flags: SYN, Options: OptMSS | OptTimestamp}, 36},
		{Segment{Flags: ACK, Options: OptTimestamp, Len: 1000}, 1032},
	} {
		if got := tc.seg.WireSize(); got != tc.want {
			t.Errorf("WireSize(%v) = %d, want %d", tc.seg, got, tc.want)
		}
	}
	syn := Segment{Flags: SYN | ACK, Len: 3}
	if got := syn.SeqLen(); got != 4 {
		t.Errorf("SeqLen of SYN with 3 bytes = %d, want 4", got)
	}
}

func TestAddrString(t *testing.T) {
	if got := AddrFrom4(10, 0, 0, 1).String(); got != "10.0.0.1" {
		t.Errorf("got %q", got)
	}
	if got := (Endpoint{AddrFrom4(192, 168, 1, 254), 80}).String(); got != "192.168.1.254:80" {
		t.Errorf("got %q", got)
	}
}
