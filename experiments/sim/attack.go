package sim

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/topology"
)

// attacker is a workload of kind syn-flood, blind or ack-flood: it sends
// one crafted segment per arrival from its client host and keeps no state
// about what it sent (no per-source memory, no retransmission), so a flood
// of any length costs the attacker side nothing but its event.
//
// The threat models:
//
//   - syn-flood (RFC 4987 §2): an attacker sends SYNs from spoofed source
//     addresses and ports, drawn uniformly from a range that reaches no
//     host, so the SYN-ACKs go nowhere and each request holds a SYN-queue
//     slot for its whole lifetime (the SYN-ACK retransmission schedule).
//     With spoof: false the SYNs come from the client host's own address:
//     one bot of a botnet, whose own stack resets each SYN-ACK (RFC 9293
//     §3.10.7.1), which frees the slot at once.
//   - blind (RFC 5961 §2): an off-path attacker who knows the 4-tuple of a
//     victim connection (its client's address and port, its server's) but
//     sees none of its segments. It forges segments from the client to
//     the server with guessed sequence numbers: RSTs (§3), SYNs (§4) or
//     data (§5, with a guessed acknowledgment number), each guess uniform
//     over 2^32 or a uniform start advanced by a step (a sweep of the
//     space a window at a time). Without RFC 5961 a RST or SYN whose
//     sequence number falls in the receive window resets the connection,
//     so each uniform guess succeeds with probability RCV.WND/2^32; with
//     it only one exactly at RCV.NXT does (RST) or none (SYN).
//   - ack-flood: ACKs from spoofed sources that belong to no connection,
//     at a listener: each costs a RST (RFC 9293 §3.10.7.2) and, while SYN
//     cookies are in use, a failed cookie check.
type attacker struct {
	idx    int
	spec   config.Workload
	col    *collector
	sim    *engine.Sim
	from   *topology.Host
	server *topology.Host
	id     engine.HandlerID
	rng    *rand.Rand
	sent   int
	// srcBase and srcSize are the spoofed address range; portLo and portN
	// the port range.
	srcBase, srcSize uint32
	portLo, portN    uint32
	// victim is the blind attacker's target workload; guess the next
	// sequence number of a stepping guess, step its stride.
	victim *workload
	guess  endpoint.Seq
	step   uint32
}

// startWorkloads creates and starts every workload of a run: the
// connection workloads first, sharing a listener per server host and port,
// then the attackers, which may aim at their connections. It returns the
// connection workloads (the injector restarts their listeners after a
// reboot).
func startWorkloads(e *config.Experiment, net *topology.Network, col *collector, streams engine.Streams) ([]*workload, error) {
	var ws []*workload
	shared := listeners{}
	for i, spec := range e.Workloads {
		if IsAttacker(spec) {
			continue
		}
		w, err := newWorkload(i, spec, net, col, streams)
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", spec.Name, err)
		}
		w.shared = shared
		if err := w.start(); err != nil {
			return nil, fmt.Errorf("workload %s: %w", spec.Name, err)
		}
		ws = append(ws, w)
	}
	for i, spec := range e.Workloads {
		if IsAttacker(spec) {
			newAttacker(i, spec, net, col, streams, ws).start()
		}
	}
	return ws, nil
}

func newAttacker(idx int, spec config.Workload, net *topology.Network, col *collector, streams engine.Streams, ws []*workload) *attacker {
	a := &attacker{
		idx: idx, spec: spec, col: col, sim: net.Sim(),
		from: net.Host(spec.Client), server: net.Host(spec.Server.Host),
		rng: streams.Rand("workload/" + spec.Name + "/attack"),
	}
	at := spec.Attack
	a.srcBase = binary.BigEndian.Uint32(at.Sources.Addr[:])
	a.srcSize = uint32(min(at.Sources.Size(), 1<<32-1))
	a.portLo, a.portN = uint32(at.Ports.Lo), uint32(at.Ports.Hi)-uint32(at.Ports.Lo)+1
	if spec.Kind == config.KindBlind {
		for _, w := range ws {
			if w.spec.Name == at.Target.Workload {
				a.victim = w
				w.keepRecords = true
			}
		}
		a.guess = endpoint.Seq(a.rng.Uint32())
		a.step = uint32(at.Step)
		if a.step == 0 {
			a.step = uint32(a.server.Stack.Config().RcvWindow)
		}
	}
	a.id = a.sim.Register(a)
	return a
}

// start schedules the first segment.
func (a *attacker) start() {
	start := engine.FromDuration(time.Duration(a.spec.Start))
	switch ar := a.spec.Arrivals; {
	case ar.Times != nil:
		if len(ar.Times) > 0 {
			a.sim.Schedule(start.Add(time.Duration(ar.Times[0])), a.id, 0)
		}
	case ar.Poisson != nil:
		a.sim.Schedule(start.Add(a.gap()), a.id, 0)
	default:
		a.sim.Schedule(start, a.id, 0)
	}
}

func (a *attacker) gap() time.Duration {
	return time.Duration(a.rng.ExpFloat64() / float64(*a.spec.Arrivals.Poisson) * 1e9)
}

// more reports whether the attacker sends another segment now.
func (a *attacker) more(now engine.Time) bool {
	if a.spec.Count > 0 && a.sent >= int(a.spec.Count) {
		return false
	}
	if u := a.spec.Until; u > 0 && now > engine.FromDuration(time.Duration(u)) {
		return false
	}
	if t := a.spec.Arrivals.Times; t != nil && a.sent >= len(t) {
		return false
	}
	return true
}

// HandleEvent implements engine.Handler: send one segment, schedule the
// next.
func (a *attacker) HandleEvent(now engine.Time, _ uint64) {
	if !a.more(now) {
		return
	}
	a.send()
	a.sent++
	if !a.more(now) {
		return
	}
	switch ar := a.spec.Arrivals; {
	case ar.Interval != nil:
		a.sim.After(time.Duration(*ar.Interval), a.id, 0)
	case ar.Poisson != nil:
		a.sim.After(a.gap(), a.id, 0)
	case ar.Times != nil:
		start := engine.FromDuration(time.Duration(a.spec.Start))
		a.sim.Schedule(max(now, start.Add(time.Duration(ar.Times[a.sent]))), a.id, 0)
	}
}

// source returns a spoofed source address and port (or the client's own
// address with spoof: false).
func (a *attacker) source() (endpoint.Addr, uint16) {
	port := uint16(a.portLo + a.rng.Uint32N(a.portN))
	if !a.spec.Attack.Spoof {
		return a.from.Addr, port
	}
	return endpoint.Addr(a.srcBase + a.rng.Uint32N(a.srcSize)), port
}

// send crafts and sends one segment. Its Origin is 0: it comes from no
// TCB, so no connection record claims it.
func (a *attacker) send() {
	dst, dport := a.server.Addr, a.spec.Server.Port
	switch a.spec.Kind {
	case config.KindSynFlood:
		src, sport := a.source()
		a.emit(src, dst, endpoint.Segment{SrcPort: sport, DstPort: dport, Seq: endpoint.Seq(a.rng.Uint32()),
			Flags: endpoint.SYN, Options: endpoint.OptMSS, MSS: 1460, Window: 65535})
	case config.KindACKFlood:
		src, sport := a.source()
		a.emit(src, dst, endpoint.Segment{SrcPort: sport, DstPort: dport, Seq: endpoint.Seq(a.rng.Uint32()),
			Ack: endpoint.Seq(a.rng.Uint32()), Flags: endpoint.ACK, Window: 65535})
	case config.KindBlind:
		r := a.victim.record(int(a.spec.Attack.Target.Conn))
		if r == nil || r.client == 0 {
			return // the victim connection is not open yet: nothing to aim at
		}
		var seq endpoint.Seq
		if a.spec.Attack.Guess == "step" {
			seq = a.guess
			a.guess += endpoint.Seq(a.step)
		} else {
			seq = endpoint.Seq(a.rng.Uint32())
		}
		seg := endpoint.Segment{SrcPort: r.tuple.Local.Port, DstPort: r.tuple.Remote.Port, Seq: seq, Window: 65535}
		switch a.spec.Attack.Segment {
		case "rst":
			seg.Flags = endpoint.RST
		case "syn":
			seg.Flags = endpoint.SYN
		case "data":
			seg.Flags = endpoint.ACK | endpoint.PSH
			seg.Ack = endpoint.Seq(a.rng.Uint32())
			seg.Len = uint32(a.spec.Attack.Len)
		}
		a.emit(r.tuple.Local.Addr, r.tuple.Remote.Addr, seg)
	}
}

// emit hands the segment to the attacker host's network layer with a
// forged source address (Host.Transmit takes the source as given).
func (a *attacker) emit(src, dst endpoint.Addr, seg endpoint.Segment) {
	a.col.attackSegs++
	a.col.workloadStats(a.idx).attackSegs++
	a.from.Transmit(src, dst, &seg)
}
