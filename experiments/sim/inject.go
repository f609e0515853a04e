package sim

import (
	"fmt"
	"strings"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/topology"
)

// Scheduled injection actions; an event's arg is index<<3 | action, where
// index is the injection's position (or a replay slot). Actions start at 1,
// so that "| action" always sets a bit (it added nothing for a crash at 0).
const (
	injCrash = iota + 1
	injReboot
	injLinkDown
	injLinkUp
	injReplay
	injCraft
)

// injector carries out an experiment's injections: it drops or replays
// matching segments as they leave a host (through the network's tap), and
// crashes hosts and takes links down on schedule.
type injector struct {
	net       *topology.Network
	sim       *engine.Sim
	col       *collector
	specs     []config.Injection
	workloads []*workload
	id        engine.HandlerID
	matches   []int // matching segments seen so far, per injection
	replays   []topology.Packet
	free      []uint64
	// note, if set, is told of each injection as it acts, with the host
	// it acts at (a trace prints it there).
	note func(now engine.Time, at endpoint.Addr, msg string)
}

// tell reports what injection i did, at host addr.
func (in *injector) tell(now engine.Time, at endpoint.Addr, i uint64, format string, a ...any) {
	if in.note != nil {
		in.note(now, at, "injection "+in.specs[i].Name+": "+fmt.Sprintf(format, a...))
	}
}

func newInjector(net *topology.Network, col *collector, specs []config.Injection, ws []*workload) *injector {
	in := &injector{net: net, sim: net.Sim(), col: col, specs: specs, workloads: ws, matches: make([]int, len(specs))}
	in.id = in.sim.Register(in)
	tapped := false
	for i, s := range specs {
		switch {
		case s.Crash != nil:
			in.sim.Schedule(engine.FromDuration(time.Duration(s.Crash.At)), in.id, uint64(i)<<3|injCrash)
			switch {
			case s.Crash.Reboot != nil:
				in.sim.Schedule(engine.FromDuration(time.Duration(s.Crash.At+*s.Crash.Reboot)), in.id, uint64(i)<<3|injReboot)
			case s.Crash.RebootAt != nil:
				in.sim.Schedule(engine.FromDuration(time.Duration(*s.Crash.RebootAt)), in.id, uint64(i)<<3|injReboot)
			}
		case s.Segment != nil:
			in.setupCrafted(uint64(i), s.Segment)
		case s.Link != nil:
			in.sim.Schedule(engine.FromDuration(time.Duration(s.Link.Down)), in.id, uint64(i)<<3|injLinkDown)
			if s.Link.Up > s.Link.Down {
				in.sim.Schedule(engine.FromDuration(time.Duration(s.Link.Up)), in.id, uint64(i)<<3|injLinkUp)
			}
		default:
			tapped = true
		}
	}
	if tapped {
		net.SetTap(in.tap)
	}
	return in
}

// HandleEvent implements engine.Handler.
func (in *injector) HandleEvent(now engine.Time, arg uint64) {
	i, act := arg>>3, arg&7
	switch act {
	case injCrash:
		h := in.net.Host(in.specs[i].Crash.Host)
		in.tell(now, h.Addr, i, "host %s crashes", h.Name)
		h.Crash()
	case injReboot:
		h := in.net.Host(in.specs[i].Crash.Host)
		in.tell(now, h.Addr, i, "host %s reboots", h.Name)
		h.Reboot()
		for _, w := range in.workloads {
			if w.server == h {
				w.listen() // the server application starts again
			}
		}
	case injLinkDown, injLinkUp:
		name := in.specs[i].Link.Name
		for _, l := range in.net.Links() {
			if strings.HasPrefix(l.Name, name+"/") {
				l.SetUp(act == injLinkUp)
				if act == injLinkUp {
					in.tell(now, l.From.Addr, i, "link %s up", l.Name)
				} else {
					in.tell(now, l.From.Addr, i, "link %s down", l.Name)
				}
			}
		}
	case injCraft:
		in.craft(now, i)
	case injReplay:
		p := in.replays[i]
		in.replays[i] = topology.Packet{}
		in.free = append(in.free, i)
		in.net.Inject(p)
	}
}

// tap is the network tap: it applies drop and replay injections to a
// segment leaving a host.
func (in *injector) tap(now engine.Time, _ *topology.Host, p *topology.Packet) bool {
	keep := true
	for i := range in.specs {
		s := &in.specs[i]
		var m *config.Match
		switch {
		case s.Drop != nil:
			m = &s.Drop.Match
		case s.Replay != nil:
			m = &s.Replay.Match
		default:
			continue
		}
		if !in.selects(m, p) {
			continue
		}
		in.matches[i]++
		if !m.Every && in.matches[i] != int(m.Ordinal) {
			continue
		}
		if s.Drop != nil {
			keep = false
			in.tell(now, p.Src, uint64(i), "dropped this segment")
			continue
		}
		r := s.Replay
		in.tell(now, p.Src, uint64(i), "%d replay(s) of this segment, the first %s later", r.Copies, time.Duration(r.Delay))
		for k := range int(r.Copies) {
			c := *p
			c.Seg.Replay = true
			d := time.Duration(r.Delay) + time.Duration(k)*time.Duration(r.Spacing)
			in.sim.Schedule(now.Add(d), in.id, in.slot(c)<<3|injReplay)
		}
	}
	return keep
}

func (in *injector) slot(p topology.Packet) uint64 {
	if n := len(in.free); n > 0 {
		s := in.free[n-1]
		in.free = in.free[:n-1]
		in.replays[s] = p
		return s
	}
	in.replays = append(in.replays, p)
	return uint64(len(in.replays) - 1)
}

// selects reports whether m selects the segment p carries.
func (in *injector) selects(m *config.Match, p *topology.Packet) bool {
	f := p.Seg.Flags
	for _, b := range [...]struct {
		want bool
		flag endpoint.Flags
	}{{m.Flags.SYN, endpoint.SYN}, {m.Flags.ACK, endpoint.ACK}, {m.Flags.FIN, endpoint.FIN}, {m.Flags.RST, endpoint.RST}} {
		if b.want != f.Has(b.flag) {
			return false
		}
	}
	if m.Flags.PSH && !f.Has(endpoint.PSH) || m.Flags.URG && !f.Has(endpoint.URG) {
		return false
	}
	r := in.col.recs.get(p.Seg.Origin)
	if r == nil {
		return m.Workload == "" && m.Conn.Any() && m.Direction == "any"
	}
	if m.Workload != "" && r.w.spec.Name != m.Workload {
		return false
	}
	if !m.Conn.Any() && int64(r.ordinal) != m.Conn.N {
		return false
	}
	switch m.Direction {
	case "c2s":
		return p.Seg.Origin == r.client
	case "s2c":
		return p.Seg.Origin == r.server
	}
	return true
}
