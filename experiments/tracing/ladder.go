package tracing

import (
	"fmt"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/plots"
	"tcpsim/topology"
)

// The ladder diagram of a trace: which segments and state changes belong on
// it, and what each segment is.
//
// A segment's kind is decided when the ladder is built, once everything is
// known:
//   - stale: it belongs to an earlier incarnation of the connection (its
//     Origin was created before the ladder's client TCB: incarnations are
//     numbered in creation order; in window mode, a newer incarnation had
//     sent on the same 4-tuple before it arrived), or an experiment
//     injected it as a replay;
//   - later incarnation: it belongs to a TCB created after the ladder's two
//     on the same 4-tuple, such as a fork for a duplicate SYN that arrives
//     after the connection closed;
//   - duplicate: otherwise, a copy the link made;
//   - retransmission: otherwise, sent again by a retransmission timer;
//   - segment: anything else.
//
// Sequence and acknowledgment numbers are relative to the ISN of the
// incarnation that sent the segment and of its peer, so every incarnation
// counts from 0 (Wireshark's convention); TraceOptions.AbsoluteSeq keeps
// them as they were on the wire.

// ladderSeg is a segment on the ladder before its kind and label are
// decided.
type ladderSeg struct {
	seg    plots.Segment
	raw    endpoint.Segment
	copy   bool // made by a link
	retx   bool
	stale  bool // window mode: a newer incarnation had used the 4-tuple
	sendAt engine.Time
}

// dirTuple is a 4-tuple seen from its sender.
type dirTuple struct {
	src, dst     endpoint.Addr
	sport, dport uint16
}

// peerTCB is a TCB at the server end of the ladder's host pair that may
// turn out to be the ladder connection's other end: its state changes are
// kept until the client's connection opens.
type peerTCB struct {
	conn   endpoint.ConnID
	states []plots.StateChange
}

// ladderRec records the ladder of one connection (Conn > 0) or of every
// segment between the first workload's hosts in a window.
type ladderRec struct {
	conn       int
	end        engine.Time
	absolute   bool
	client     hostRef
	server     hostRef
	serverPort uint16

	ordinal            int
	tuple              endpoint.ConnID // the client's view of the connection
	clientInc, srvInc  endpoint.Incarnation
	clientEnd, srvEnd  bool
	clientSt, serverSt []plots.StateChange
	peers              map[endpoint.Incarnation]*peerTCB // server-end TCBs before the client opens

	segs   []ladderSeg
	isn    map[endpoint.Incarnation]endpoint.Seq
	peerOf map[endpoint.Incarnation]endpoint.Incarnation
	latest map[dirTuple]endpoint.Incarnation
}

func newLadderRec(opts TraceOptions) *ladderRec {
	return &ladderRec{conn: opts.Conn, end: opts.End, absolute: opts.AbsoluteSeq,
		peers: map[endpoint.Incarnation]*peerTCB{}, isn: map[endpoint.Incarnation]endpoint.Seq{},
		peerOf: map[endpoint.Incarnation]endpoint.Incarnation{}, latest: map[dirTuple]endpoint.Incarnation{}}
}

// pair reports whether a and b are the ladder's two hosts, either way.
func (l *ladderRec) pair(a, b endpoint.Addr) bool {
	return a == l.client.addr && b == l.server.addr || a == l.server.addr && b == l.client.addr
}

// onState follows the ladder connection's two TCBs. The client's is the
// conn-th active open from the client host to the server's port; the
// server end's is the TCB on the mirrored 4-tuple whose peer is that
// client incarnation (or not yet known): a listener's fork, or, in a
// simultaneous open, an active TCB of its own, which may open just before
// the client's.
func (l *ladderRec) onState(e endpoint.StateEvent) {
	c := e.Conn
	if c.Peer != 0 && l.pair(c.Local.Addr, c.Remote.Addr) {
		l.peerOf[c.Incarnation] = c.Peer
	}
	if l.conn == 0 {
		return
	}
	change := plots.StateChange{Time: e.Time.Seconds(), State: e.To.String()}
	if !e.Passive && e.From == endpoint.Closed && e.To == endpoint.SynSent &&
		c.Local.Addr == l.client.addr && c.Remote == (endpoint.Endpoint{Addr: l.server.addr, Port: l.serverPort}) {
		l.ordinal++
		if l.ordinal == l.conn {
			l.tuple, l.clientInc = c, c.Incarnation
			l.clientSt = append(l.clientSt, change)
			l.matchWaiting()
			return
		}
	}
	switch {
	case l.clientInc != 0 && c.Incarnation == l.clientInc:
		l.clientSt = append(l.clientSt, change)
		l.clientEnd = e.To == endpoint.Closed
		return
	case l.srvInc != 0 && c.Incarnation == l.srvInc:
		l.serverSt = append(l.serverSt, change)
		l.srvEnd = e.To == endpoint.Closed
		return
	}
	if l.srvInc != 0 || c.Local.Addr != l.server.addr || c.Local.Port != l.serverPort || c.Remote.Addr != l.client.addr {
		return
	}
	p := l.peers[c.Incarnation]
	if p == nil {
		p = &peerTCB{}
		if e.From != endpoint.Closed { // a listener's fork starts in LISTEN
			p.states = append(p.states, plots.StateChange{Time: e.Time.Seconds(), State: e.From.String()})
		}
	}
	p.conn = c
	p.states = append(p.states, change)
	switch {
	case l.clientInc != 0:
		if l.mirrors(p) && !l.clientEnd {
			l.srvInc, l.serverSt, l.srvEnd = c.Incarnation, p.states, e.To == endpoint.Closed
		}
	case e.To == endpoint.Closed:
		delete(l.peers, c.Incarnation)
	default:
		l.peers[c.Incarnation] = p
	}
}

// mirrors reports whether p is on the client's 4-tuple, seen from the
// other end, with the client's incarnation as its peer or none yet.
func (l *ladderRec) mirrors(p *peerTCB) bool {
	return p.conn.Local == l.tuple.Remote && p.conn.Remote == l.tuple.Local &&
		(p.conn.Peer == 0 || p.conn.Peer == l.clientInc)
}

// matchWaiting takes, when the client opens, the newest server-end TCB
// already open on its 4-tuple as its other end (a simultaneous open whose
// other side opened first), and forgets the rest.
func (l *ladderRec) matchWaiting() {
	var best *peerTCB
	for _, p := range l.peers {
		if l.mirrors(p) && (best == nil || p.conn.Incarnation > best.conn.Incarnation) {
			best = p
		}
	}
	if best != nil {
		l.srvInc, l.serverSt = best.conn.Incarnation, best.states
	}
	l.peers = nil
}

// onLadder reports whether packet p, sent at time at, belongs on the
// ladder.
func (l *ladderRec) onLadder(p *topology.Packet, at engine.Time) bool {
	if l.conn == 0 {
		return l.pair(p.Src, p.Dst) && at <= l.end
	}
	if l.clientInc == 0 || l.clientEnd && (l.srvInc == 0 || l.srvEnd) {
		return false
	}
	a, b := l.tuple.Local, l.tuple.Remote
	s := &p.Seg
	return p.Src == a.Addr && s.SrcPort == a.Port && p.Dst == b.Addr && s.DstPort == b.Port ||
		p.Src == b.Addr && s.SrcPort == b.Port && p.Dst == a.Addr && s.DstPort == a.Port
}

// sent notes a segment sent between the ladder's hosts: its sender's ISN
// if it is a SYN, and the newest incarnation on its 4-tuple.
func (l *ladderRec) sent(p *topology.Packet) {
	if !l.pair(p.Src, p.Dst) || p.Seg.Origin == 0 {
		return
	}
	if p.Seg.Flags&endpoint.SYN != 0 {
		if _, ok := l.isn[p.Seg.Origin]; !ok {
			l.isn[p.Seg.Origin] = p.Seg.Seq
		}
	}
	k := dirTuple{p.Src, p.Dst, p.Seg.SrcPort, p.Seg.DstPort}
	l.latest[k] = max(l.latest[k], p.Seg.Origin)
}

// add puts packet p on the ladder, sent at time at, and returns its index.
func (l *ladderRec) add(p *topology.Packet, at engine.Time, retx, isCopy bool) int {
	l.segs = append(l.segs, ladderSeg{
		seg: plots.Segment{From: l.lane(p.Src), To: l.lane(p.Dst), Send: at.Seconds(), Lost: true},
		raw: p.Seg, retx: retx, copy: isCopy, sendAt: at, stale: l.older(p),
	})
	return len(l.segs) - 1
}

// arrived marks ladder segment i received at time at.
func (l *ladderRec) arrived(i int, p *topology.Packet, at engine.Time) {
	s := &l.segs[i]
	s.seg.Recv, s.seg.Lost = at.Seconds(), false
	s.stale = s.stale || l.older(p)
}

// older reports whether a newer incarnation than p's has sent on p's
// 4-tuple.
func (l *ladderRec) older(p *topology.Packet) bool {
	o := p.Seg.Origin
	return o != 0 && l.latest[dirTuple{p.Src, p.Dst, p.Seg.SrcPort, p.Seg.DstPort}] > o
}

// lane names the ladder timeline of an address: its host's name.
func (l *ladderRec) lane(a endpoint.Addr) string {
	if a == l.client.addr {
		return l.client.name
	}
	return l.server.name
}

// kind classifies ladder segment s (see the comment at the top).
func (l *ladderRec) kind(s *ladderSeg) plots.SegmentKind {
	stale, later := s.raw.Replay, false
	if o := s.raw.Origin; l.conn != 0 && o != 0 && o != l.clientInc && o != l.srvInc {
		stale = stale || o < l.clientInc
		later = o > l.clientInc
	} else {
		stale = stale || s.stale
	}
	switch {
	case stale:
		return plots.Stale
	case later:
		return plots.Later
	case s.copy:
		return plots.Duplicate
	case s.retx:
		return plots.Retransmission
	}
	return plots.Normal
}

// isns returns the ISNs of the sender of s and of its peer, -1 where
// unknown or when absolute numbers are asked for.
func (l *ladderRec) isns(s *endpoint.Segment) [2]int64 {
	out := [2]int64{-1, -1}
	if l.absolute || s.Origin == 0 {
		return out
	}
	if v, ok := l.isn[s.Origin]; ok {
		out[0] = int64(v)
	}
	if v, ok := l.isn[l.peerOf[s.Origin]]; ok && l.peerOf[s.Origin] != 0 {
		out[1] = int64(v)
	}
	return out
}

// build fills the result's timelines and segments.
func (l *ladderRec) build(res *TraceResult, start, end engine.Time) error {
	windowed := start != 0 || end != 0
	forever := end == engine.Time(1<<63-1)
	var segs []plots.Segment
	for i := range l.segs {
		s := &l.segs[i]
		out := s.seg
		if windowed && !forever {
			if out.Send > end.Seconds() || (out.Lost || out.Recv < start.Seconds()) && out.Send < start.Seconds() {
				continue
			}
		}
		out.Kind = l.kind(s)
		out.Label = ladderLabel(&s.raw, l.isns(&s.raw))
		segs = append(segs, out)
	}
	if len(segs) > maxLadderSegments {
		return fmt.Errorf("%w: the ladder would have %d segments (at most %d): choose one connection (--conn) or a shorter window", ErrTrace, len(segs), maxLadderSegments)
	}
	res.Segments = segs
	if windowed && !forever {
		res.Window = [2]float64{start.Seconds(), end.Seconds()}
	}
	if l.conn == 0 {
		res.Timelines = []plots.Timeline{{Name: l.client.name}, {Name: l.server.name}}
		return nil
	}
	if l.clientInc == 0 {
		return fmt.Errorf("%w: the first workload opened %d connections, not %d", ErrTrace, l.ordinal, l.conn)
	}
	res.ConnName = fmt.Sprintf("conn %d (port %d)", l.conn, l.tuple.Local.Port)
	res.Timelines = []plots.Timeline{
		{Name: l.lane(l.tuple.Local.Addr), States: l.clientSt},
		{Name: l.lane(l.tuple.Remote.Addr), States: l.serverSt},
	}
	return nil
}

// ladderLabel is a segment's label on a ladder: "SYN,ACK seq=0 ack=1".
// Sequence and acknowledgment numbers are relative to the sending and the
// receiving side's ISN, as Wireshark shows them, when those are known
// (isn[0] is the sender's, isn[1] the receiver's, -1 if unknown) and the
// number is within 2^24 of it; otherwise absolute.
func ladderLabel(s *endpoint.Segment, isn [2]int64) string {
	var names []string
	for _, f := range [...]struct {
		f    endpoint.Flags
		name string
	}{{endpoint.SYN, "SYN"}, {endpoint.FIN, "FIN"}, {endpoint.RST, "RST"}, {endpoint.PSH, "PSH"}, {endpoint.ACK, "ACK"}} {
		if s.Flags&f.f != 0 {
			names = append(names, f.name)
		}
	}
	rel := func(v endpoint.Seq, base int64) uint32 {
		if base >= 0 {
			if d := uint32(v) - uint32(base); d < 1<<24 {
				return d
			}
		}
		return uint32(v)
	}
	label := strings.Join(names, ",") + fmt.Sprintf(" seq=%d", rel(s.Seq, isn[0]))
	if s.Flags&endpoint.ACK != 0 {
		label += fmt.Sprintf(" ack=%d", rel(s.Ack, isn[1]))
	}
	if s.Len > 0 {
		label += fmt.Sprintf(" len=%d", s.Len)
	}
	return label
}
