package link

import (
	"fmt"

	"tcpsim/engine"
)

// Fate is what happened to a packet at one point of the pipeline.
type Fate uint8

// The fates an Observer sees. A packet offered to a link gets exactly one of
// QueueDropped, DownDropped or Sent when it is offered; a Sent packet (and
// each copy, announced by Duplicated) then gets exactly one of Lost (at once),
// DownDropped, Delivered or Corrupted (at its arrival time).
const (
	// Sent: the packet passed the queue and will be (or was) serialized;
	// Record.Arrival says when it will reach the far end unless lost.
	Sent Fate = iota + 1
	// QueueDropped: the FIFO was full (drop-tail).
	QueueDropped
	// DownDropped: the link was down when the packet was offered or when it
	// would have arrived.
	DownDropped
	// Lost: the loss model or the scripted drop list removed the packet.
	Lost
	// Duplicated: the link made a copy of a Sent packet; the Record
	// describes the copy (Copy is true) and its planned Arrival.
	Duplicated
	// Delivered: handed to the receiver intact.
	Delivered
	// Corrupted: handed to the receiver flagged as failing its checksum.
	Corrupted
)

var fateNames = [...]string{
	Sent:         "sent",
	QueueDropped: "queue-dropped",
	DownDropped:  "down-dropped",
	Lost:         "lost",
	Duplicated:   "duplicated",
	Delivered:    "delivered",
	Corrupted:    "corrupted",
}

// String returns the fate's name as traces print it, such as "queue-dropped".
func (f Fate) String() string {
	if int(f) < len(fateNames) && fateNames[f] != "" {
		return fateNames[f]
	}
	return fmt.Sprintf("Fate(%d)", uint8(f))
}

// Record is one fate of one packet, as an Observer sees it.
type Record struct {
	Fate Fate
	// At is when the fate was decided: the send time for QueueDropped,
	// Sent, Duplicated and Lost (and DownDropped at send), the arrival time
	// for Delivered, Corrupted and DownDropped at arrival.
	At engine.Time
	// Arrival is when the packet reaches (for Lost: would have reached) the
	// far end; it equals At for fates decided on arrival and for drops at
	// send.
	Arrival engine.Time
	// Seq is the packet's 0-based index among the packets offered to this
	// link. A copy carries its original's Seq.
	Seq uint64
	// Size is the packet's WireSize.
	Size int
	// Copy marks a duplicate made by the link. The receiver never sees
	// this flag; it is for traces and metrics.
	Copy bool
	// Reordered marks a packet that the reordering stage took out of FIFO
	// order (an extra delay, or netem's gap form).
	Reordered bool
	// Scripted marks a Lost packet removed by the drop list rather than by
	// the loss model.
	Scripted bool
}

// Observer sees the fate of every packet of a link, in the order the fates
// are decided. A link without an observer pays one nil check per fate.
// Observe must not call Send on the link it observes.
type Observer[P Packet] interface {
	Observe(r Record, p P)
}

// Counters are a link's running totals. Copies count like packets once made:
//
//	Offered + Duplicated == QueueDrops + DownDrops + Lost + Corrupted + Delivered + InFlight
type Counters struct {
	Offered      uint64 // packets given to Send
	OfferedBytes uint64 // their WireSize total
	QueueDrops   uint64 // dropped because the FIFO was full
	DownDrops    uint64 // dropped because the link was down at send or arrival
	Lost         uint64 // removed by the loss model or the drop list (copies included)
	ScriptDrops  uint64 // the part of Lost due to the drop list
	Reordered    uint64 // packets the reordering stage took out of FIFO order
	Duplicated   uint64 // copies made
	Corrupted    uint64 // handed to the receiver flagged corrupt (copies included)
	Delivered    uint64 // handed to the receiver intact (copies included)
	// DeliveredCopies is the part of Delivered that were copies.
	DeliveredCopies uint64
	// DeliveredBytes is the WireSize total of Delivered packets.
	DeliveredBytes uint64
	// InFlight is the number of packets and copies scheduled to arrive.
	InFlight uint64
}
