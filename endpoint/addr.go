package endpoint

import (
	"strconv"
)

// Addr is a host's IPv4 address.
type Addr uint32

// AddrFrom4 returns the address a.b.c.d.
func AddrFrom4(a, b, c, d byte) Addr {
	return Addr(a)<<24 | Addr(b)<<16 | Addr(c)<<8 | Addr(d)
}

// String formats the address in dotted-quad form, such as "10.0.0.1".
func (a Addr) String() string {
	var b []byte
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(byte(a>>(8*i))), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// Endpoint is an address and port: one end of a connection (RFC 9293's
// "socket").
type Endpoint struct {
	Addr Addr
	Port uint16
}

// String formats the endpoint as "10.0.0.1:80".
func (e Endpoint) String() string {
	return e.Addr.String() + ":" + strconv.Itoa(int(e.Port))
}

// ConnID names a connection from one host's point of view: its 4-tuple and
// the incarnation of the TCB that held it.
type ConnID struct {
	Local, Remote Endpoint
	// Incarnation is this TCB's unique identity.
	Incarnation Incarnation
	// Peer is the incarnation of the remote TCB, learned from the SYN or
	// SYN-ACK that synchronized this one; 0 until then.
	Peer Incarnation
}

// String formats the connection as "10.0.0.1:80-10.0.0.2:40000#7".
func (c ConnID) String() string {
	return c.Local.String() + "-" + c.Remote.String() + "#" + strconv.FormatUint(uint64(c.Incarnation), 10)
}

// tupleKey packs the part of a 4-tuple that varies on one host (local port,
// remote address, remote port) into a table key, the local port in the low
// bits: the keys of a client opening connection after connection to one
// server port then differ by one, and engine.IDTable keeps four of them in
// one cache line.
func tupleKey(lport uint16, raddr Addr, rport uint16) uint64 {
	return uint64(raddr)<<32 | uint64(rport)<<16 | uint64(lport)
}

func keyParts(k uint64) (lport uint16, raddr Addr, rport uint16) {
	return uint16(k), Addr(k >> 32), uint16(k >> 16)
}

// Incarnation identifies one TCB for the whole simulation: every TCB created
// by any stack of a Sim gets a distinct value from the shared IDs. Zero means
// "no TCB" (a reset generated in the CLOSED state, or a peer not yet known).
type Incarnation uint64

// IDs allocates incarnations. One IDs is shared by all the stacks of one
// simulation; it is not safe for concurrent use (a simulation is
// single-threaded).
type IDs struct{ last uint64 }

// NewIDs returns an allocator whose first incarnation is 1.
func NewIDs() *IDs { return &IDs{} }

// Next returns a fresh incarnation.
func (ids *IDs) Next() Incarnation {
	ids.last++
	return Incarnation(ids.last)
}
