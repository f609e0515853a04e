package tracing

import (
	"context"
	"errors"
	"fmt"
	"io"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/trace"
	"tcpsim/link"
	"tcpsim/plots"
	"tcpsim/topology"
)

// ErrTrace reports a request Trace cannot satisfy: a run index out of range,
// an unknown capture host, a connection that was never opened. Its text is
// the one it had in package experiments, so that tcpsim's messages stay
// the same.
var ErrTrace = errors.New("experiments: trace")

// TraceOptions say what Trace records of one run.
type TraceOptions struct {
	// Run is the run index K in sweep order: point K / replications,
	// replication K % replications (sim.Job).
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
	// AbsoluteSeq labels the ladder's segments with sequence and
	// acknowledgment numbers as on the wire, instead of relative to each
	// incarnation's ISN.
	AbsoluteSeq bool
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

// maxLadderSegments is the most segments a ladder diagram may hold; more
// would be unreadable.
const maxLadderSegments = 150

// Trace runs run opts.Run of e with tracing attached: the text trace and
// pcap at the capture host, the ladder's segments, and the run's state
// transition counts. The run is the same as in `tcpsim run`: same seed,
// same streams, same events.
func Trace(ctx context.Context, e *config.Experiment, opts TraceOptions) (*TraceResult, error) {
	j, err := sim.Job(e, opts.Run)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTrace, err)
	}
	pe := e.Points()[j.Point].Exp
	host := opts.Host
	if host == "" {
		if len(pe.Workloads) == 0 {
			return nil, fmt.Errorf("%w: the experiment has no workload; name a capture host", ErrTrace)
		}
		host = pe.Workloads[0].Server.Host
	}
	tr := newTracer(pe, opts)
	var pw *trace.PcapWriter
	if opts.Pcap != nil {
		if pw, err = trace.NewPcapWriter(opts.Pcap); err != nil {
			return nil, err
		}
	}
	var net *topology.Network
	var setupErr error
	watch := func(n *topology.Network) endpoint.Observer {
		net = n
		h := n.Host(host)
		if h == nil {
			setupErr = fmt.Errorf("%w: no host named %q", ErrTrace, host)
			return nil
		}
		tr.bind(n, h, pw, pe)
		for _, l := range n.Links() {
			l.SetObserver(&linkTap{tr: tr, l: l})
		}
		return tr
	}
	if _, err := sim.Run(ctx, pe, j, sim.Options{Watch: watch}); err != nil {
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
		if err := tr.lad.build(res, tr.opts.Start, tr.opts.End); err != nil {
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
	return r.LadderFigureWith(plots.LadderOptions{Title: title})
}

// LadderFigureWith draws the ladder diagram Trace collected with the given
// options; the window is the trace's.
func (r *TraceResult) LadderFigureWith(opt plots.LadderOptions) (*plots.Figure, error) {
	if len(r.Timelines) == 0 {
		return nil, fmt.Errorf("%w: no ladder was collected", ErrTrace)
	}
	opt.Start, opt.End = r.Window[0], r.Window[1]
	return plots.LadderDiagram(r.Timelines, r.Segments, opt)
}

// flight is a packet on the wire, from its send to its arrival or loss.
type flight struct {
	retx bool
	at   engine.Time // when it was sent (a copy: when the link made it)
	idx  int         // index in the ladder's segments, -1 if not on it
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

	// lad records the ladder; nil when none was asked for.
	lad *ladderRec
}

func newTracer(e *config.Experiment, opts TraceOptions) *tracer {
	t := &tracer{opts: opts, pending: map[topology.Packet][]flight{}, copies: map[topology.Packet][]flight{},
		copyNext: map[endpoint.Addr]bool{}}
	if opts.Text != nil {
		t.text = trace.NewText(opts.Text)
	}
	if opts.Ladder && opts.Conn == 0 && opts.Start == 0 && opts.End == 0 {
		t.opts.End = engine.Time(1<<63 - 1)
	}
	if opts.Ladder {
		t.lad = newLadderRec(t.opts)
		if len(e.Workloads) > 0 {
			t.lad.serverPort = e.Workloads[0].Server.Port
		}
	}
	return t
}

// bind attaches the tracer to the built network.
func (t *tracer) bind(n *topology.Network, capture *topology.Host, pw *trace.PcapWriter, e *config.Experiment) {
	t.capture, t.pcap = capture, pw
	l := t.lad
	if l == nil {
		return
	}
	l.client.addr, l.server.addr = ^endpoint.Addr(0), ^endpoint.Addr(0)
	if len(e.Workloads) == 0 {
		return
	}
	if c := n.Host(e.Workloads[0].Client); c != nil {
		l.client = hostRef{c.Name, c.Addr}
	}
	if s := n.Host(e.Workloads[0].Server.Host); s != nil {
		l.server = hostRef{s.Name, s.Addr}
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
	if t.lad != nil {
		t.lad.onState(e)
	}
}

// OnInjection prints what an injection did, when it acted at the capture
// host (or on a link leaving it).
func (t *tracer) OnInjection(now engine.Time, at endpoint.Addr, msg string) {
	if t.text != nil && at == t.capture.Addr {
		t.flushPending()
		t.text.Note(now, msg)
	}
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
		f := flight{retx: e.Note == endpoint.NoteRetransmit, at: e.Time, idx: -1}
		if l := t.lad; l != nil {
			l.sent(&p)
			if l.onLadder(&p, e.Time) {
				f.idx = l.add(&p, e.Time, f.retx, false)
			}
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
			f = flight{at: e.Time, idx: -1}
		}
		if l := t.lad; l != nil {
			if f.idx < 0 && l.onLadder(&p, e.Time) {
				// Sent before the ladder's connection existed (an old
				// duplicate held by a link), or injected.
				f.idx = l.add(&p, f.at, f.retx, isCopy)
			}
			if f.idx >= 0 {
				l.arrived(f.idx, &p, e.Time)
			}
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
		f := flight{at: r.At, idx: -1}
		if fs := t.pending[p]; len(fs) > 0 {
			f.retx = fs[len(fs)-1].retx
			if fs[len(fs)-1].idx >= 0 && t.lad != nil {
				f.idx = t.lad.add(&p, r.At, f.retx, true)
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
