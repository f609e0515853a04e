package endpoint

// segmentArrives dispatches an arriving segment by state (RFC 9293
// §3.10.7). LISTEN is handled by Listener and TIME-WAIT by twTable.
func (t *tcb) segmentArrives(seg *Segment) {
	if t.state == SynSent {
		t.synSentArrives(seg)
		return
	}
	t.otherArrives(seg)
}

// synSentArrives is RFC 9293 §3.10.7.3 (SYN-SENT STATE).
func (t *tcb) synSentArrives(seg *Segment) {
	s := t.s
	cfg := &s.cfg
	ackOK := false
	// First, check the ACK bit.
	if seg.Flags&ACK != 0 {
		if seg.Ack.LEQ(t.iss) || seg.Ack.GT(t.sndNxt) {
			// "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless
			// the RST bit is set, if so drop the segment and return)
			// <SEQ=SEG.ACK><CTL=RST> and discard the segment."
			if seg.Flags&RST != 0 {
				s.dropped(t.raddr, seg, NoteRstIgnored, t.inc, t.state)
				return
			}
			s.dropped(t.raddr, seg, NoteBadAck, t.inc, t.state)
			if seg.Flags&SYN != 0 {
				// Figure 8: the SYN-ACK of an old duplicate SYN; the RST
				// makes the peer drop it and our own SYN gets through.
				s.ctr.OldDuplicateResets++
			} else {
				s.ctr.HalfOpenDetections++ // Figure 9
			}
			t.sendRST(seg.Ack, 0, false, NoteReset)
			if cfg.SynSentBadAckResend && !t.synResent && t.backoff == 0 {
				// Linux: resend the SYN at once if none was resent yet.
				t.synResent = true
				t.sendSYN(true)
			}
			return
		}
		// "If SND.UNA < SEG.ACK =< SND.NXT, then the ACK is acceptable."
		ackOK = true
	}
	// Second, check the RST bit. (RFC 5961's exact-RCV.NXT check cannot
	// apply: RCV.NXT is not yet defined in SYN-SENT.)
	if seg.Flags&RST != 0 {
		if !ackOK {
			// "Otherwise (no ACK), drop the segment and return."
			s.dropped(t.raddr, seg, NoteRstIgnored, t.inc, t.state)
			return
		}
		// "signal to the user 'error: connection reset', drop the segment,
		// enter CLOSED state, delete TCB" — a refused connection.
		s.ctr.RSTsRcvd++
		t.finish(Closed, CauseRcvRst, ReasonRefused)
		return
	}
	// Third (security) does not apply. Fourth, check the SYN bit.
	if seg.Flags&SYN == 0 {
		// Fifth: "if neither of the SYN or RST bits is set, then drop".
		s.dropped(t.raddr, seg, NoteIgnored, t.inc, t.state)
		return
	}
	// "RCV.NXT is set to SEG.SEQ+1, IRS is set to SEG.SEQ. SND.UNA should
	// be advanced to equal SEG.ACK (if there is an ACK)". The peer's
	// incarnation is learned here.
	t.irs = seg.Seq
	t.rcvNxt = seg.Seq + 1
	t.peer = seg.Origin
	t.synOptions(seg)
	if ackOK {
		t.ackAdvance(seg.Ack)
	}
	t.sndWnd = uint32(seg.Window)
	t.maxSndWnd = max(t.maxSndWnd, t.sndWnd)
	t.sndWl1 = seg.Seq
	t.sndWl2 = seg.Ack
	if t.sndUna.GT(t.iss) {
		// "If SND.UNA > ISS (our SYN has been ACKed), change the connection
		// state to ESTABLISHED, form an ACK segment
		// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
		t.stopTimer(tmConn)
		t.setState(Established, CauseRcvSynAck)
		s.prove(t.raddr)
		if t.visible() {
			s.notify(notice{kind: nEstablished, c: t.conn(), h: t.h})
		}
		t.keepAliveArm()
		t.ackPending = true
		t.ackNow = true
		// "If there are other controls or text in the segment, then
		// continue processing at the sixth step under Section 3.10.7.4".
		if seg.Len > 0 || seg.Flags&FIN != 0 {
			if !t.receive(seg, seg.Seq+1) {
				return
			}
		}
		t.output()
		t.flushACK()
		return
	}
	// "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
	// <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it." (Simultaneous
	// open, Figure 7; text on the SYN is not kept.)
	t.setState(SynReceived, CauseRcvSyn)
	t.sendSYN(false)
}

// synReceivedAck is §3.10.7.4, fifth, SYN-RECEIVED STATE. It reports
// whether processing continues (as ESTABLISHED).
func (t *tcb) synReceivedAck(seg *Segment) bool {
	s := t.s
	if !seg.Ack.InRange(t.sndUna+1, t.sndNxt) {
		// "If the segment acknowledgment is not acceptable, form a reset
		// segment <SEQ=SEG.ACK><CTL=RST> and send it."
		s.dropped(t.raddr, seg, NoteBadAck, t.inc, t.state)
		t.sendRST(seg.Ack, 0, false, NoteReset)
		return false
	}
	if t.passive && !t.accepted {
		if !t.listener.established(t) {
			// Accept queue full: like Linux, drop the ACK and stay in
			// SYN-RECEIVED (the SYN-ACK timer will try again), or reset.
			s.ctr.ListenOverflows++
			s.dropped(t.raddr, seg, NoteBacklogFull, t.inc, t.state)
			if s.cfg.ListenOverflow == OverflowReset {
				t.sendRST(t.sndNxt, 0, false, NoteReset)
				t.finish(Closed, CauseAbort, ReasonAborted)
			}
			return false
		}
	}
	// "enter ESTABLISHED state and continue processing with the variables
	// below set to: SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <-
	// SEG.ACK".
	t.stopTimer(tmConn)
	if t.passive {
		// The limiter on answers to unacceptable segments belonged to the
		// request; the connection starts with its own (Linux's
		// tcp_create_openreq_child clears last_oow_ack_time).
		t.oow = oowLimiter{}
	}
	// The ACK that synchronizes us names our peer better than the SYN did:
	// the SYN may have been an old duplicate that a live client's own SYN
	// (indistinguishable under weak ISNs) or ACK then completed. Stale-data
	// accounting and ghost detection follow the incarnation that completed
	// the handshake.
	if seg.Origin != 0 {
		t.peer = seg.Origin
	}
	t.setState(Established, CauseRcvAck)
	s.prove(t.raddr)
	t.roundRcvWnd()
	t.sndWnd = uint32(seg.Window) << t.sndShift // RFC 7323 §2.3: not a SYN
	t.maxSndWnd = max(t.maxSndWnd, t.sndWnd)
	t.sndWl1 = seg.Seq
	t.sndWl2 = seg.Ack
	if !t.passive && t.visible() {
		s.notify(notice{kind: nEstablished, c: t.conn(), h: t.h})
	}
	t.keepAliveArm()
	if t.closeQueued {
		// §3.10.4, SYN-RECEIVED: a CLOSE queued behind data is processed
		// now that ESTABLISHED is reached; output sends the data and FIN.
		t.setState(FinWait1, CauseClose)
	}
	return true
}

// dupSynArrives answers a retransmission of the SYN a SYN-RECEIVED TCB
// holds with a SYN-ACK at once, as Linux does (Config.SynRcvdDupSynAck;
// RFC 9293 §3.10.7.4, first, would send <SEQ=SND.NXT><ACK=RCV.NXT>, the
// SYN being below the window). For a passive TCB (Linux's request socket,
// tcp_check_req) the answer is rate limited like an out-of-window ACK
// (oowAllowed), and with Config.SynRcvdDupSynAckRearm it restarts the
// SYN-ACK timer at SynAckRTO·2^n from now, n the SYN-ACK timeouts so far
// (mod_timer_pending with tcp_reqsk_timeout after tcp_rtx_synack). Neither
// the answer nor the restart counts as a timeout: only timer firings
// advance n and spend SynAckRetries (reqsk_timer_handler's num_timeout).
func (t *tcb) dupSynArrives(seg *Segment) {
	s := t.s
	s.dropped(t.raddr, seg, NoteDuplicate, t.inc, t.state)
	if t.passive && !t.oowAllowed() {
		return
	}
	t.sendSYN(true)
	if t.passive && s.cfg.SynRcvdDupSynAckRearm && t.timerArmed(tmRTO) {
		t.setTimer(tmRTO, t.currentRTO())
	}
}
