package topology

import (
	"errors"
	"fmt"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/link"
)

// Packet is an IPv4 datagram carrying one TCP segment.
type Packet struct {
	Src, Dst endpoint.Addr
	Seg      endpoint.Segment
}

// IPHeaderSize is the IPv4 header tcpsim puts on every segment (no options).
const IPHeaderSize = 20

// WireSize returns the datagram's size: IPv4 header plus TCP segment.
func (p Packet) WireSize() int { return IPHeaderSize + p.Seg.WireSize() }

// Counters count what the network layer did with packets, over all hosts.
type Counters struct {
	// NoRoute counts packets dropped because no route leads to their
	// destination.
	NoRoute uint64
	// HostDown counts packets dropped because the host sending, forwarding
	// or receiving them was crashed.
	HostDown uint64
	// Corrupted counts corrupted packets discarded at the next hop.
	Corrupted uint64
	// Forwarded counts packets a host passed on toward another host.
	Forwarded uint64
}

// Network is a set of hosts, the links between them and the routes over
// those links. It belongs to one simulation.
type Network struct {
	sim       *engine.Sim
	streams   engine.Streams
	ids       *endpoint.IDs
	hosts     []*Host
	byName    map[string]*Host
	byAddr    map[endpoint.Addr]*Host
	links     []*Link
	linkNames map[string]bool
	// routes are the topology's shared routes; toward[j] caches the next
	// hops toward host j (nil until a packet first travels toward j).
	routes *routeTable
	toward [][]int32
	routed bool
	ctr    Counters
	tap    Tap
	// tapped holds the packets handed to the tap, one per nesting level (a
	// tap may inject a packet whose answer passes the tap again). Each is
	// allocated once, so that the tap's pointer costs no allocation per
	// packet and stays valid while deeper levels run.
	tapped []*Packet
	depth  int
}

// Tap sees every packet a host's stack sends, before it enters the
// network, and may change it or drop it (by returning false). Experiments
// use it to drop or replay chosen segments. Forwarded packets do not pass
// the tap.
type Tap func(now engine.Time, from *Host, p *Packet) (keep bool)

// SetTap installs t (nil removes it; without a tap sending costs nothing
// extra).
func (n *Network) SetTap(t Tap) { n.tap = t }

// Inject hands p to its destination host at once, as if it had just
// arrived there, bypassing links: a replayed old segment, say. It reports
// whether the destination exists and is up.
func (n *Network) Inject(p Packet) bool {
	h := n.byAddr[p.Dst]
	if h == nil || !h.up {
		n.ctr.HostDown++
		return false
	}
	h.Stack.Deliver(p.Src, p.Dst, &p.Seg)
	return true
}

// New returns an empty network. streams seeds every random component: host
// h's TCP draws from "host/NAME/tcp", link NAME's from "link/NAME/...".
func New(sim *engine.Sim, streams engine.Streams) *Network {
	return &Network{
		sim: sim, streams: streams, ids: endpoint.NewIDs(),
		byName: map[string]*Host{}, byAddr: map[endpoint.Addr]*Host{}, linkNames: map[string]bool{},
	}
}

// Sim returns the simulation the network belongs to.
func (n *Network) Sim() *engine.Sim { return n.sim }

// Hosts returns the hosts in the order they were added.
func (n *Network) Hosts() []*Host { return n.hosts }

// Links returns the links in the order they were added.
func (n *Network) Links() []*Link { return n.links }

// Host returns the host with the given name, or nil.
func (n *Network) Host(name string) *Host { return n.byName[name] }

// HostAt returns the host with the given address, or nil.
func (n *Network) HostAt(a endpoint.Addr) *Host { return n.byAddr[a] }

// Counters returns the network layer's counters.
func (n *Network) Counters() Counters { return n.ctr }

// AddHost adds a host with a TCP stack configured by cfg.
func (n *Network) AddHost(name string, addr endpoint.Addr, cfg endpoint.Config) (*Host, error) {
	if name == "" {
		return nil, errors.New("topology: a host needs a name")
	}
	if _, dup := n.byName[name]; dup {
		return nil, fmt.Errorf("topology: two hosts named %q", name)
	}
	if other, dup := n.byAddr[addr]; dup {
		return nil, fmt.Errorf("topology: hosts %q and %q both have address %v", other.Name, name, addr)
	}
	h := &Host{Name: name, Addr: addr, net: n, index: len(n.hosts), up: true}
	st, err := endpoint.NewStack(n.sim, addr, cfg, n.streams.Rand("host/"+name+"/tcp"), n.ids, h)
	if err != nil {
		return nil, fmt.Errorf("topology: host %q: %w", name, err)
	}
	h.Stack = st
	n.hosts = append(n.hosts, h)
	n.byName[name] = h
	n.byAddr[addr] = h
	n.routed = false
	return h, nil
}

// Connect adds a one-way link from a to b. Its name must be unique; its
// random streams are "link/NAME/...".
func (n *Network) Connect(name string, from, to *Host, cfg link.Config) (*Link, error) {
	if n.linkNames[name] {
		return nil, fmt.Errorf("topology: two links named %q", name)
	}
	if from == to {
		return nil, fmt.Errorf("topology: link %q connects host %q to itself", name, from.Name)
	}
	lk := &Link{Name: name, From: from, To: to}
	l, err := link.New[Packet](n.sim, n.streams, "link/"+name, cfg, (*arrival)(lk))
	if err != nil {
		return nil, fmt.Errorf("topology: link %q: %w", name, err)
	}
	lk.Link = l
	n.links = append(n.links, lk)
	n.linkNames[name] = true
	n.routed = false
	return lk, nil
}

// Link is a one-way link between two hosts.
type Link struct {
	Name     string
	From, To *Host
	*link.Link[Packet]
}

// arrival is a Link's receiving end: the host it leads to.
type arrival Link

// Receive implements link.Receiver: a packet reached l.To.
func (a *arrival) Receive(now engine.Time, p *Packet, corrupt bool) {
	h := a.To
	n := h.net
	switch {
	case !h.up:
		n.ctr.HostDown++
	case corrupt:
		n.ctr.Corrupted++
		h.Stack.Drop(p.Src, &p.Seg, endpoint.NoteChecksum)
	case p.Dst == h.Addr:
		h.Stack.Deliver(p.Src, p.Dst, &p.Seg)
	default:
		n.ctr.Forwarded++
		n.forward(h, p)
	}
}

// forward sends *p from host h on its next hop toward p.Dst. The link
// copies the packet; forward does not modify it.
func (n *Network) forward(h *Host, p *Packet) {
	if !n.routed {
		panic("topology: packets sent before ComputeRoutes")
	}
	dst := n.byAddr[p.Dst]
	if dst == nil {
		n.ctr.NoRoute++
		return
	}
	i := n.nextHops(dst.index)[h.index]
	if i < 0 {
		n.ctr.NoRoute++
		return
	}
	n.links[i].Send(p)
}
