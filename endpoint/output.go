package endpoint

// seg sets *sg to a segment from this TCB with the common fields filled
// in. It fills the caller's variable in place rather than returning a copy.
func (t *tcb) seg(sg *Segment, seq Seq, flags Flags) {
	*sg = Segment{
		SrcPort: t.lport, DstPort: t.rport,
		Seq: seq, Flags: flags,
		Window: t.wndField(),
		Origin: t.inc,
	}
	if flags&ACK != 0 {
		sg.Ack = t.rcvNxt
	}
	if t.tsOK {
		sg.Options |= OptTimestamp
		sg.TSVal = t.tsNow()
		sg.TSEcr = t.tsRecent
	}
	if t.sackOK && len(t.ooo) > 0 && flags&(ACK|SYN) == ACK {
		t.fillSACK(sg)
	}
}

// tsNow is the timestamp clock: milliseconds of simulated time.
func (t *tcb) tsNow() uint32 { return uint32(t.s.sim.Now() / 1e6) }

// send transmits *sg. Any segment with ACK acknowledges everything received,
// so a pending delayed ACK is satisfied.
func (t *tcb) send(sg *Segment, n Note) {
	if sg.Flags&ACK != 0 {
		t.ackPending = false
		t.ackNow = false
		t.unacked = 0
		t.stopTimer(tmDack)
	}
	t.s.transmit(t.raddr, sg, n, t.inc, t.state)
}

// sendSeg sends a segment that carries only seg's common fields.
func (t *tcb) sendSeg(seq Seq, flags Flags, n Note) {
	var sg Segment
	t.seg(&sg, seq, flags)
	t.send(&sg, n)
}

// sendSYN sends our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED, or a
// synchronized passive TCB whose SYN is unacknowledged), with the MSS
// option and, if configured, timestamps (RFC 9293 §3.7.1).
func (t *tcb) sendSYN(retransmit bool) {
	flags := SYN
	if t.state != SynSent {
		flags |= ACK
	}
	var sg Segment
	t.seg(&sg, t.iss, flags)
	sg.Options |= OptMSS
	sg.MSS = t.s.cfg.MSS
	if t.s.cfg.Timestamps && (t.state == SynSent || t.tsOK) {
		sg.Options |= OptTimestamp
		sg.TSVal = t.tsNow()
		sg.TSEcr = t.tsRecent
	}
	t.synFeatures(&sg)
	n := NoteNone
	if !retransmit {
		t.startRTT(t.iss)
	} else {
		t.rttTiming = false // Karn's algorithm
		n = NoteRetransmit
		if flags&ACK != 0 {
			t.s.ctr.SynAckRetransmits++
		} else {
			t.s.ctr.SynRetransmits++
		}
	}
	t.send(&sg, n)
	if !t.timerArmed(tmRTO) {
		t.armRTO()
	}
}

// synOptions takes the peer's MSS and timestamp options from its SYN.
func (t *tcb) synOptions(seg *Segment) {
	if seg.Options&OptMSS != 0 && seg.MSS > 0 {
		t.sndMSS = uint32(seg.MSS)
	}
	if t.sndMSS > uint32(t.s.cfg.MSS) {
		t.sndMSS = uint32(t.s.cfg.MSS)
	}
	if t.s.cfg.Timestamps && seg.Options&OptTimestamp != 0 {
		t.tsOK = true
		t.tsRecent = seg.TSVal
	}
	t.peerFeatures(seg)
}

// sendACK sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
func (t *tcb) sendACK(n Note) {
	if t.finOnACK(n) {
		return
	}
	t.sendSeg(t.sndNxt, ACK, n)
}

// sendRST sends a reset from this TCB: <SEQ=seq><CTL=RST>, or with
// withAck <SEQ=seq><ACK=ack><CTL=RST,ACK>.
func (t *tcb) sendRST(seq, ack Seq, withAck bool, n Note) {
	sg := Segment{SrcPort: t.lport, DstPort: t.rport, Seq: seq, Flags: RST, Origin: t.inc}
	if withAck {
		sg.Flags |= ACK
		sg.Ack = ack
	}
	t.s.transmit(t.raddr, &sg, n, t.inc, t.state)
}

// dataSeq returns the sequence number of stream offset off.
func (t *tcb) dataSeq(off uint64) Seq { return t.iss + 1 + Seq(uint32(off)) }

// finSeq is the sequence number our FIN occupies.
func (t *tcb) finSeq() Seq { return t.dataSeq(t.queued) }

// sendData sends n bytes at stream offset off, with FIN if fin.
func (t *tcb) sendData(off uint64, n uint32, fin bool, note Note) {
	flags := ACK
	if n > 0 {
		flags |= PSH
	}
	if fin {
		flags |= FIN
	}
	var sg Segment
	t.seg(&sg, t.dataSeq(off), flags)
	sg.Len = n
	sg.Offset = off
	// RFC 3168 §6.1.5: new data is ECN-capable, retransmissions are not.
	sg.ECT = t.ecnOK && n > 0 && note != NoteRetransmit
	t.send(&sg, note)
}

// sendFIN sends the FIN when the last queued byte has been sent
// (retransmit is false) and advances SND.NXT over it.
func (t *tcb) sendFIN(retransmit bool) {
	if !retransmit {
		t.finSent = true
		t.sndNxt = t.finSeq() + 1
	}
	note := NoteNone
	if retransmit {
		note = NoteRetransmit
		t.s.ctr.FinRetransmits++
	}
	t.sendData(t.queued, 0, true, note)
	if !t.timerArmed(tmRTO) {
		t.armRTO()
	}
}

// canTransmit reports whether the state lets new data or a FIN go out.
func (t *tcb) canTransmit() bool {
	switch t.state {
	case Established, CloseWait, FinWait1, LastAck, Closing:
		return true
	}
	return false
}

// output sends whatever queued data the send window allows, then the FIN if
// CLOSE was called and all data is out (RFC 9293 §3.10.2, §3.10.4). There
// is no congestion control: the send window alone limits it.
func (t *tcb) output() {
	if !t.canTransmit() {
		return
	}
	for t.sent < t.queued {
		wndEnd := t.sndUna.Add(t.sndWnd)
		avail := wndEnd.Sub(t.sndNxt)
		if avail <= 0 {
			break
		}
		n := min(uint64(t.sndMSS), t.queued-t.sent, uint64(avail))
		fin := t.closeQueued && t.sent+n == t.queued
		if t.sent == t.acked && !t.rttTiming {
			t.startRTT(t.dataSeq(t.sent))
		}
		t.sendData(t.sent, uint32(n), fin, NoteNone)
		t.sent += n
		t.sndNxt = t.dataSeq(t.sent)
		if fin {
			t.finSent = true
			t.sndNxt++
		}
	}
	if t.closeQueued && !t.finSent && t.sent == t.queued {
		t.sendFIN(false)
	}
	if t.sndUna != t.sndNxt {
		if !t.timerArmed(tmRTO) {
			t.armRTO()
		}
	} else if t.sent < t.queued && !t.timerArmed(tmRTO) {
		// Zero window with data waiting: the retransmission timer doubles
		// as the persist timer (§3.8.6.1).
		t.armRTO()
	}
	if t.sndUna != t.sndNxt && t.s.cfg.UserTimeout > 0 && !t.timerArmed(tmUser) {
		t.setTimer(tmUser, t.s.cfg.UserTimeout)
	}
}

// retransmitFront resends the segment at the front of the retransmission
// queue (RFC 9293 §3.10.8, RETRANSMISSION TIMEOUT).
func (t *tcb) retransmitFront() {
	t.rttTiming = false // Karn's algorithm (RFC 6298 §3)
	if t.sndUna == t.iss {
		// Our SYN is unacknowledged.
		t.sendSYN(true)
		return
	}
	if t.sndUna == t.sndNxt {
		if t.sent < t.queued {
			// Zero-window probe: one byte beyond the window (§3.8.6.1).
			t.sendData(t.sent, 1, false, NoteWindowProbe)
			t.sent++
			t.sndNxt = t.dataSeq(t.sent)
		}
		return
	}
	if t.acked >= t.sent {
		// Only the FIN is outstanding.
		t.sendFIN(true)
		return
	}
	n := min(uint64(t.sndMSS), t.sent-t.acked)
	fin := t.finSent && t.acked+n == t.queued
	t.s.ctr.DataRetransmits++
	if fin {
		t.s.ctr.FinRetransmits++
	}
	t.sendData(t.acked, uint32(n), fin, NoteRetransmit)
}
