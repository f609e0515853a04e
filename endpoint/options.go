package endpoint

import (
	"fmt"
	"time"
)

// OptionLayout is the order and padding in which a stack writes its TCP
// options. The RFCs leave it to the stack; packetdrill scripts written
// against a real stack fix it.
type OptionLayout uint8

// The option layouts.
const (
	// LayoutLinux is Linux's tcp_options_write: MSS; then SACK-permitted
	// and timestamps as "sackOK,TS", or "nop,nop,TS", or
	// "nop,nop,sackOK"; then "nop,wscale". Every option ends 32-bit
	// aligned by its own NOPs.
	LayoutLinux OptionLayout = iota
	// LayoutBSD is FreeBSD's tcp_addoptions: MSS; "nop,wscale";
	// SACK-permitted at an even offset; timestamps at offset 4n+2 (NOPs
	// before); the whole list padded to 32 bits with EOLs.
	LayoutBSD
)

var layoutNames = [...]string{"linux", "bsd"}

// String returns the layout's configuration name.
func (l OptionLayout) String() string { return enumName(layoutNames[:], l) }

// TCP option kinds on the wire (RFC 9293 §3.2, RFC 7323, RFC 2018).
const (
	KindEOL      uint8 = 0
	KindNOP      uint8 = 1
	KindMSS      uint8 = 2
	KindWScale   uint8 = 3
	KindSACKPerm uint8 = 4
	KindSACK     uint8 = 5
	KindTS       uint8 = 8
)

// Features are the TCP options a host offers and the socket-layer
// behaviours around them that differ between stacks. They are part of
// Config (embedded), so profiles set them and Validate checks them.
type Features struct {
	// SACK offers SACK-permitted on SYN and SYN-ACK (RFC 2018 §2); the
	// connection is SACK-capable when both ends offer it.
	SACK bool
	// WindowScale offers the window scale option with shift WScale on SYN
	// and SYN-ACK (RFC 7323 §2); when both ends offer it, windows in
	// non-SYN segments are scaled and the receive window may exceed 64 KiB
	// (RcvBuf).
	WindowScale bool
	WScale      uint8
	// OptionLayout is the order and padding of options on the wire.
	OptionLayout OptionLayout
	// RcvBuf and SndBuf are the socket buffer sizes (SO_RCVBUF, SO_SNDBUF)
	// in bytes; with window scaling RcvBuf is the receive window.
	RcvBuf, SndBuf int
	// RcvBufRoundMSS rounds the receive buffer up to a multiple of the
	// connection's MSS once the peer's MSS is known (FreeBSD tcp_mss:
	// "roundup(bufsize, mss)").
	RcvBufRoundMSS bool
	// CloseUnreadReset makes a close with unread received data an abort
	// that sends a RST (RFC 2525 §2.17; Linux tcp_close). FreeBSD discards
	// the data and closes normally.
	CloseUnreadReset bool
	// AbortRSTACK sends the RST of an ABORT (and of close with SO_LINGER 0
	// or unread data) with ACK and RCV.NXT, as Linux's
	// tcp_send_active_reset and FreeBSD's tcp_drop do; RFC 9293 §3.10.5
	// gives <SEQ=SND.NXT><CTL=RST>.
	AbortRSTACK bool
	// RTOSlop is added to every retransmission timeout computed from a
	// measurement or a backoff (FreeBSD's TCPT_RANGESET with
	// net.inet.tcp.rexmit_slop); the first timeout of a SYN is not.
	RTOSlop time.Duration
	// SynDropOptionsAfter, if positive, sends SYNs with the MSS option
	// alone from that many SYN timeouts on, in case a middlebox drops
	// options (FreeBSD's net.inet.tcp.rexmit_drop_options, at 3).
	SynDropOptionsAfter int
	// ECN is ECN negotiation (RFC 3168 §6.1.1), as FreeBSD's
	// net.inet.tcp.ecn.enable: ECNOff, ECNOn (ask on our SYNs and accept),
	// ECNAccept (accept a peer's request only). With ECN in use new data
	// carries ECT(0); congestion marks are not acted on.
	ECN ECNMode
	// ECNSynRetries is how many retransmissions of our SYN still ask for
	// ECN (FreeBSD's net.inet.tcp.ecn.maxretries, 1).
	ECNSynRetries int
	// NoOptions sends SYNs and SYN-ACKs without any option, not even the
	// MSS (FreeBSD's TCP_NOOPT; RFC 9293 §3.7.1 then has the peer assume
	// 536).
	NoOptions bool
	// DropSynFin silently drops every segment with both SYN and FIN set
	// (FreeBSD's net.inet.tcp.drop_synfin).
	DropSynFin bool
	// TimeWaitBSD processes segments arriving in TIME-WAIT in the order of
	// FreeBSD's tcp_twcheck instead of RFC 9293 §3.10.7.4
	// (timewait_bsd.go).
	TimeWaitBSD bool
	// FinOnACK resends an unacknowledged FIN with every ACK the
	// connection sends in FIN-WAIT-1, CLOSING and LAST-ACK for arriving
	// data or FIN, as FreeBSD's tcp_output does (it pulls SND.NXT back over
	// the FIN).
	FinOnACK bool
}

// ECNMode says whether a host asks for and accepts ECN.
type ECNMode uint8

// The ECN modes, numbered as FreeBSD's net.inet.tcp.ecn.enable.
const (
	ECNOff ECNMode = iota
	ECNOn
	ECNAccept
)

var ecnNames = [...]string{"off", "on", "accept"}

// String returns the mode's configuration name.
func (m ECNMode) String() string { return enumName(ecnNames[:], m) }

// maxWScale is RFC 7323 §2.3's limit on the shift count.
const maxWScale = 14

// validate reports the features' problems.
func (f *Features) validate() Problems {
	var ps Problems
	if f.WScale > maxWScale {
		ps = append(ps, Problem{"WScale", fmt.Sprintf("must be at most %d (RFC 7323 §2.3), got %d", maxWScale, f.WScale)})
	}
	if int(f.OptionLayout) >= len(layoutNames) {
		ps = append(ps, Problem{"OptionLayout", fmt.Sprintf("unknown layout %d (want one of %v)", f.OptionLayout, layoutNames)})
	}
	if int(f.ECN) >= len(ecnNames) {
		ps = append(ps, Problem{"ECN", fmt.Sprintf("unknown mode %d (want one of %v)", f.ECN, ecnNames)})
	}
	if f.ECNSynRetries < 0 {
		ps = append(ps, Problem{"ECNSynRetries", fmt.Sprintf("must not be negative, got %d", f.ECNSynRetries)})
	}
	if f.RTOSlop < 0 {
		ps = append(ps, Problem{"RTOSlop", fmt.Sprintf("must not be negative, got %v", f.RTOSlop)})
	}
	if f.SynDropOptionsAfter < 0 {
		ps = append(ps, Problem{"SynDropOptionsAfter", fmt.Sprintf("must not be negative, got %d", f.SynDropOptionsAfter)})
	}
	if f.RcvBuf < 0 || f.SndBuf < 0 {
		ps = append(ps, Problem{"RcvBuf", fmt.Sprintf("buffer sizes must not be negative, got %d and %d", f.RcvBuf, f.SndBuf)})
	}
	return ps
}

// featuresFor returns the features of a profile. rfc9293 offers what RFC
// 9293 asks for (the MSS option, MUST-14/SHLD-5) plus timestamps if set;
// SACK and window scaling are optional extensions and off.
func featuresFor(profile string) Features {
	switch profile {
	case "linux":
		// Linux 6.x: tcp_sack=1, tcp_window_scaling=1, tcp_rmem[1]=131072
		// with a shift of 7 for tcp_rmem[2]=6 MiB (tcp_select_initial_window),
		// tcp_wmem[1]=16384.
		return Features{SACK: true, WindowScale: true, WScale: 7, OptionLayout: LayoutLinux,
			RcvBuf: 131072, SndBuf: 16384, CloseUnreadReset: true, AbortRSTACK: true}
	}
	return Features{OptionLayout: LayoutLinux, RcvBuf: 65535, SndBuf: 65535}
}

// synFeatures adds SACK-permitted and window scale to our SYN or SYN-ACK:
// on a SYN when configured, on a SYN-ACK only when the peer's SYN offered
// them too (RFC 7323 §2.2: "may send the option in a <SYN,ACK> only if
// the option was received in the initial <SYN>"; RFC 2018 §2 likewise).
func (t *tcb) synFeatures(sg *Segment) {
	f := &t.s.cfg.Features
	syn := t.state == SynSent
	switch {
	case syn && f.ECN == ECNOn && t.backoff <= f.ECNSynRetries:
		// RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR set.
		sg.Flags |= ECE | CWR
	case !syn && t.peerECN && f.ECN != ECNOff:
		// An ECN-setup SYN-ACK has ECE set and CWR clear.
		sg.Flags |= ECE
		t.ecnOK = true
	}
	if f.NoOptions {
		sg.Options = 0
		sg.Window = uint16(min(t.rcvWnd, 65535))
		return
	}
	if syn && f.SynDropOptionsAfter > 0 && t.backoff >= f.SynDropOptionsAfter {
		// FreeBSD tcp_timer_rexmt: stop asking for window scaling,
		// timestamps and SACK; the MSS option stays.
		sg.Options &^= OptTimestamp
		sg.Window = uint16(min(t.rcvWnd, 65535))
		return
	}
	if f.SACK && (syn || t.peerSACK) {
		sg.Options |= OptSACKPerm
	}
	if f.WindowScale && (syn || t.peerWS) {
		sg.Options |= OptWScale
		sg.WScale = f.WScale
	}
	// RFC 7323 §2.2: "The window field in a segment where the SYN bit is
	// set ... MUST NOT be scaled."
	sg.Window = uint16(min(t.rcvWnd, 65535))
}

// peerFeatures records what the peer's SYN or SYN-ACK offered and settles
// what the connection uses.
func (t *tcb) peerFeatures(seg *Segment) {
	f := &t.s.cfg.Features
	if seg.Flags&ACK == 0 {
		t.peerECN = seg.Flags&(ECE|CWR) == ECE|CWR
	} else if t.state == SynSent {
		// Our ECN-setup SYN answered by an ECN-setup SYN-ACK.
		t.ecnOK = f.ECN == ECNOn && seg.Flags&(ECE|CWR) == ECE
	}
	t.peerSACK = seg.Options&OptSACKPerm != 0
	t.peerWS = seg.Options&OptWScale != 0
	t.sackOK = f.SACK && t.peerSACK
	if f.WindowScale && t.peerWS {
		// RFC 7323 §2.3: a shift above 14 is used as 14.
		t.sndShift = min(seg.WScale, maxWScale)
		t.rcvShift = f.WScale
		if f.RcvBuf > 0 {
			t.rcvWnd = uint32(min(f.RcvBuf, 65535<<t.rcvShift))
		}
	} else {
		t.sndShift, t.rcvShift = 0, 0
		t.rcvWnd = min(t.rcvWnd, 65535)
	}
	if t.state == SynSent {
		t.roundRcvWnd()
	}
}

// roundRcvWnd applies RcvBufRoundMSS when the connection gets its socket
// buffer: on the SYN-ACK for an active open, on the handshake's final ACK
// for a passive one (FreeBSD's syncache creates the socket only then).
// FreeBSD's tcp_input takes RCV.WND = sbspace(so_rcv), the MSS-rounded
// buffer, even where the window field can only say 65535: segments up to
// that edge are in the window.
func (t *tcb) roundRcvWnd() {
	if t.s.cfg.RcvBufRoundMSS {
		t.rcvWnd = uint32(t.roundedRcvBuf())
	}
}

// roundedRcvBuf is RcvBuf rounded up to a multiple of the connection's
// MSS less the timestamp option (tcp_mss).
func (t *tcb) roundedRcvBuf() int {
	b := t.s.cfg.RcvBuf
	if mss := int(t.sndMSS); mss > 0 {
		if t.tsOK {
			mss -= tsOptSize
		}
		b = (b + mss - 1) / mss * mss
	}
	return b
}

// wndField is the window field of a non-SYN segment: RCV.WND scaled down
// (RFC 7323 §2.3), at most 65535.
func (t *tcb) wndField() uint16 {
	return uint16(min(t.rcvWnd>>t.rcvShift, 65535))
}

// RcvBuf returns the connection's receive buffer size as SO_RCVBUF reports
// it: Config.RcvBuf, rounded up to a multiple of the MSS once the peer's
// MSS is known if RcvBufRoundMSS is set. It is 0 once the TCB is gone.
func (c Conn) RcvBuf() int {
	t := c.live()
	if t == nil {
		return 0
	}
	if t.s.cfg.RcvBufRoundMSS && t.state != SynSent {
		return t.roundedRcvBuf()
	}
	return t.s.cfg.RcvBuf
}

// Layout returns the option kinds of seg in the order and padding of
// layout l, as they appear on the wire.
func (l OptionLayout) Layout(seg *Segment) []uint8 {
	var k []uint8
	o := seg.Options
	if o&OptMSS != 0 {
		k = append(k, KindMSS)
	}
	switch l {
	case LayoutBSD:
		if o&OptWScale != 0 {
			k = append(k, KindNOP, KindWScale)
		}
		if o&OptSACKPerm != 0 {
			for len(k) == 0 || optLen(k)%2 != 0 {
				k = append(k, KindNOP)
			}
			k = append(k, KindSACKPerm)
		}
		if o&OptTimestamp != 0 {
			for len(k) == 0 || optLen(k)%4 != 2 {
				k = append(k, KindNOP)
			}
			k = append(k, KindTS)
		}
		for optLen(k)%4 != 0 {
			k = append(k, KindEOL)
		}
		if seg.NSACK > 0 {
			for optLen(k)%4 != 2 {
				k = append(k, KindNOP)
			}
			k = append(k, KindSACK)
			for optLen(k)%4 != 0 {
				k = append(k, KindEOL)
			}
		}
	default:
		switch {
		case o&OptTimestamp != 0 && o&OptSACKPerm != 0:
			k = append(k, KindSACKPerm, KindTS)
		case o&OptTimestamp != 0:
			k = append(k, KindNOP, KindNOP, KindTS)
		case o&OptSACKPerm != 0:
			k = append(k, KindNOP, KindNOP, KindSACKPerm)
		}
		if o&OptWScale != 0 {
			k = append(k, KindNOP, KindWScale)
		}
		if seg.NSACK > 0 {
			k = append(k, KindNOP, KindNOP, KindSACK)
		}
	}
	return k
}

// optLen is the length in bytes of the option kinds k.
func optLen(k []uint8) int {
	n := 0
	for _, x := range k {
		switch x {
		case KindSACK:
			n += 2 // and 8 per block, which keeps the alignment
		case KindEOL, KindNOP:
			n++
		case KindMSS:
			n += 4
		case KindWScale:
			n += 3
		case KindSACKPerm:
			n += 2
		case KindTS:
			n += 10
		}
	}
	return n
}

// finOnACK sends, under Config.FinOnACK, the ACK as a retransmission of
// our unacknowledged FIN, <SEQ=SND.NXT-1><CTL=FIN,ACK>, and reports
// whether it did. The ACKs that answer challenges and unacceptable
// segments (oowACK) stay plain: FreeBSD sends those for SYNs and RSTs with
// tcp_respond, outside tcp_output. (It does resend the FIN when answering
// other unacceptable segments; no script in the suite shows that case and
// it is not modelled.)
func (t *tcb) finOnACK(n Note) bool {
	if !t.s.cfg.FinOnACK || !t.finSent || t.finAcked {
		return false
	}
	switch t.state {
	case FinWait1, Closing, LastAck:
		t.sendSeg(t.sndNxt-1, FIN|ACK, n)
		return true
	}
	return false
}

// SetRcvBuf sets the connection's receive buffer, and with it RCV.WND, to
// n bytes, as setsockopt(SO_RCVBUF) on a connected socket does in stacks
// whose window follows the buffer's free space. The window field still
// says at most 65535 << the receive shift; segments up to the new right
// edge are in the window. It does nothing once the TCB is gone.
func (c Conn) SetRcvBuf(n int) {
	if t := c.live(); t != nil && n > 0 {
		t.rcvWnd = uint32(n)
	}
}

// rtoSlop is Features.RTOSlop for the timer being armed: every timeout but
// the first one of an unmeasured connection's SYN or data.
func (t *tcb) rtoSlop() time.Duration {
	if t.backoff > 0 || t.srtt > 0 || t.passive && t.sndUna == t.iss {
		return t.s.cfg.RTOSlop
	}
	return 0
}

// filtered reports whether the stack drops seg before any TCP processing
// (DropSynFin).
func (s *Stack) filtered(seg *Segment) bool {
	return s.cfg.DropSynFin && seg.Flags&(SYN|FIN) == SYN|FIN
}

// WScaleFor returns the smallest window scale shift that lets a window
// of maxBuf bytes be advertised, at most 14 (FreeBSD's tcp_connect and
// syncache_add against kern.ipc.maxsockbuf).
func WScaleFor(maxBuf int64) uint8 {
	var s uint8
	for s < maxWScale && int64(65535)<<s < maxBuf {
		s++
	}
	return s
}

// fillSACK puts the SACK blocks of the out-of-order queue on an ACK (RFC
// 2018 §4): the first block holds the segment that arrived last, the
// others follow in sequence order, at most three (room for timestamps).
// The queue is sorted and its segments are merged where they touch. A FIN
// held alone occupies no data and is not reported.
func (t *tcb) fillSACK(sg *Segment) {
	var blocks [8]SACKBlock
	n := 0
	for _, o := range t.ooo {
		if o.len == 0 {
			continue
		}
		l, r := o.seq, o.seq.Add(o.len)
		if n > 0 && l.LEQ(blocks[n-1].Right) {
			blocks[n-1].Right = blocks[n-1].Right.Max(r)
			continue
		}
		if n == len(blocks) {
			break
		}
		blocks[n] = SACKBlock{l, r}
		n++
	}
	first := -1
	for i := range n {
		if t.lastOOO.InRange(blocks[i].Left, blocks[i].Right-1) {
			first = i
			break
		}
	}
	if first >= 0 {
		sg.SACK[0] = blocks[first]
		sg.NSACK = 1
	}
	for i := 0; i < n && sg.NSACK < uint8(len(sg.SACK)); i++ {
		if i != first {
			sg.SACK[sg.NSACK] = blocks[i]
			sg.NSACK++
		}
	}
}
