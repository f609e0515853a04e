package endpoint

import (
	"math"
	"time"

	"tcpsim/engine"
)

// A TCB multiplexes its logical timers (retransmission, delayed ACK,
// keep-alive, user timeout, connection establishment, FIN-WAIT-2) on one
// engine.Timer armed at the earliest deadline, so a TCB holds one timer
// slot whatever it is doing.

func (t *tcb) timerArmed(i int) bool { return t.dl[i] != engine.Never }

// setTimer arms logical timer i to fire d from now. The engine timer is
// moved only when the new deadline is the earliest; a deadline pushed later
// or stopped leaves the engine timer early, and onTimer, finding nothing
// due, re-arms it at the true earliest deadline (one spare event at most,
// instead of a scan on every ACK).
func (t *tcb) setTimer(i int, d time.Duration) {
	at := t.s.sim.Now().Add(d)
	t.dl[i] = at
	if at < t.armedAt {
		t.armedAt = at
		t.timer.ResetAt(at)
	}
}

// stopTimer disarms logical timer i.
func (t *tcb) stopTimer(i int) { t.dl[i] = engine.Never }

// stopAll disarms every logical timer ("turn off the other timers").
func (t *tcb) stopAll() {
	for i := range t.dl {
		t.dl[i] = engine.Never
	}
	t.timer.Stop()
	t.armedAt = engine.Never
}

// rearm points the engine timer at the earliest logical deadline.
func (t *tcb) rearm() {
	at := engine.Never
	for _, d := range t.dl {
		at = min(at, d)
	}
	t.armedAt = at
	if at == engine.Never {
		t.timer.Stop()
		return
	}
	t.timer.ResetAt(at)
}

// onTimer runs the logical timers that are due.
func (t *tcb) onTimer(now engine.Time) {
	s := t.s
	inc := t.inc
	t.armedAt = engine.Never // the engine timer has fired
	s.enter()
	defer s.exit()
	for i := range numTimers {
		if t.inc != inc || t.state == Closed {
			return
		}
		if t.dl[i] > now {
			continue
		}
		t.dl[i] = engine.Never
		switch i {
		case tmRTO:
			t.rtoExpired()
		case tmDack:
			if t.ackPending {
				t.sendACK(NoteNone)
			}
		case tmKeep:
			t.keepAliveExpired()
		case tmUser:
			// §3.10.8 USER TIMEOUT: flush queues, signal "connection aborted
			// due to user timeout", delete the TCB.
			s.ctr.Timeouts++
			t.finish(Closed, CauseUserTimeout, ReasonTimedOut)
		case tmConn:
			s.ctr.Timeouts++
			t.finish(Closed, CauseUserTimeout, ReasonTimedOut)
		case tmFW2:
			// Linux tcp_fin_timeout: an orphaned FIN-WAIT-2 is deleted.
			t.finish(Closed, CauseFinWait2Timeout, ReasonNormal)
		}
	}
	if t.inc == inc && t.state != Closed {
		t.rearm()
	}
}

// startConnTimer bounds the time in SYN-SENT and SYN-RECEIVED (R2 for a
// SYN, RFC 9293 §3.8.3).
func (t *tcb) startConnTimer() {
	if d := t.s.cfg.ConnectTimeout; d > 0 {
		t.setTimer(tmConn, d)
	}
}

// armRTO starts the retransmission timer with the current timeout.
func (t *tcb) armRTO() { t.setTimer(tmRTO, t.currentRTO()+t.rtoSlop()) }

// currentRTO is the timeout for the front segment after t.backoff
// consecutive timeouts.
func (t *tcb) currentRTO() time.Duration {
	cfg := &t.s.cfg
	switch {
	case t.state == SynSent || (t.state == SynReceived && !t.passive):
		// Linux: the first SynLinearTimeouts+1 timeouts stay at the
		// initial RTO, then back off exponentially.
		return backoff(cfg.SynRTO, t.backoff-cfg.SynLinearTimeouts, cfg.MaxRTO)
	case t.sndUna == t.iss && t.passive:
		return backoff(cfg.SynAckRTO, t.backoff, cfg.MaxRTO)
	}
	return backoff(t.rto, t.backoff, cfg.MaxRTO)
}

// backoff returns base·2^k (k ≤ 0 gives base), at most max (RFC 6298 §5.5).
func backoff(base time.Duration, k int, max time.Duration) time.Duration {
	d := base
	for ; k > 0 && d < max; k-- {
		d *= 2
	}
	return min(d, max)
}

// rtoExpired is RFC 9293 §3.10.8 RETRANSMISSION TIMEOUT, with the retry
// limits of §3.8.3.
func (t *tcb) rtoExpired() {
	s := t.s
	cfg := &s.cfg
	if t.sndUna == t.sndNxt && t.sent >= t.queued {
		return // nothing outstanding
	}
	limit, expired := cfg.DataRetries, false
	switch {
	case t.sndUna == t.iss && t.state == SynSent:
		// Linux tcp_write_timeout: an active open in SYN-SENT gets
		// tcp_syn_linear_timeouts more retransmissions than
		// tcp_syn_retries.
		limit = cfg.SynRetries
		if limit != Unlimited {
			limit += min(cfg.SynLinearTimeouts, math.MaxInt-limit)
		}
		expired = t.synTimedOut()
	case t.sndUna == t.iss && t.state == SynReceived && !t.passive:
		limit = cfg.SynRetries
		expired = t.synTimedOut()
	case t.sndUna == t.iss:
		limit = cfg.SynAckRetries
		if l := t.listener; l != nil && !t.inAcceptQ && cfg.SynAckPrune {
			limit = l.pruneLimit(limit)
		}
	}
	if expired || limit != Unlimited && t.backoff >= limit {
		// R2 reached: close the connection (§3.8.3 (c)).
		s.ctr.Timeouts++
		t.finish(Closed, CauseRetransmitLimit, ReasonTimedOut)
		return
	}
	if t.backoff == 0 && t.listener != nil && !t.inAcceptQ {
		t.listener.young-- // reqsk_timer_handler: num_timeout 0 → 1
	}
	t.backoff++
	if t.sndUna != t.sndNxt {
		t.recover = t.sndNxt
		t.inRecovery = true
	}
	t.retransmitFront()
	t.armRTO()
}

// synTimedOut is Config.SynTimeBound (Linux's retransmits_timed_out for
// SYN-SENT and SYN-RECEIVED): once a SYN was retransmitted, the active open
// expires when the time since its first SYN reaches what SynRetries
// doubling timeouts from SynRTO would take (tcp_model_timeout: doubling
// up to MaxRTO, then MaxRTO each).
func (t *tcb) synTimedOut() bool {
	cfg := &t.s.cfg
	if !cfg.SynTimeBound || cfg.SynRetries == Unlimited || t.backoff == 0 {
		return false
	}
	// SynRetries+1 timeouts: SynRTO, 2·SynRTO, ... up to MaxRTO, then
	// MaxRTO for each of the rest.
	var bound time.Duration
	rto, k := cfg.SynRTO, 0
	for ; k <= cfg.SynRetries && rto < cfg.MaxRTO; k++ {
		bound += rto
		rto = min(2*rto, cfg.MaxRTO)
	}
	if k <= cfg.SynRetries {
		rest := uint64(cfg.SynRetries-k) + 1
		if rest > uint64((math.MaxInt64-bound)/cfg.MaxRTO) {
			return false // beyond any simulated time
		}
		bound += time.Duration(rest) * cfg.MaxRTO
	}
	return t.s.sim.Now().Sub(t.synStart) >= bound
}

// startRTT times the segment starting at seq (one sample per RTT).
func (t *tcb) startRTT(seq Seq) {
	t.rttTiming = true
	t.rttSeq = seq
	t.rttStart = t.s.sim.Now()
}

// rttSample updates SRTT, RTTVAR and RTO with a measurement r (RFC 6298 §2).
func (t *tcb) rttSample(r time.Duration) {
	const g = time.Millisecond // clock granularity G
	if t.srtt == 0 {
		// §2.2: the first measurement.
		t.srtt = r
		t.rttvar = r / 2
	} else {
		// §2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT-R'|; SRTT <- 7/8 SRTT + 1/8 R'.
		d := t.srtt - r
		if d < 0 {
			d = -d
		}
		t.rttvar = (3*t.rttvar + d) / 4
		t.srtt = (7*t.srtt + r) / 8
	}
	rto := t.srtt + max(g, 4*t.rttvar)
	// §2.4: rounded up to the minimum; §2.5: a maximum may be placed.
	t.rto = min(max(rto, t.s.cfg.MinRTO), t.s.cfg.MaxRTO)
}

// keepAliveArm restarts the keep-alive idle period (§3.8.4).
func (t *tcb) keepAliveArm() {
	if t.s.cfg.KeepAlive && t.state.Synchronized() {
		t.kaProbes = 0
		t.setTimer(tmKeep, t.s.cfg.KeepIdle)
	}
}

func (t *tcb) keepAliveExpired() {
	cfg := &t.s.cfg
	if !cfg.KeepAlive || t.state != Established && t.state != CloseWait {
		return
	}
	if t.sndUna != t.sndNxt || t.sent < t.queued {
		// §3.8.4: probes only when no sent data is outstanding.
		t.setTimer(tmKeep, cfg.KeepIdle)
		return
	}
	if t.kaProbes >= cfg.KeepCount {
		t.s.ctr.Timeouts++
		t.finish(Closed, CauseKeepAlive, ReasonTimedOut)
		return
	}
	t.kaProbes++
	t.s.ctr.KeepAliveProbes++
	// §3.8.4: a probe with SEG.SEQ = SND.NXT-1 and no data.
	t.sendSeg(t.sndNxt-1, ACK, NoteKeepAlive)
	t.setTimer(tmKeep, cfg.KeepInterval)
}
