package endpoint

// arriveBSD is SEGMENT ARRIVES for a TIME-WAIT remnant under
// Config.TimeWaitBSD: the order of checks of FreeBSD's tcp_twcheck rather
// than RFC 9293 §3.10.7.4's. A RST is dropped (RFC 1337); a pure SYN above
// RCV.NXT reopens the connection; any other segment without ACK is
// dropped before the sequence-number test; a FIN that repeats the peer's
// restarts the 2·MSL timer; every segment that is not an exact duplicate
// ACK is answered with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, whatever its
// sequence number, with no RFC 5961 challenge logic and no rate limit.
func (tw *twTable) arriveBSD(slot uint32, seg *Segment) {
	s := tw.s
	cfg := &s.cfg
	e := tw.entry(slot)
	_, raddr, _ := keyParts(e.key)
	if seg.Flags&RST != 0 {
		s.dropped(raddr, seg, NoteRstIgnored, e.inc, TimeWait)
		return
	}
	if seg.Flags&(SYN|ACK) == SYN && seg.Seq.GT(e.rcvNxt) && cfg.TimeWaitReopen {
		if l, ok := s.listeners[seg.DstPort]; ok && !l.closed {
			iss, use := tw.reopen(slot, cfg)
			l.synArrives(raddr, seg, iss, use)
			return
		}
	}
	if seg.Flags&ACK == 0 {
		s.dropped(raddr, seg, NoteNoAck, e.inc, TimeWait)
		return
	}
	if seg.Flags&FIN != 0 && seg.Seq.Add(seg.SeqLen()) == e.rcvNxt {
		tw.schedule(slot, cfg.TimeWaitDuration())
	}
	if seg.Flags == ACK && seg.Len == 0 && seg.Seq == e.rcvNxt && seg.Ack == e.sndNxt {
		s.dropped(raddr, seg, NoteDuplicate, e.inc, TimeWait)
		return
	}
	s.dropped(raddr, seg, NoteUnacceptable, e.inc, TimeWait)
	tw.sendACK(e, NoteNone)
}
