package endpoint

// acceptable is the acceptability test of RFC 9293 §3.10.7.4, first
// (Table 6), for a segment of sequence length segLen starting at seq.
func acceptable(seq Seq, segLen uint32, rcvNxt Seq, rcvWnd uint32) bool {
	switch {
	case segLen == 0 && rcvWnd == 0:
		return seq == rcvNxt
	case segLen == 0:
		return seq.InWindow(rcvNxt, rcvWnd)
	case rcvWnd == 0:
		return false
	}
	return seq.InWindow(rcvNxt, rcvWnd) || seq.Add(segLen-1).InWindow(rcvNxt, rcvWnd)
}

// otherArrives is RFC 9293 §3.10.7.4 (Other States) for SYN-RECEIVED and
// the synchronized states except TIME-WAIT (see twTable.arrive).
func (t *tcb) otherArrives(seg *Segment) {
	s := t.s
	cfg := &s.cfg

	if t.state == SynReceived && seg.Flags&(SYN|ACK|RST) == SYN && seg.Seq == t.irs && cfg.SynRcvdDupSynAck {
		// tcp_check_req's "pure retransmitted SYN": SYN without ACK or RST
		// at the SYN's sequence number; any text or FIN on it is thrown
		// away with it.
		t.dupSynArrives(seg)
		return
	}
	segSeq := seg.Seq
	segLen := seg.SeqLen()
	syn := seg.Flags&SYN != 0
	if t.state == SynReceived && syn && seg.Flags&ACK != 0 && segSeq == t.irs {
		// A SYN-ACK repeating the SYN we already hold (simultaneous open,
		// Figure 7 line 6): "If a segment's contents straddle the boundary
		// between old and new, only the new parts are processed" — the old
		// SYN is trimmed and the rest goes on.
		syn = false
		segSeq++
		segLen--
	}

	// First, check sequence number.
	if !acceptable(segSeq, segLen, t.rcvNxt, t.rcvWnd) {
		if seg.Flags&RST != 0 {
			// "unless the RST bit is set, if so drop the segment and return"
			s.dropped(t.raddr, seg, NoteRstIgnored, t.inc, t.state)
			return
		}
		// "an acknowledgment should be sent in reply:
		// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
		s.dropped(t.raddr, seg, NoteUnacceptable, t.inc, t.state)
		t.oowACK(NoteNone)
		return
	}
	if t.peer == 0 && seg.Origin != 0 && seg.Flags&RST == 0 {
		// A SYN cookie's SYN-ACK comes from no TCB (defences.go): the
		// peer's incarnation is learned from its first acceptable segment,
		// so that its data is not taken for another incarnation's.
		t.peer = seg.Origin
	}
	if cfg.KeepAlive {
		t.keepAliveArm()
	}

	// Second, check the RST bit.
	if seg.Flags&RST != 0 {
		if cfg.ChallengeRST && segSeq != t.rcvNxt {
			// RFC 5961 §3.2 (3): in window but not exactly RCV.NXT: send a
			// challenge ACK and drop.
			t.challengeACK(seg)
			return
		}
		s.ctr.RSTsRcvd++
		switch t.state {
		case SynReceived:
			if t.passive && !t.accepted {
				// "If this connection was initiated with a passive OPEN ...
				// return this connection to LISTEN state ... The user need
				// not be informed."
				t.finish(Listen, CauseRcvRst, ReasonReset)
				return
			}
			// "If ... active OPEN ... the connection was refused".
			t.finish(Closed, CauseRcvRst, ReasonRefused)
		case Established, FinWait1, FinWait2, CloseWait:
			// "Users should also receive an unsolicited general
			// 'connection reset' signal. Enter the CLOSED state".
			s.ctr.ResetsInSync++
			t.finish(Closed, CauseRcvRst, ReasonReset)
		default:
			// CLOSING, LAST-ACK: "enter the CLOSED state, delete the TCB".
			s.ctr.ResetsInSync++
			t.finish(Closed, CauseRcvRst, ReasonReset)
		}
		return
	}

	// Third, check security: not modelled. Fourth, check the SYN bit.
	if syn {
		if t.state == SynReceived && t.passive && !t.accepted {
			// "If the connection was initiated with a passive OPEN, then
			// return this connection to the LISTEN state and return."
			s.dropped(t.raddr, seg, NoteIgnored, t.inc, t.state)
			t.finish(Listen, CauseRcvSynReset, ReasonReset)
			return
		}
		if cfg.ChallengeSYN {
			// RFC 5961 §4: "irrespective of the sequence number, TCP
			// endpoints MUST send a 'challenge ACK'".
			t.challengeACK(seg)
			return
		}
		// RFC 793: "If the SYN is in the window it is an error: send a
		// reset ... enter the CLOSED state, delete the TCB". RFC 793 does
		// not give the reset's form; a synchronized TCB sends
		// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>, as 4.4BSD's tcp_drop
		// and the FreeBSD tcp-testsuite's scripts (STANDARD included) do.
		s.dropped(t.raddr, seg, NoteIgnored, t.inc, t.state)
		t.sendRST(t.sndNxt, t.rcvNxt, true, NoteReset)
		s.ctr.ResetsInSync++
		t.finish(Closed, CauseRcvSynReset, ReasonReset)
		return
	}

	// Fifth, check the ACK field.
	if seg.Flags&ACK == 0 {
		s.dropped(t.raddr, seg, NoteNoAck, t.inc, t.state)
		return
	}
	if t.state == SynReceived {
		if !t.synReceivedAck(seg) {
			return
		}
	} else if cfg.ACKCheck && !seg.Ack.InRange(t.sndUna-Seq(t.maxSndWnd), t.sndNxt) {
		// RFC 5961 §5.2: "All incoming segments whose ACK value doesn't
		// satisfy the above condition MUST be discarded and an ACK sent
		// back."
		s.dropped(t.raddr, seg, NoteBadAck, t.inc, t.state)
		t.oowACK(NoteNone)
		return
	}
	if seg.Ack.GT(t.sndNxt) {
		// ESTABLISHED: "If the ACK acks something not yet sent (SEG.ACK >
		// SND.NXT), then send an ACK, drop the segment, and return."
		s.dropped(t.raddr, seg, NoteBadAck, t.inc, t.state)
		t.oowACK(NoteNone)
		return
	}
	oldUna := t.sndUna
	if seg.Ack.GT(t.sndUna) {
		t.ackAdvance(seg.Ack)
	}
	// "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated.
	// If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK))".
	if seg.Ack.InRange(oldUna, t.sndNxt) && (t.sndWl1.LT(segSeq) || t.sndWl1 == segSeq && t.sndWl2.LEQ(seg.Ack)) {
		t.sndWnd = uint32(seg.Window) << t.sndShift // RFC 7323 §2.3
		t.maxSndWnd = max(t.maxSndWnd, t.sndWnd)
		t.sndWl1 = segSeq
		t.sndWl2 = seg.Ack
	}
	switch t.state {
	case FinWait1:
		// "if the FIN segment is now acknowledged, then enter FIN-WAIT-2".
		// A FIN in sequence in the same segment takes FIN-WAIT-1 straight
		// to TIME-WAIT at the eighth step instead.
		if t.finAcked && !(seg.Flags&FIN != 0 && segSeq.LEQ(t.rcvNxt) && segSeq.Add(segLen).GT(t.rcvNxt)) {
			t.setState(FinWait2, CauseRcvAck)
			if d := cfg.FinWait2Timeout; d > 0 {
				t.setTimer(tmFW2, d)
			}
		}
	case Closing:
		// "if the ACK acknowledges our FIN, then enter the TIME-WAIT state;
		// otherwise, ignore the segment."
		if t.finAcked {
			t.enterTimeWait(CauseRcvAck)
		}
		return
	case LastAck:
		// "If our FIN is now acknowledged, delete the TCB, enter the CLOSED
		// state, and return."
		if t.finAcked {
			t.finish(Closed, CauseRcvAck, ReasonNormal)
		}
		return
	}
	// Sixth, check the URG bit: urgent data is not modelled.
	// Seventh and eighth: the segment text and the FIN.
	if seg.Len > 0 || seg.Flags&FIN != 0 {
		if !t.receive(seg, segSeq) {
			return
		}
	}
	t.output()
	t.flushACK()
}

// challengeACK answers seg with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and
// drops it (RFC 5961 §3.2, §4.2).
func (t *tcb) challengeACK(seg *Segment) {
	t.s.dropped(t.raddr, seg, NoteChallenge, t.inc, t.state)
	if t.oowACK(NoteChallengeACK) {
		t.s.ctr.ChallengeACKs++
	}
}

// oowACK sends the ACK that answers an out-of-window or otherwise
// unacceptable segment, at most one per Config.OOWAckInterval (Linux's
// tcp_invalid_ratelimit; RFC 5961 §10 and Errata ID 4772 on throttling),
// which keeps two desynchronized ends from an endless ACK storm. It
// reports whether the ACK was sent.
func (t *tcb) oowACK(n Note) bool {
	if !t.oowAllowed() {
		return false
	}
	t.sendSeg(t.sndNxt, ACK, n) // plain even under FinOnACK (options.go)
	return true
}

// oowAllowed is the limiter of oowACK, shared with the SYN-ACK that answers
// a retransmitted SYN (Linux's tcp_oow_rate_limited on the request's
// last_oow_ack_time): it reports whether an answer may go out now, and if
// so records it. A refusal is counted in ACKsThrottled.
func (t *tcb) oowAllowed() bool {
	return t.oow.allow(t.s.sim.Now(), t.s.cfg.OOWAckInterval, &t.s.ctr)
}

// ackAdvance sets SND.UNA to ack (SND.UNA < ack =< SND.NXT) and does what
// follows from it: the acknowledged SYN, data and FIN leave the
// retransmission queue, RTT is sampled (RFC 6298 with Karn's rule), and the
// retransmission timer is restarted or stopped (RFC 6298 §5.2, §5.3).
func (t *tcb) ackAdvance(ack Seq) {
	adv := uint32(ack - t.sndUna)
	if t.sndUna == t.iss {
		adv-- // the SYN
	}
	if t.finSent && ack == t.finSeq()+1 {
		adv-- // the FIN
		t.finAcked = true
	}
	t.acked += uint64(adv)
	t.sndUna = ack
	if t.rttTiming && ack.GT(t.rttSeq) {
		t.rttTiming = false
		t.rttSample(t.s.sim.Now().Sub(t.rttStart))
	}
	t.backoff = 0
	t.synResent = false
	if t.sndUna == t.sndNxt {
		t.stopTimer(tmRTO)
		t.stopTimer(tmUser)
		t.inRecovery = false
		return
	}
	t.armRTO()
	if t.s.cfg.UserTimeout > 0 {
		t.setTimer(tmUser, t.s.cfg.UserTimeout)
	}
	if t.inRecovery {
		if ack.LT(t.recover) {
			// Still inside what was outstanding at the timeout: resend the
			// new front segment now rather than one per RTO.
			t.retransmitFront()
		} else {
			t.inRecovery = false
		}
	}
}

// receive is §3.10.7.4, seventh and eighth, for the text and FIN of an
// acceptable segment whose first data byte is at seq. Out-of-order parts
// are held for later ("Segments with higher beginning sequence numbers
// SHOULD be held for later processing", SHLD-31). It reports whether the
// TCB still exists.
func (t *tcb) receive(seg *Segment, seq Seq) bool {
	switch t.state {
	case CloseWait, Closing, LastAck:
		// "This should not occur since a FIN has been received from the
		// remote side. Ignore the segment text."
		if seg.Len > 0 {
			t.s.dropped(t.raddr, seg, NoteIgnored, t.inc, t.state)
		}
		return true
	}
	n := seg.Len
	fin := seg.Flags&FIN != 0
	// Trim what lies before RCV.NXT.
	if seq.LT(t.rcvNxt) {
		cut := uint32(t.rcvNxt - seq)
		if cut > n {
			// Only a FIN remains, and it too is old.
			t.ackPending, t.ackNow = true, true
			return true
		}
		n -= cut
		seq = t.rcvNxt
	}
	// Trim what lies beyond the window (and the FIN with it).
	if end := t.rcvNxt.Add(t.rcvWnd); seq.Add(n).GT(end) {
		n = uint32(end - seq)
		fin = false
	}
	if seq != t.rcvNxt {
		t.queueOOO(oooSeg{seq: seq, len: n, fin: fin, origin: seg.Origin})
		t.lastOOO = seq // the first SACK block reports it (options.go)
		// MAY-13: acknowledge RCV.NXT at once (a duplicate ACK).
		t.ackPending, t.ackNow = true, true
		return true
	}
	var got, stale uint64
	if n > 0 {
		t.deliver(n, seg.Origin, &got, &stale)
		t.unacked++
		if t.unacked >= 2 {
			t.ackNow = true
		}
		t.ackPending = true
	}
	if len(t.ooo) > 0 {
		// Filling a gap: acknowledge at once (RFC 5681 §4.2 style).
		t.ackNow = true
		fin = t.drainOOO(fin, &got, &stale)
	}
	if got > 0 && t.visible() {
		t.s.notify(notice{kind: nData, c: t.conn(), h: t.h, n: int(got), stale: int(stale)})
	}
	if fin {
		return t.finArrives()
	}
	return true
}

// deliver hands n in-order bytes from origin to the application.
func (t *tcb) deliver(n uint32, origin Incarnation, got, stale *uint64) {
	t.rcvNxt = t.rcvNxt.Add(n)
	t.rcvd += uint64(n)
	*got += uint64(n)
	if origin != t.peer {
		t.staleRcvd += uint64(n)
		*stale += uint64(n)
		t.s.ctr.StaleSegments++
		t.s.ctr.StaleBytes += uint64(n)
	}
}

// queueOOO inserts a segment into the out-of-order queue, kept sorted by
// sequence number.
func (t *tcb) queueOOO(o oooSeg) {
	i := len(t.ooo)
	for i > 0 && t.ooo[i-1].seq.GT(o.seq) {
		i--
	}
	t.ooo = append(t.ooo, oooSeg{})
	copy(t.ooo[i+1:], t.ooo[i:])
	t.ooo[i] = o
}

// drainOOO delivers held segments that have become in order. fin is whether
// a FIN is already due; it returns whether one is due after draining.
func (t *tcb) drainOOO(fin bool, got, stale *uint64) bool {
	k := 0
	for ; k < len(t.ooo) && !fin; k++ {
		o := t.ooo[k]
		if o.seq.GT(t.rcvNxt) {
			break
		}
		end := o.seq.Add(o.len)
		if end.GT(t.rcvNxt) {
			t.deliver(uint32(end-t.rcvNxt), o.origin, got, stale)
		}
		if o.fin && end == t.rcvNxt {
			fin = true
		}
	}
	n := copy(t.ooo, t.ooo[k:])
	t.ooo = t.ooo[:n]
	if fin {
		t.ooo = t.ooo[:0]
	}
	return fin
}

// flushACK sends the pending ACK, now or after the delayed-ACK time (RFC
// 9293 §3.8.6.3: "an ACK SHOULD be generated for at least every second
// full-sized segment" and the delay "MUST be less than 0.5 seconds").
func (t *tcb) flushACK() {
	if !t.ackPending {
		return
	}
	if t.ackNow || t.s.cfg.DelayedACK == 0 {
		t.ackNow = false
		t.sendACK(NoteNone)
		return
	}
	if !t.timerArmed(tmDack) {
		t.setTimer(tmDack, t.s.cfg.DelayedACK)
	}
}
