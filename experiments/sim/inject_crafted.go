package sim

import (
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/topology"
)

// setupCrafted prepares crafted-segment injection i: its workload keeps
// its connection records, and the injection is scheduled at its time or,
// with after_state, when the receiving end first enters that state.
func (in *injector) setupCrafted(i uint64, c *config.Crafted) {
	for _, w := range in.workloads {
		if w.spec.Name == c.Workload {
			w.keepRecords = true
			w.col.keepRecords = true
		}
	}
	if c.AfterState == "" {
		in.sim.Schedule(engine.FromDuration(time.Duration(c.At)), in.id, i<<3|injCraft)
		return
	}
	want, _ := endpoint.ParseState(c.AfterState)
	fired := false
	prev := in.col.stateHook
	in.col.stateHook = func(r *connRecord, inc endpoint.Incarnation, to endpoint.State, now engine.Time) {
		if prev != nil {
			prev(r, inc, to, now)
		}
		if fired || to != want || r.w.spec.Name != c.Workload || r.ordinal != int(c.Conn) {
			return
		}
		if c.To == "client" && inc == r.client || c.To == "server" && inc == r.server {
			fired = true
			in.sim.Schedule(now.Add(time.Duration(c.At)), in.id, i<<3|injCraft)
		}
	}
}

// craft builds crafted segment i from the receiving end's state now and
// delivers it there, as if it came from the connection's other end.
func (in *injector) craft(now engine.Time, i uint64) {
	c := in.specs[i].Segment
	var r *connRecord
	for _, w := range in.workloads {
		if w.spec.Name == c.Workload {
			r = w.record(int(c.Conn))
		}
	}
	if r == nil || r.client == 0 {
		return // the connection was never opened
	}
	recv, src, dst := r.srvConn, r.tuple.Local, r.tuple.Remote
	if c.To == "client" {
		recv, src, dst = r.conn, r.tuple.Remote, r.tuple.Local
	}
	st, ok := recv.Status()
	if !ok {
		in.tell(now, dst.Addr, i, "no live connection to deliver to")
		return
	}
	vars := func(name string) uint32 {
		switch name {
		case "rcv_nxt":
			return uint32(st.RcvNxt)
		case "rcv_wnd":
			return st.RecvWindow
		case "snd_una":
			return uint32(st.SndUna)
		case "snd_nxt":
			return uint32(st.SndNxt)
		case "snd_wnd":
			return st.SendWindow
		case "iss":
			return uint32(st.ISS)
		}
		return uint32(st.IRS)
	}
	seg := endpoint.Segment{SrcPort: src.Port, DstPort: dst.Port,
		Seq: endpoint.Seq(c.Seq.Eval(vars)), Window: uint16(min(c.Window, 65535)), Len: uint32(c.Len)}
	for _, f := range [...]struct {
		on   bool
		flag endpoint.Flags
	}{{c.Flags.SYN, endpoint.SYN}, {c.Flags.ACK, endpoint.ACK}, {c.Flags.FIN, endpoint.FIN},
		{c.Flags.RST, endpoint.RST}, {c.Flags.PSH, endpoint.PSH}, {c.Flags.URG, endpoint.URG}} {
		if f.on {
			seg.Flags |= f.flag
		}
	}
	if c.Flags.ACK {
		seg.Ack = endpoint.Seq(c.Ack.Eval(vars))
	}
	in.tell(now, dst.Addr, i, "crafted %s seq %d ack %d len %d", seg.Flags, seg.Seq, seg.Ack, seg.Len)
	in.net.Inject(topology.Packet{Src: src.Addr, Dst: dst.Addr, Seg: seg})
}
