package experiments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
	"tcpsim/experiments/trace"
	"tcpsim/link"
	"tcpsim/plots"
	"tcpsim/topology"
)

// ErrTrace reports a request Trace cannot satisfy: a run index out of range,
// an unknown capture host, a connection that was never opened.
var ErrTrace = errors.New("experiments: trace")

// TraceOptions say what Trace records of one run.
type TraceOptions struct {
	// Run is the run index K in sweep order: point K / replications,
	// replication K % replications (sweep.Job.Index).
	Run int
	// Host is the capture host's name; "" means the server of the first
	// workload.
	Host string
	// Text receives the text trace at the capture host (nil: none).
	Text io.Writer
	// Pcap receives a pcap of the packets at the capture host (nil: none):
	// those it sends and those that arrive at it, including those it then
	// drops. Packets that arrive corrupted are left out (the pcap's
	// checksums would be correct); the text trace shows them.
	Pcap io.Writer
	// Ladder collects the segments of one connection, or of a time window,
	// for LadderFigure.
	Ladder bool
	// Conn is the 1-based ordinal of the ladder's connection among the first
	// workload's; 0 means every segment between the first workload's client
	// and server hosts (then give a window).
	Conn int
	// Start and End select a time window of the ladder (both zero: the
	// whole connection or run).
	Start, End engine.Time
}

// TraceResult is what Trace recorded.
type TraceResult struct {
	// Point and Replication identify the run; Host the capture host.
	Point, Replication int
	Host               string
	// Counts are the capture's packets, SYNs, RSTs, FINs and
	// retransmissions (the text trace's summary line).
	Counts trace.Counts
	// Transitions are the run's state-change counts summed over every
	// host, for transitions.csv and the coverage figure.
	Transitions []plots.Transition
	// Timelines and Segments are the ladder's, when Ladder was asked for.
	Timelines []plots.Timeline
	Segments  []plots.Segment
	// Window is the ladder's time window in seconds, [0, 0] for none.
	Window [2]float64
	// ConnName describes the ladder's connection ("" in window mode).
	ConnName string
}

// MaxLadderSegments is the most segments a ladder diagram may hold; more
// would be unreadable.
const MaxLadderSegments = 150

// RunJob returns the sweep job of run index k: point k / n, replication
// k % n with n = replicationSlots(e), the convention of sweep.Execute.
func RunJob(e *config.Experiment, k int) (sweep.Job, error) {
	points := e.Points()
	reps := replicationSlots(e)
	if k < 0 || k >= len(points)*reps {
		return sweep.Job{}, fmt.Errorf("%w: run %d: want 0..%d (%d points × %d replications)", ErrTrace, k, len(points)*reps-1, len(points), reps)
	}
	p := k / reps
	crn := e.Sweep == nil || e.Sweep.CommonRandomNumbers
	vals := make([]string, len(points[p].Params))
	for i, x := range points[p].Params {
		vals[i] = x.Value
	}
	return sweep.Job{Index: k, Point: p, Replication: k % reps, Seed: sweep.Seed(e.Seed, p, crn), Params: vals}, nil
}

// replicationSlots is the number of run indices per sweep point: the
// replications, or with adaptive replication the most a point may get (the
// sweep package numbers run (p, r) p·Max + r then, so that an index never
// depends on how many replications other points needed).
func replicationSlots(e *config.Experiment) int {
	if e.Replications.Until != nil {
		return e.Replications.Max
	}
	return e.Replications.Min
}

// Trace runs run opts.Run of e with tracing attached: the text trace and
// pcap at the capture host, the ladder's segments, and the run's state
// transition counts. The run is the same as in `tcpsim run`: same seed,
// same streams, same events.
func Trace(ctx context.Context, e *config.Experiment, opts TraceOptions) (*TraceResult, error) {
	j, err := RunJob(e, opts.Run)
	if err != nil {
		return nil, err
	}
	pe := e.Points()[j.Point].Exp
	host := opts.Host
	if host == "" {
		if len(pe.Workloads) == 0 {
			return nil, fmt.Errorf("%w: the experiment has no workload; name a capture host", ErrTrace)
		}
		host = pe.Workloads[0].Server.Host
	}
	parts, err := os.MkdirTemp("", "tcpsim-trace-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(parts)

	tr := newTracer(pe, opts)
	var pw *trace.PcapWriter
	if opts.Pcap != nil {
		if pw, err = trace.NewPcapWriter(opts.Pcap); err != nil {
			return nil, err
		}
	}
	var net *topology.Network
	var setupErr error
	watch := func(n *topology.Network, stacks *Observers) {
		net = n
		h := n.Host(host)
		if h == nil {
			setupErr = fmt.Errorf("%w: no host named %q", ErrTrace, host)
			return
		}
		tr.bind(n, h, pw, pe)
		*stacks = append(*stacks, tr)
		for _, l := range n.Links() {
			l.SetObserver(&linkTap{tr: tr, l: l})
		}
	}
	if _, err := simulate(ctx, pe, j, parts, watch); err != nil {
		return nil, err
	}
	if setupErr != nil {
		return nil, setupErr
	}
	tr.flushPending()
	res := &TraceResult{Point: j.Point, Replication: j.Replication, Host: host, Counts: tr.counts}
	if tr.text != nil {
		tr.text.Summary(tr.counts)
		if err := tr.text.Flush(); err != nil {
			return nil, err
		}
	}
	if tr.pcapErr != nil {
		return nil, tr.pcapErr
	}
	var total endpoint.Transitions
	for _, h := range net.Hosts() {
		total.Add(h.Stack.Transitions())
	}
	pairs := total.Pairs()
	for f := range pairs {
		for t, n := range pairs[f] {
			if n > 0 {
				res.Transitions = append(res.Transitions, plots.Transition{
					From: endpoint.State(f).String(), To: endpoint.State(t).String(), Count: int(n)})
			}
		}
	}
	if opts.Ladder {
		if err := tr.ladder(res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// LadderFigure draws the ladder diagram Trace collected.
func (r *TraceResult) LadderFigure(title string) (*plots.Figure, error) {
	if len(r.Timelines) == 0 {
		return nil, fmt.Errorf("%w: no ladder was collected", ErrTrace)
	}
	return plots.LadderDiagram(r.Timelines, r.Segments, plots.LadderOptions{
		Title: title, Start: r.Window[0], End: r.Window[1]})
}

// flight is a packet on the wire, from its send to its arrival or loss.
type flight struct {
	retx bool
	idx  int // index in tracer.segs, -1 if not on the ladder
}

// tracer observes every stack and link of one run.
type tracer struct {
	opts    TraceOptions
	capture *topology.Host
	pcap    *trace.PcapWriter
	pcapErr error
	text    *trace.Text
	counts  trace.Counts

	pending  map[topology.Packet][]flight // sent, not yet arrived or lost
	copies   map[topology.Packet][]flight // link copies in flight
	copyNext map[endpoint.Addr]bool       // the next arrival at this host is a copy
	// held is a packet that arrived at the capture host, printed once we
	// know whether the stack dropped it.
	held     *endpoint.SegmentEvent
	heldMark []string

	// Ladder state.
	client, server     hostRef // the first workload's hosts
	serverPort         uint16
	ordinal            int
	tuple              endpoint.ConnID // the client's view of the ladder's connection
	clientInc, srvInc  endpoint.Incarnation
	clientEnd, srvEnd  bool
	opened             engine.Time
	clientSt, serverSt []plots.StateChange
	segs               []plots.Segment
	segLost            []bool   // no arrival seen (yet)
	isn                [2]int64 // the client's and the server's ISN, -1 until seen
}

func newTracer(e *config.Experiment, opts TraceOptions) *tracer {
	t := &tracer{opts: opts, pending: map[topology.Packet][]flight{}, copies: map[topology.Packet][]flight{},
		copyNext: map[endpoint.Addr]bool{}, isn: [2]int64{-1, -1}}
	if opts.Text != nil {
		t.text = trace.NewText(opts.Text)
	}
	if opts.Ladder && opts.Conn == 0 && opts.Start == 0 && opts.End == 0 {
		t.opts.End = engine.Time(1<<63 - 1)
	}
	if len(e.Workloads) > 0 {
		t.serverPort = e.Workloads[0].Server.Port
	}
	return t
}

// bind attaches the tracer to the built network.
func (t *tracer) bind(n *topology.Network, capture *topology.Host, pw *trace.PcapWriter, e *config.Experiment) {
	t.capture, t.pcap = capture, pw
	t.client.addr, t.server.addr = ^endpoint.Addr(0), ^endpoint.Addr(0)
	if len(e.Workloads) == 0 {
		return
	}
	if c := n.Host(e.Workloads[0].Client); c != nil {
		t.client = hostRef{c.Name, c.Addr}
	}
	if s := n.Host(e.Workloads[0].Server.Host); s != nil {
		t.server = hostRef{s.Name, s.Addr}
	}
}

// hostRef names a host and its address.
type hostRef struct {
	name string
	addr endpoint.Addr
}

// OnState implements endpoint.Observer.
func (t *tracer) OnState(e endpoint.StateEvent) {
	if t.text != nil && e.Conn.Local.Addr == t.capture.Addr {
		t.flushPending()
		t.text.State(e)
	}
	if !t.opts.Ladder || t.opts.Conn == 0 {
		return
	}
	c := e.Conn
	if !e.Passive && e.From == endpoint.Closed && e.To == endpoint.SynSent &&
		c.Local.Addr == t.client.addr && c.Remote == (endpoint.Endpoint{Addr: t.server.addr, Port: t.serverPort}) {
		t.ordinal++
		if t.ordinal == t.opts.Conn {
			t.tuple, t.clientInc, t.opened = c, c.Incarnation, e.Time
		}
	}
	if t.clientInc == 0 {
		return
	}
	change := plots.StateChange{Time: e.Time.Seconds(), State: e.To.String()}
	switch {
	case c.Incarnation == t.clientInc:
		t.clientSt = append(t.clientSt, change)
		t.clientEnd = e.To == endpoint.Closed
	case c.Incarnation == t.srvInc && t.srvInc != 0:
		t.serverSt = append(t.serverSt, change)
		t.srvEnd = e.To == endpoint.Closed
	case t.srvInc == 0 && e.Passive && c.Local == t.tuple.Remote && c.Remote == t.tuple.Local &&
		(c.Peer == t.clientInc || c.Peer == 0) && !t.clientEnd:
		t.srvInc = c.Incarnation
		t.serverSt = append(t.serverSt, plots.StateChange{Time: e.Time.Seconds(), State: e.From.String()}, change)
		t.srvEnd = e.To == endpoint.Closed
	}
}

// onLadder reports whether packet p, sent at time at, belongs on the
// ladder.
func (t *tracer) onLadder(p *topology.Packet, at engine.Time) bool {
	if !t.opts.Ladder {
		return false
	}
	if t.opts.Conn == 0 {
		between := p.Src == t.client.addr && p.Dst == t.server.addr || p.Src == t.server.addr && p.Dst == t.client.addr
		return between && at <= t.opts.End
	}
	if t.clientInc == 0 || t.clientEnd && (t.srvInc == 0 || t.srvEnd) {
		return false
	}
	l, r := t.tuple.Local, t.tuple.Remote
	s := &p.Seg
	return p.Src == l.Addr && s.SrcPort == l.Port && p.Dst == r.Addr && s.DstPort == r.Port ||
		p.Src == r.Addr && s.SrcPort == r.Port && p.Dst == l.Addr && s.DstPort == l.Port
}

// addSeg starts a ladder segment and returns its index.
func (t *tracer) addSeg(p *topology.Packet, at engine.Time, kind plots.SegmentKind) int {
	if p.Seg.Replay || t.opts.Conn != 0 && p.Seg.Origin != 0 && p.Seg.Origin != t.clientInc && p.Seg.Origin != t.srvInc {
		kind = plots.Stale
	}
	t.segs = append(t.segs, plots.Segment{From: t.lane(p.Src), To: t.lane(p.Dst),
		Send: at.Seconds(), Label: ladderLabel(&p.Seg, t.isnFor(p, kind)), Kind: kind})
	t.segLost = append(t.segLost, true)
	return len(t.segs) - 1
}

// isnFor returns the ISNs to make p's numbers relative to: the sender's
// and the receiver's, -1 where unknown or for a stale segment.
func (t *tracer) isnFor(p *topology.Packet, kind plots.SegmentKind) [2]int64 {
	if t.opts.Conn == 0 || kind == plots.Stale {
		return [2]int64{-1, -1}
	}
	if p.Src == t.tuple.Local.Addr && p.Seg.SrcPort == t.tuple.Local.Port {
		return [2]int64{t.isn[0], t.isn[1]}
	}
	return [2]int64{t.isn[1], t.isn[0]}
}

// lane names the ladder timeline of an address: its host's name.
func (t *tracer) lane(a endpoint.Addr) string {
	if a == t.client.addr {
		return t.client.name
	}
	return t.server.name
}

// OnSegment implements endpoint.Observer.
func (t *tracer) OnSegment(e endpoint.SegmentEvent) {
	atCapture := e.Host == t.capture.Addr
	if atCapture {
		if h := t.held; h != nil && !(e.Dir == endpoint.Dropped && e.Seg == h.Seg && e.Time == h.Time) {
			t.flushPending()
		}
	}
	switch e.Dir {
	case endpoint.Sent:
		p := topology.Packet{Src: e.Host, Dst: e.Peer, Seg: e.Seg}
		f := flight{retx: e.Note == endpoint.NoteRetransmit, idx: -1}
		if e.Seg.Flags&endpoint.SYN != 0 && e.Conn != 0 {
			switch e.Conn {
			case t.clientInc:
				t.isn[0] = int64(e.Seg.Seq)
			case t.srvInc:
				t.isn[1] = int64(e.Seg.Seq)
			}
		}
		if t.onLadder(&p, e.Time) {
			kind := plots.Normal
			if f.retx {
				kind = plots.Retransmission
			}
			f.idx = t.addSeg(&p, e.Time, kind)
		}
		t.pending[p] = append(t.pending[p], f)
		if atCapture {
			t.capturePacket(e.Time, &p, f.retx, trace.Marks(e))
		}
	case endpoint.Received:
		p := topology.Packet{Src: e.Peer, Dst: e.Host, Seg: e.Seg}
		isCopy := t.copyNext[e.Host]
		delete(t.copyNext, e.Host)
		f, ok := t.arrive(p, isCopy)
		if !ok { // injected: a replay that never crossed a link
			f.idx = -1
			if t.onLadder(&p, e.Time) {
				f.idx = t.addSeg(&p, e.Time, plots.Stale)
			}
		}
		if f.idx >= 0 {
			t.segs[f.idx].Recv = e.Time.Seconds()
			t.segLost[f.idx] = false
		}
		if atCapture {
			marks := trace.Marks(e)
			if isCopy {
				marks = append(marks, "duplicate copy")
			}
			if f.retx {
				marks = append(marks, "retransmission")
			}
			t.counts.Add(&p.Seg, f.retx)
			t.writePcap(e.Time, &p)
			ev := e
			t.held, t.heldMark = &ev, marks
		}
	case endpoint.Dropped:
		if e.Note == endpoint.NoteChecksum { // arrived corrupted: never Received
			p := topology.Packet{Src: e.Peer, Dst: e.Host, Seg: e.Seg}
			isCopy := t.copyNext[e.Host]
			delete(t.copyNext, e.Host)
			t.arrive(p, isCopy) // stays marked lost on the ladder
			if atCapture && t.text != nil {
				t.text.Packet(e.Time, p.Src, p.Dst, &p.Seg, "corrupted, not in the pcap", "dropped: checksum")
			}
			return
		}
		if atCapture && t.held != nil {
			t.heldMark = append(t.heldMark, trace.Marks(e)...)
			t.flushPending()
		}
	}
}

// arrive takes the flight of packet p off the wire.
func (t *tracer) arrive(p topology.Packet, isCopy bool) (flight, bool) {
	m := t.pending
	if isCopy {
		m = t.copies
	}
	fs := m[p]
	if len(fs) == 0 {
		return flight{idx: -1}, false
	}
	f := fs[0]
	if len(fs) == 1 {
		delete(m, p)
	} else {
		m[p] = fs[1:]
	}
	return f, true
}

// capturePacket counts, prints and writes a packet the capture host sent.
func (t *tracer) capturePacket(at engine.Time, p *topology.Packet, retx bool, marks []string) {
	t.counts.Add(&p.Seg, retx)
	t.writePcap(at, p)
	if t.text != nil {
		t.text.Packet(at, p.Src, p.Dst, &p.Seg, marks...)
	}
}

func (t *tracer) writePcap(at engine.Time, p *topology.Packet) {
	if t.pcap != nil && t.pcapErr == nil {
		t.pcapErr = t.pcap.Write(at, p.Src, p.Dst, &p.Seg)
	}
}

// flushPending prints the held arrival.
func (t *tracer) flushPending() {
	if h := t.held; h != nil {
		t.held = nil
		if t.text != nil {
			t.text.Packet(h.Time, h.Peer, h.Host, &h.Seg, t.heldMark...)
		}
	}
}

// linkTap observes one link for a tracer.
type linkTap struct {
	tr *tracer
	l  *topology.Link
}

// Observe implements link.Observer.
func (lt *linkTap) Observe(r link.Record, p topology.Packet) {
	t, l := lt.tr, lt.l
	fromCapture := l.From == t.capture && p.Src == t.capture.Addr
	note := func(format string, a ...any) {
		if fromCapture && t.text != nil {
			t.flushPending()
			t.text.Note(r.At, fmt.Sprintf(format, a...))
		}
	}
	what := "packet"
	if r.Copy {
		what = "copy"
	}
	switch r.Fate {
	case link.Lost, link.QueueDropped, link.DownDropped:
		t.arrive(p, r.Copy) // the ladder keeps it as lost
		switch r.Fate {
		case link.Lost:
			note("%s lost on link %s", what, l.Name)
		case link.QueueDropped:
			note("%s dropped by the full queue of link %s", what, l.Name)
		default:
			note("%s dropped: link %s down", what, l.Name)
		}
	case link.Duplicated:
		f := flight{idx: -1}
		if fs := t.pending[p]; len(fs) > 0 {
			f.retx = fs[len(fs)-1].retx
			if fs[len(fs)-1].idx >= 0 {
				f.idx = t.addSeg(&p, r.At, plots.Duplicate)
			}
		}
		t.copies[p] = append(t.copies[p], f)
		note("duplicated on link %s; the copy arrives at %s", l.Name, trace.FormatTime(r.Arrival))
	case link.Delivered, link.Corrupted:
		if r.Copy && l.To.Addr == p.Dst {
			t.copyNext[p.Dst] = true
		}
	}
}

// ladder fills the result's timelines and segments.
func (t *tracer) ladder(res *TraceResult) error {
	var segs []plots.Segment
	start, end := t.opts.Start.Seconds(), t.opts.End.Seconds()
	windowed := t.opts.Start != 0 || t.opts.End != 0
	for i, s := range t.segs {
		s.Lost = t.segLost[i]
		if windowed && t.opts.End != engine.Time(1<<63-1) {
			if s.Send > end || (s.Lost || s.Recv < start) && s.Send < start {
				continue
			}
		}
		segs = append(segs, s)
	}
	if len(segs) > MaxLadderSegments {
		return fmt.Errorf("%w: the ladder would have %d segments (at most %d): choose one connection (--conn) or a shorter window", ErrTrace, len(segs), MaxLadderSegments)
	}
	res.Segments = segs
	if windowed && t.opts.End != engine.Time(1<<63-1) {
		res.Window = [2]float64{start, end}
	}
	if t.opts.Conn == 0 {
		res.Timelines = []plots.Timeline{{Name: t.client.name}, {Name: t.server.name}}
		return nil
	}
	if t.clientInc == 0 {
		return fmt.Errorf("%w: the first workload opened %d connections, not %d", ErrTrace, t.ordinal, t.opts.Conn)
	}
	res.ConnName = fmt.Sprintf("conn %d (port %d)", t.opts.Conn, t.tuple.Local.Port)
	res.Timelines = []plots.Timeline{
		{Name: t.lane(t.tuple.Local.Addr), States: t.clientSt},
		{Name: t.lane(t.tuple.Remote.Addr), States: t.serverSt},
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
