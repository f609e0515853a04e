package link

import "tcpsim/engine"

// Packet is anything a link can carry: it only has to say how many bytes it
// occupies on the wire (headers included). Serialization time and the byte
// limit of the queue use this size; the per-packet overhead of Config is
// added for serialization only.
//
// Packets are values, passed by pointer. The link copies a packet into its
// own slab while it is in flight and hands the receiver a pointer to that
// copy, so a packet type should be a small struct (addresses plus a TCP
// segment, say).
type Packet interface {
	WireSize() int
}

// Receiver is the far end of a link. Receive is called once per packet that
// arrives, at its arrival time. A corrupt packet is one whose bits were
// damaged on the way: the receiver must treat it as failing its checksum
// and discard it (and may count it). Copies made by the link's duplication
// stage arrive as ordinary packets: the receiver cannot tell them apart.
// The packet is the link's copy and valid only during the call: the
// receiver must not modify it, and copies it to keep it.
type Receiver[P Packet] interface {
	Receive(now engine.Time, p *P, corrupt bool)
}

// ReceiverFunc adapts a function to Receiver.
type ReceiverFunc[P Packet] func(now engine.Time, p *P, corrupt bool)

// Receive calls f(now, p, corrupt).
func (f ReceiverFunc[P]) Receive(now engine.Time, p *P, corrupt bool) { f(now, p, corrupt) }
