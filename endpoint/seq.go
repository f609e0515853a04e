package endpoint

// Seq is a TCP sequence or acknowledgment number. All arithmetic on it is
// modulo 2^32 (RFC 9293 §3.4: "the sequence number space ranges from 0 to
// 2^32 - 1" and "all arithmetic dealing with sequence numbers must be
// performed modulo 2^32"). Comparisons are by the sign of the 32-bit
// difference, so they are meaningful only for numbers less than 2^31 apart,
// which the window sizes TCP uses guarantee.
type Seq uint32

// Add returns s+n modulo 2^32.
func (s Seq) Add(n uint32) Seq { return s + Seq(n) }

// Sub returns the distance s-t modulo 2^32, as a signed number.
func (s Seq) Sub(t Seq) int32 { return int32(s - t) }

// LT reports s < t (modulo 2^32).
func (s Seq) LT(t Seq) bool { return int32(s-t) < 0 }

// LEQ reports s =< t (modulo 2^32).
func (s Seq) LEQ(t Seq) bool { return int32(s-t) <= 0 }

// GT reports s > t (modulo 2^32).
func (s Seq) GT(t Seq) bool { return int32(s-t) > 0 }

// GEQ reports s >= t (modulo 2^32).
func (s Seq) GEQ(t Seq) bool { return int32(s-t) >= 0 }

// InWindow reports whether s lies in [start, start+size), the test RFC 9293
// §3.10.7.4 (Table 6) applies as "RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND". An
// empty window contains nothing.
func (s Seq) InWindow(start Seq, size uint32) bool {
	return uint32(s-start) < size
}

// InRange reports whether lo =< s =< hi (modulo 2^32). An inverted range
// (hi < lo) is empty, so "SND.UNA < SEG.ACK =< SND.NXT" can be written
// InRange(una+1, nxt) and is false when nothing is outstanding.
func (s Seq) InRange(lo, hi Seq) bool {
	return lo.LEQ(hi) && lo.LEQ(s) && s.LEQ(hi)
}

// Max returns the later of s and t.
func (s Seq) Max(t Seq) Seq {
	if s.LT(t) {
		return t
	}
	return s
}
