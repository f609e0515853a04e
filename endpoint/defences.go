package endpoint

import (
	"fmt"
	"time"
)

// SynCookieMode is Linux's tcp_syncookies: when a listener answers a SYN
// with a SYN cookie (RFC 4987 §3.6) instead of a SYN-RECEIVED TCB.
type SynCookieMode uint8

// The SYN cookie modes, numbered as tcp_syncookies is.
const (
	// CookiesOff never sends a cookie: a SYN that finds the SYN queue full
	// is dropped (tcp_syncookies=0; RFC 9293 has no cookies).
	CookiesOff SynCookieMode = iota
	// CookiesOnOverflow sends a cookie when the SYN queue is full
	// (tcp_syncookies=1, Linux's default; tcp_syn_flood_action).
	CookiesOnOverflow
	// CookiesAlways answers every SYN with a cookie and keeps no request
	// (tcp_syncookies=2, for testing).
	CookiesAlways
)

var cookieNames = [...]string{"off", "overflow", "always"}

// String returns the mode's configuration name.
func (m SynCookieMode) String() string { return enumName(cookieNames[:], m) }

// ParseSynCookieMode returns the mode with the given configuration name.
func ParseSynCookieMode(s string) (SynCookieMode, error) {
	return parseEnum[SynCookieMode]("SYN cookie mode", cookieNames[:], s)
}

// ListenQueues are the listener defences beyond Config.SynQueue,
// AcceptQueue and ListenOverflow, which size the queues and say what a
// full accept queue does with the handshake's final ACK. They are part of
// Config (embedded), so profiles set them and Validate checks them.
//
// With Linux semantics (listen.go) a listener's backlog is
// min(backlog, Somaxconn) (__sys_listen); it bounds the accept queue and,
// when Config.SynQueue is 0, the SYN queue too (inet_csk_reqsk_queue_is_full
// compares the request count with the same sk_max_ack_backlog).
type ListenQueues struct {
	// Somaxconn caps every listener's backlog (net.core.somaxconn); 0 sets
	// no cap.
	Somaxconn int
	// MaxSynBacklog is tcp_max_syn_backlog: with SynCookies off, once fewer
	// than a quarter of MaxSynBacklog slots remain above the SYN queue's
	// length, SYNs from peers this host never completed a handshake with
	// are dropped (tcp_conn_request: "without syncookies last quarter of
	// backlog is filled with destinations, proven to be alive"); 0 turns
	// the rule off.
	MaxSynBacklog int
	// SynCookies says when a listener answers with a SYN cookie.
	SynCookies SynCookieMode
	// SynAckPrune lowers a request's SYN-ACK retry limit while the SYN
	// queue is more than half full of requests that already had a
	// timeout, as Linux's reqsk_timer_handler does ("pruning too old
	// entries overriding normal timeout, when situation becomes
	// dangerous"): from SynAckRetries down to 2, one step for each
	// doubling of the young requests that still fits in the queue
	// (pruneLimit).
	SynAckPrune bool
}

func (q *ListenQueues) validate() Problems {
	var ps Problems
	if q.Somaxconn < 0 {
		ps = append(ps, Problem{"Somaxconn", fmt.Sprintf("must not be negative (0: no cap), got %d", q.Somaxconn)})
	}
	if q.MaxSynBacklog < 0 {
		ps = append(ps, Problem{"MaxSynBacklog", fmt.Sprintf("must not be negative (0: no rule), got %d", q.MaxSynBacklog)})
	}
	if int(q.SynCookies) >= len(cookieNames) {
		ps = append(ps, Problem{"SynCookies", fmt.Sprintf("unknown mode %d (want one of %v)", q.SynCookies, cookieNames)})
	}
	return ps
}

// The SYN cookie layout of RFC 4987 §3.6: "the first 5 bits are t mod 32,
// where t is a 32-bit time counter that increases every 64 seconds, the
// next 3 bits encode a value for the MSS, and the final 24 bits are a
// server-selected secret function of the client and server IP addresses
// and ports, the client's sequence number, and t".
const (
	cookiePeriod = 64 * time.Second
	// cookieMaxAge is how many periods old a cookie may be: the counter of
	// the ACK's arrival minus the cookie's must be below it (Linux's
	// MAX_SYNCOOKIE_AGE, 2: a cookie lives 64 to 128 s).
	cookieMaxAge = 2
	// cookieValid is how long after the last cookie a listener still
	// looks for cookies in ACKs (Linux's TCP_SYNCOOKIE_VALID, 2 minutes,
	// tcp_synq_no_recent_overflow): a stray ACK at a quiet listener is
	// simply reset.
	cookieValid = 2 * time.Minute
)

// cookieMSS are the MSS values three bits can name (FreeBSD's
// tcp_sc_msstab; Linux's msstab has four). A cookie connection's MSS is
// the largest entry not above the peer's: one of the things it loses.
var cookieMSS = [8]uint16{216, 536, 1200, 1360, 1400, 1440, 1452, 1460}

// cookieMSSIndex returns the index of the largest table entry ≤ mss (0 if
// none).
func cookieMSSIndex(mss uint16) uint32 {
	for i := len(cookieMSS) - 1; i > 0; i-- {
		if mss >= cookieMSS[i] {
			return uint32(i)
		}
	}
	return 0
}

// cookieCounter is t, the counter of 64-second periods since the start.
func cookieCounter(now int64) uint32 { return uint32(now / int64(cookiePeriod)) }

// cookieHash is the 24-bit secret function of RFC 4987 §3.6, keyed by the
// host's ISN secret (derived, so that no random draw is added at boot).
func (g *isnGen) cookieHash(lport uint16, raddr Addr, rport uint16, clientISN Seq, t uint32) uint32 {
	x := uint64(g.laddr)<<32 | uint64(raddr)
	y := uint64(lport)<<48 | uint64(rport)<<32 | uint64(clientISN)
	h := mix64(x ^ g.key[1] ^ 0x5ca1ab1e)
	h = mix64(h ^ y ^ g.key[0])
	h = mix64(h ^ uint64(t))
	return uint32(h>>40) & 0xffffff
}

// cookie returns the ISS that encodes a SYN from raddr:rport with
// sequence number clientISN and MSS index mssIdx at time now.
func (g *isnGen) cookie(now int64, lport uint16, raddr Addr, rport uint16, clientISN Seq, mssIdx uint32) Seq {
	t := cookieCounter(now)
	return Seq((t&31)<<27 | mssIdx<<24 | g.cookieHash(lport, raddr, rport, clientISN, t))
}

// checkCookie validates the ACK of a cookie SYN-ACK (RFC 4987 §3.6: "the
// server ... checks the value of t against the current time to see if the
// connection has expired ... recomputes s ... [and] decodes the MSS") and
// returns the MSS index it carries.
func (g *isnGen) checkCookie(now int64, lport uint16, raddr Addr, rport uint16, seq, ack Seq) (uint32, bool) {
	c := uint32(ack - 1)
	tNow := cookieCounter(now)
	age := (tNow - c>>27) & 31
	if age >= cookieMaxAge {
		return 0, false
	}
	if c&0xffffff != g.cookieHash(lport, raddr, rport, seq-1, tNow-age) {
		return 0, false
	}
	return c >> 24 & 7, true
}

// Timestamp bits a cookie SYN-ACK hides the peer's options in (Linux's
// cookie_init_timestamp: the low bits of TSval carry the window shift and
// SACK-permitted, which the returning ACK echoes in TSecr).
const (
	tsOptBits   = 6
	tsOptMask   = 1<<tsOptBits - 1
	tsNoWScale  = 0xf
	tsSACKFlag  = 1 << 4
	tsWScaleMsk = 0xf
)

// sendCookie answers seg with a SYN-ACK whose ISS is a SYN cookie and
// keeps no state (RFC 4987 §3.6). Without timestamps on the SYN the
// SYN-ACK offers neither SACK nor window scaling: nothing would bring them
// back (Linux's tcp_conn_request clears the options, "want_cookie &&
// !tmp_opt.saw_tstamp").
func (l *Listener) sendCookie(src Addr, seg *Segment) {
	s := l.s
	cfg := &s.cfg
	now := s.sim.Now()
	peerMSS := uint16(536) // RFC 9293 §3.7.1: the default without the option
	if seg.Options&OptMSS != 0 && seg.MSS > 0 {
		peerMSS = seg.MSS
	}
	idx := cookieMSSIndex(min(peerMSS, cfg.MSS))
	iss := s.isn.cookie(int64(now), seg.DstPort, src, seg.SrcPort, seg.Seq, idx)
	r := Segment{
		SrcPort: seg.DstPort, DstPort: seg.SrcPort,
		Seq: iss, Ack: seg.Seq + 1, Flags: SYN | ACK,
		Options: OptMSS, MSS: cookieMSS[idx],
		Window: uint16(min(int(cfg.RcvWindow), 65535)),
	}
	if cfg.Timestamps && seg.Options&OptTimestamp != 0 {
		opts := uint32(tsNoWScale)
		if cfg.WindowScale && seg.Options&OptWScale != 0 {
			opts = uint32(min(seg.WScale, maxWScale))
			r.Options |= OptWScale
			r.WScale = cfg.WScale
			if cfg.RcvBuf > 0 {
				r.Window = uint16(min(cfg.RcvBuf, 65535))
			}
		}
		if cfg.SACK && seg.Options&OptSACKPerm != 0 {
			opts |= tsSACKFlag
			r.Options |= OptSACKPerm
		}
		ts := uint32(now/1e6)&^tsOptMask | opts
		if ts > uint32(now/1e6) {
			ts -= 1 << tsOptBits // never ahead of the clock
		}
		r.Options |= OptTimestamp
		r.TSVal, r.TSEcr = ts, seg.TSVal
	}
	s.ctr.CookiesSent++
	l.lastCookie, l.cookieSent = now, true
	s.transmit(src, &r, NoteSynCookie, l.inc, Listen)
}

// cookieACK looks for a SYN cookie in an ACK (without SYN or RST) that
// matched no connection, as Linux's cookie_v4_check does, and if it is
// valid rebuilds the request and completes the handshake. It reports
// whether it took the segment; a failed cookie is counted and left to the
// LISTEN rules (a RST).
func (l *Listener) cookieACK(src Addr, seg *Segment) bool {
	s := l.s
	cfg := &s.cfg
	now := s.sim.Now()
	if cfg.SynCookies == CookiesOff || !l.cookieSent || now.Sub(l.lastCookie) >= cookieValid {
		return false
	}
	idx, ok := s.isn.checkCookie(int64(now), seg.DstPort, src, seg.SrcPort, seg.Seq, seg.Ack)
	if !ok {
		s.ctr.CookiesFailed++
		return false
	}
	s.ctr.CookiesValidated++
	if len(l.acceptQ) >= l.acceptMax {
		// tcp_get_cookie_sock: syn_recv_sock fails on a full accept queue;
		// the ACK is dropped and nothing is kept (the peer's retransmission
		// may bring the cookie back while it is young).
		s.ctr.ListenOverflows++
		s.dropped(src, seg, NoteBacklogFull, l.inc, Listen)
		return true
	}
	// The request as the SYN made it, rebuilt from the cookie: the peer's
	// ISN is SEG.SEQ-1, ours SEG.ACK-1, its MSS the table's entry, and the
	// options the timestamp echo carries (none without timestamps).
	syn := Segment{Seq: seg.Seq - 1, Options: OptMSS, MSS: cookieMSS[idx], Window: seg.Window, Origin: seg.Origin}
	if cfg.Timestamps && seg.Options&OptTimestamp != 0 {
		syn.Options |= OptTimestamp
		syn.TSVal = seg.TSVal
		if ws := seg.TSEcr & tsWScaleMsk; ws != tsNoWScale {
			syn.Options |= OptWScale
			syn.WScale = uint8(ws)
		}
		if seg.TSEcr&tsSACKFlag != 0 {
			syn.Options |= OptSACKPerm
		}
	}
	t := s.newTCB(tupleKey(seg.DstPort, src, seg.SrcPort), l.h)
	t.passive = true
	t.listener = l
	l.synQ++
	l.young++
	s.ctr.PassiveOpens++
	t.state = Listen // the fork starts as a copy of the listener
	t.irs = syn.Seq
	t.rcvNxt = seg.Seq
	t.peer = seg.Origin
	t.synOptions(&syn)
	t.iss = seg.Ack - 1
	t.sndUna = t.iss
	t.sndNxt = seg.Ack
	t.sndWnd = uint32(seg.Window)
	t.maxSndWnd = t.sndWnd
	t.sndWl1 = syn.Seq
	t.setState(SynReceived, CauseCookie)
	// The ACK now completes the handshake by §3.10.7.4's rules, as it
	// would have with the request kept.
	t.segmentArrives(seg)
	if t.state == SynReceived && t.inc != 0 {
		// Not completed (cannot happen with a valid cookie: SEG.ACK is
		// SND.NXT): keep no request without a timer.
		t.finish(Closed, CauseAbort, ReasonAborted)
	}
	return true
}

// pruneLimit is the SYN-ACK retry limit of a request of l at a timeout,
// given the configured limit (Linux's reqsk_timer_handler): when the SYN
// queue holds more than half of max(8, backlog), the limit drops by one
// for each doubling of twice the young requests (those without a timeout
// yet) that the queue length still reaches, but not below 2.
func (l *Listener) pruneLimit(limit int) int {
	if limit == Unlimited || l.synQ<<1 <= max(8, l.acceptMax) {
		return limit
	}
	young := l.young << 1
	for limit > 2 && l.synQ >= young {
		limit--
		young <<= 1
	}
	return limit
}
