package endpoint

import (
	"strconv"
	"strings"
)

// Flags are the TCP control bits (RFC 9293 §3.1).
type Flags uint8

// The control bits tcpsim models. ECE and CWR (RFC 3168 §6.1) serve only
// to negotiate ECN (Features.ECN); congestion is never signalled.
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// String formats the flags as tcpdump does, in its order F S R P U E W and
// "." for ACK: "S", "S.", ".", "F.", "FP.", "R", "R.", "SEW"; an empty set
// is "none".
func (f Flags) String() string {
	if f == 0 {
		return "none"
	}
	var b [9]byte
	n := 0
	for _, x := range [...]struct {
		f Flags
		c byte
	}{{FIN, 'F'}, {SYN, 'S'}, {RST, 'R'}, {PSH, 'P'}, {URG, 'U'}, {ECE, 'E'}, {CWR, 'W'}, {ACK, '.'}} {
		if f&x.f != 0 {
			b[n] = x.c
			n++
		}
	}
	return string(b[:n])
}

// Has reports whether every flag in g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Option bits say which TCP options a segment carries.
const (
	OptMSS uint8 = 1 << iota
	OptTimestamp
	// OptSACKPerm is SACK-permitted (RFC 2018 §2), on SYNs only.
	OptSACKPerm
	// OptWScale is the window scale option (RFC 7323 §2), on SYNs only;
	// the shift is in Segment.WScale.
	OptWScale
)

// Segment is a TCP segment as tcpsim moves it: the header fields the
// protocol uses and, instead of payload bytes, the payload's identity. It
// holds no pointers, so links and queues can store it by value.
type Segment struct {
	SrcPort, DstPort uint16
	Seq, Ack         Seq
	Flags            Flags
	// Options says which options are present (OptMSS, OptTimestamp,
	// OptSACKPerm, OptWScale).
	Options uint8
	// WScale is the window scale shift, valid when Options&OptWScale != 0.
	WScale uint8
	// NSACK is the number of SACK blocks (RFC 2018 §3) in SACK, at most 3.
	NSACK uint8
	// ECT says the IP header carries ECT(0): ECN-capable transport (RFC
	// 3168 §5), set on new data of a connection that negotiated ECN.
	ECT bool
	// Replay marks a segment injected by an experiment as a replay of an old
	// one. The protocol treats it like any other segment; traces show it.
	Replay bool
	// Window is the window field: the advertised receive window, scaled
	// down by the sender's shift unless SYN is set (RFC 7323 §2.3).
	Window uint16
	// MSS is the maximum segment size option, valid when Options&OptMSS != 0.
	MSS uint16
	// Len is the payload length in bytes.
	Len uint32
	// TSVal and TSEcr are the timestamp option (RFC 7323), valid when
	// Options&OptTimestamp != 0.
	TSVal, TSEcr uint32
	// Origin is the incarnation of the TCB that emitted the segment, 0 for a
	// reset sent by a stack for a connection that does not exist. The payload
	// belongs to Origin's byte stream.
	Origin Incarnation
	// Offset is the stream offset of the first payload byte in Origin's
	// byte stream (0 is the first byte after the SYN).
	Offset uint64
	// SACK holds NSACK blocks of out-of-order data the sender holds.
	SACK [3]SACKBlock
}

// SACKBlock is one block of a SACK option: the bytes [Left, Right) are
// held (RFC 2018 §3).
type SACKBlock struct{ Left, Right Seq }

// Header and option sizes in bytes.
const (
	HeaderSize = 20
	// mssOptSize is kind, length, 16-bit value.
	mssOptSize = 4
	// tsOptSize is kind, length, two 32-bit values, padded with two NOPs.
	tsOptSize = 12
)

// SeqLen returns SEG.LEN: the payload length plus one for SYN and one for FIN
// (RFC 9293 §3.4: "the SYN is considered to occur before the first actual
// data octet ... the FIN is considered to occur after the last").
func (s *Segment) SeqLen() uint32 {
	n := s.Len
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// WireSize returns the size of the TCP segment on the wire: the 20-byte
// header, options padded to 32 bits, and the payload. The IP header is the
// caller's to add.
func (s *Segment) WireSize() int {
	n := HeaderSize + int(s.Len)
	if s.Options&OptMSS != 0 {
		n += mssOptSize
	}
	if s.Options&OptTimestamp != 0 {
		n += tsOptSize
	}
	if s.NSACK > 0 {
		n += 4 + 8*int(s.NSACK) // two NOPs, kind, length, the blocks
	}
	if s.Options&(OptSACKPerm|OptWScale) != 0 {
		// SACK-permitted (2) and window scale (3) padded to 32 bits.
		n += 4 * ((2*int(s.Options&OptSACKPerm/OptSACKPerm) + 3*int(s.Options&OptWScale/OptWScale) + 3) / 4)
	}
	return n
}

// String formats the segment in tcpdump's style, with absolute sequence
// numbers: "40000 > 80: Flags [S.], seq 100, ack 301, win 65535, length 0".
func (s Segment) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(s.SrcPort)))
	b.WriteString(" > ")
	b.WriteString(strconv.Itoa(int(s.DstPort)))
	b.WriteString(": Flags [")
	b.WriteString(s.Flags.String())
	b.WriteString("], seq ")
	b.WriteString(strconv.FormatUint(uint64(s.Seq), 10))
	if s.Len > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(uint64(s.Seq.Add(s.Len)), 10))
	}
	if s.Flags&ACK != 0 {
		b.WriteString(", ack ")
		b.WriteString(strconv.FormatUint(uint64(s.Ack), 10))
	}
	b.WriteString(", win ")
	b.WriteString(strconv.Itoa(int(s.Window)))
	if s.Options&OptMSS != 0 {
		b.WriteString(", mss ")
		b.WriteString(strconv.Itoa(int(s.MSS)))
	}
	if s.Options&OptWScale != 0 {
		b.WriteString(", wscale ")
		b.WriteString(strconv.Itoa(int(s.WScale)))
	}
	if s.Options&OptSACKPerm != 0 {
		b.WriteString(", sackOK")
	}
	for i := range int(s.NSACK) {
		if i == 0 {
			b.WriteString(", sack")
		}
		b.WriteString(" ")
		b.WriteString(strconv.FormatUint(uint64(s.SACK[i].Left), 10))
		b.WriteString(":")
		b.WriteString(strconv.FormatUint(uint64(s.SACK[i].Right), 10))
	}
	if s.Options&OptTimestamp != 0 {
		b.WriteString(", TS val ")
		b.WriteString(strconv.FormatUint(uint64(s.TSVal), 10))
		b.WriteString(" ecr ")
		b.WriteString(strconv.FormatUint(uint64(s.TSEcr), 10))
	}
	b.WriteString(", length ")
	b.WriteString(strconv.FormatUint(uint64(s.Len), 10))
	if s.Replay {
		b.WriteString(" (replay)")
	}
	return b.String()
}
