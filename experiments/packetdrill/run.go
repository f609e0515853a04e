package packetdrill

import (
	"errors"
	"fmt"
	"os"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// Options configure a run.
type Options struct {
	// Profile is the endpoint profile the host runs ("rfc9293" when empty).
	Profile string
	// Defines are the names #ifdef tests (the -D flags).
	Defines []string
	// Set are "Field=value" overrides of the profile's endpoint.Config
	// fields, applied before the script starts (see ApplySet).
	Set []string
	// RemoteISN is the ISN the script's peer uses; relative sequence
	// numbers in "<" lines are offset by it. Zero picks 1000000.
	RemoteISN uint32
	// Observer, if set, sees every segment and state change of the host (a
	// pcap writer, say).
	Observer endpoint.Observer
}

// The addresses and ports of the simulated pair, as packetdrill's defaults:
// the host under test at 192.168.0.1, the script's peer at 192.0.2.1,
// bind() and connect() using port 8080, and the peer's own port for
// connections it opens.
var (
	localAddr  = endpoint.AddrFrom4(192, 168, 0, 1)
	remoteAddr = endpoint.AddrFrom4(192, 0, 2, 1)
)

const (
	defaultPort    = 8080
	peerPort       = 53000
	defaultTol     = 4 * time.Millisecond
	defaultISN     = 1000000
	maxScriptTime  = 24 * time.Hour
	maxAnyWait     = 10 * time.Minute
	maxBlockedWait = 10 * time.Minute
)

// verdict ends a script early: a failure or a skip.
type verdict struct {
	outcome Outcome
	kind    string
	reason  string
}

// Error returns the reason.
func (v *verdict) Error() string { return v.reason }

func failf(format string, args ...any) error {
	return &verdict{outcome: Fail, reason: fmt.Sprintf(format, args...)}
}

func skipf(kind, format string, args ...any) error {
	return &verdict{outcome: Skip, kind: kind, reason: fmt.Sprintf(format, args...)}
}

// RunFile reads, parses and runs the script at path. The error is non-nil
// only when the file cannot be read; every other problem is in the Result.
func RunFile(path string, opts Options) (Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Result{Script: path}, err
	}
	r := RunSource(string(b), opts)
	r.Script = path
	return r, nil
}

// RunSource parses and runs a script given as text. A syntax error fails
// the script at its line.
func RunSource(src string, opts Options) Result {
	s, err := Parse(src, opts.Defines)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return Result{Outcome: Fail, Line: se.Line, Reason: "syntax: " + se.Msg}
		}
		return Result{Outcome: Fail, Reason: err.Error()}
	}
	return Run(s, opts)
}

// Run runs a parsed script against a fresh simulated host.
func Run(s *Script, opts Options) Result {
	res := Result{Script: s.Path}
	r, err := newRunner(s, opts)
	if err == nil {
		err = r.run()
	}
	res.Warnings = r.warnings
	if err != nil {
		var v *verdict
		if !errors.As(err, &v) {
			v = &verdict{outcome: Fail, reason: err.Error()}
		}
		res.Outcome, res.Kind, res.Reason, res.Line = v.outcome, v.kind, v.reason, r.line
	}
	return res
}

// sent is a segment the host transmitted, with its time.
type sent struct {
	at  engine.Time
	seg endpoint.Segment
}

// runner executes one script.
type runner struct {
	s      *Script
	opts   Options
	strict bool
	os     osFlavor

	sim *engine.Sim
	st  *endpoint.Stack
	cfg endpoint.Config
	tol time.Duration

	out      []sent
	stopOnTx bool

	// line is the script line being executed, for the verdict.
	line int
	// last is the actual time of the previous event, the origin of
	// relative times.
	last engine.Time

	localISN  endpoint.Seq
	isnKnown  bool
	remoteISN endpoint.Seq
	peerInc   endpoint.Incarnation
	// tsOff maps the script's TS values of ">" lines to the host's.
	tsOff   uint32
	tsKnown bool

	socks   map[int]*sock
	conns   map[endpoint.Incarnation]*connState
	allConn []endpoint.Conn
	// cur is the socket under test: the one inbound packets are addressed
	// to, %{ }% asserts look at.
	cur *sock
	// lport and rport are the host's and the peer's ports for "<" lines.
	lport, rport uint16
	mss          uint16

	block     *blocked
	blockWake bool
	warnings  []string
}

func newRunner(s *Script, opts Options) (*runner, error) {
	r := &runner{s: s, opts: opts, tol: defaultTol, socks: map[int]*sock{}, conns: map[endpoint.Incarnation]*connState{}}
	name := opts.Profile
	if name == "" {
		name = "rfc9293"
	}
	cfg, err := endpoint.Profile(name)
	if err != nil {
		return r, err
	}
	r.strict = name != "rfc9293"
	r.os = flavorOf(name)
	r.mss = cfg.MSS
	if err := ApplySet(&cfg, opts.Set); err != nil {
		return r, err
	}
	for _, f := range s.Flags {
		r.line = f.Line
		if err := r.headerFlag(f, &cfg); err != nil {
			return r, err
		}
	}
	r.line = 0
	r.cfg = cfg
	r.sim = engine.New()
	r.sim.SetEventLimit(10_000_000)
	ids := endpoint.NewIDs()
	r.peerInc = ids.Next()
	st, err := endpoint.NewStack(r.sim, localAddr, cfg, engine.NewStreams(1, 0).Rand("packetdrill/host"), ids, r)
	if err != nil {
		return r, err
	}
	if opts.Observer != nil {
		st.SetObserver(opts.Observer)
	}
	r.st = st
	r.remoteISN = defaultISN
	if opts.RemoteISN != 0 {
		r.remoteISN = endpoint.Seq(opts.RemoteISN)
	}
	r.lport, r.rport = defaultPort, peerPort
	return r, nil
}

// headerFlag applies one "--name=value" line.
func (r *runner) headerFlag(f Flag, cfg *endpoint.Config) error {
	switch f.Name {
	case "ip_version":
		if f.Value != "ipv4" {
			return skipf("ipv6", "--ip_version=%s: only IPv4 is simulated", f.Value)
		}
	case "tolerance_usecs":
		var us int64
		if _, err := fmt.Sscan(f.Value, &us); err != nil || us < 0 {
			return failf("--tolerance_usecs=%s: not a number of microseconds", f.Value)
		}
		r.tol = time.Duration(us) * time.Microsecond
	case "mtu":
		var mtu int
		if _, err := fmt.Sscan(f.Value, &mtu); err != nil || mtu < 41 || mtu > 65535 {
			return failf("--mtu=%s: not an MTU", f.Value)
		}
		// The MSS a host advertises is its interface MTU less the IPv4
		// and TCP headers (RFC 9293 §3.7.1, RFC 879).
		cfg.MSS = uint16(mtu - 40)
		r.mss = cfg.MSS
	default:
		r.warnings = append(r.warnings, fmt.Sprintf("line %d: unknown flag --%s ignored", f.Line, f.Name))
	}
	return nil
}

// Transmit receives every segment the host sends.
func (r *runner) Transmit(src, dst endpoint.Addr, seg *endpoint.Segment) {
	r.out = append(r.out, sent{at: r.sim.Now(), seg: *seg})
	if r.stopOnTx {
		r.sim.Stop()
	}
}

func (r *runner) run() error {
	for i := range r.s.Events {
		ev := &r.s.Events[i]
		r.line = ev.Line
		if err := r.event(ev); err != nil {
			return err
		}
	}
	r.line = 0
	if r.block != nil {
		return r.finishBlocked(engine.Time(maxBlockedWait) + r.sim.Now())
	}
	return nil
}

// target returns the script time of ev (ok false for "*").
func (r *runner) target(t Time) (at, end engine.Time, ok bool) {
	var base engine.Time
	switch t.Kind {
	case Any:
		return 0, 0, false
	case Relative:
		base = r.last
	}
	at = base.Add(t.At)
	end = at
	if t.Range {
		end = base.Add(t.End)
	}
	return at, end, true
}

func (r *runner) event(ev *Event) error {
	at, end, timed := r.target(ev.Time)
	if timed && at > engine.Time(maxScriptTime) {
		return skipf("time", "event at %v is beyond the %v a run simulates", at, maxScriptTime)
	}
	if ev.Kind == PacketEvent && ev.Packet.Dir == Outbound {
		return r.expectOutbound(ev, at, end, timed)
	}
	if !timed {
		at = r.sim.Now()
		end = at
	}
	// An action runs at its time; a late start is only possible after an
	// outbound packet that came within tolerance but after it.
	if at < r.sim.Now() {
		if r.sim.Now().Sub(end) > r.tol {
			return failf("%s at %s: the previous event ended at %s", describe(ev), fmtTime(at), fmtTime(r.sim.Now()))
		}
		at = r.sim.Now()
	}
	if err := r.advance(at); err != nil {
		return err
	}
	r.last = at
	switch ev.Kind {
	case PacketEvent:
		return r.inject(ev.Packet)
	case CallEvent:
		return r.call(ev)
	case ShellEvent:
		return r.shell(ev.Text)
	}
	return r.code(ev.Text)
}

// advance runs the simulation up to t, finishing a blocked call that
// returns meanwhile.
func (r *runner) advance(t engine.Time) error {
	for {
		if r.block != nil {
			if err := r.pollBlocked(); err != nil {
				return err
			}
		}
		if r.block == nil {
			r.sim.RunUntil(t)
			return nil
		}
		r.stopOnTx = false
		r.blockWake = true
		reason := r.sim.RunUntil(t)
		r.blockWake = false
		if reason != engine.Stopped {
			if err := r.pollBlocked(); err != nil {
				return err
			}
			return nil
		}
	}
}

func describe(ev *Event) string {
	switch ev.Kind {
	case PacketEvent:
		return "packet " + ev.Packet.String()
	case CallEvent:
		return ev.Call.Name + "()"
	case ShellEvent:
		return "command `" + ev.Text + "`"
	}
	return "code block"
}

// fmtTime writes a simulated time as packetdrill does, in seconds with
// microseconds: "1.100000".
func fmtTime(t engine.Time) string {
	us := int64(t) / 1000
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// expectOutbound waits for the host's next segment and compares it with
// the ">" line.
func (r *runner) expectOutbound(ev *Event, at, end engine.Time, timed bool) error {
	deadline := r.sim.Now().Add(maxAnyWait)
	if timed {
		deadline = end.Add(r.tol)
	}
	for len(r.out) == 0 && r.sim.Now() < deadline {
		if r.block != nil {
			if err := r.pollBlocked(); err != nil {
				return err
			}
		}
		r.stopOnTx = true
		r.blockWake = r.block != nil
		reason := r.sim.RunUntil(deadline)
		r.stopOnTx, r.blockWake = false, false
		if reason == engine.EventLimit {
			return failf("the host ran away (event limit) while waiting for %s", ev.Packet)
		}
	}
	if len(r.out) == 0 {
		if timed {
			return failf("expected %s at %s, got nothing by %s", ev.Packet, fmtTime(at), fmtTime(deadline))
		}
		return failf("expected %s, got nothing within %v", ev.Packet, maxAnyWait)
	}
	got := r.out[0]
	r.out = r.out[1:]
	if err := r.match(ev.Packet, got); err != nil {
		return err
	}
	if timed && (got.at < at.Add(-r.tol) || got.at > end.Add(r.tol)) {
		want := fmtTime(at)
		if end != at {
			want += "~" + fmtTime(end)
		}
		return failf("timing: expected %s at %s, got it at %s (tolerance %v)", ev.Packet, want, fmtTime(got.at), r.tol)
	}
	r.last = got.at
	return nil
}
