package topology

import (
	"tcpsim/endpoint"
)

// Host is a node with an address and a TCP stack. It also forwards packets
// for others.
type Host struct {
	Name  string
	Addr  endpoint.Addr
	Stack *endpoint.Stack
	net   *Network
	index int
	up    bool
	// crashes counts Crash calls, for reports.
	crashes int
}

// Transmit implements endpoint.Output: the stack sends a segment.
func (h *Host) Transmit(src, dst endpoint.Addr, seg *endpoint.Segment) {
	if !h.up {
		h.net.ctr.HostDown++
		return
	}
	n := h.net
	if n.tap == nil {
		p := Packet{Src: src, Dst: dst, Seg: *seg}
		n.forward(h, &p)
		return
	}
	if n.depth == len(n.tapped) {
		n.tapped = append(n.tapped, new(Packet))
	}
	buf := n.tapped[n.depth]
	*buf = Packet{Src: src, Dst: dst, Seg: *seg}
	n.depth++
	if n.tap(n.sim.Now(), h, buf) {
		n.forward(h, buf) // buf is ours until depth drops
	}
	n.depth--
}

// Up reports whether the host is running.
func (h *Host) Up() bool { return h.up }

// Crashes returns how many times the host crashed.
func (h *Host) Crashes() int { return h.crashes }

// Crash stops the host: every TCB and listener vanishes without a segment
// sent, and until Reboot the host drops whatever reaches it and sends
// nothing. Crashing a crashed host does nothing.
func (h *Host) Crash() {
	if !h.up {
		return
	}
	h.up = false
	h.crashes++
	h.Stack.Crash()
}

// Reboot starts a crashed host again with an empty connection table. Its
// applications must listen again. The stack keeps its ISN clock, as RFC
// 9293 §3.4.1 assumes a host does across a crash (it is what makes the
// quiet time unnecessary in practice).
func (h *Host) Reboot() { h.up = true }
