package link

import "tcpsim/engine"

// The transmitter and its FIFO are computed, not simulated: a packet's
// serialization starts when the previous one's ends (or at once if the
// transmitter is idle), so the link knows each packet's departure as soon as
// the packet is offered and schedules a single event, its arrival. The FIFO
// is then the set of accepted packets whose serialization has not started
// yet; it is kept only when it has a limit, as a ring of their start times
// and sizes, trimmed at each offer.

// waiting is a packet in the FIFO: when its serialization will start, and
// its WireSize.
type waiting struct {
	start engine.Time
	size  int
}

// fifo is a ring buffer of waiting packets whose capacity doubles as needed,
// so it stops allocating once it has held its largest backlog.
type fifo struct {
	buf   []waiting // len is a power of two, or 0
	head  int
	n     int
	bytes int // total size of the waiting packets
}

func (q *fifo) push(w waiting) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = w
	q.n++
	q.bytes += w.size
}

func (q *fifo) grow() {
	buf := make([]waiting, max(16, 2*len(q.buf)))
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// trim removes the packets whose serialization has started by now. Starts
// are in FIFO order, so they are at the head.
func (q *fifo) trim(now engine.Time) {
	for q.n > 0 && q.buf[q.head].start <= now {
		q.bytes -= q.buf[q.head].size
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.n--
	}
}

// transmit serializes a packet of size bytes offered at now, if the FIFO
// admits it, and returns when its last bit leaves the transmitter.
//
// Serialization time is (size+Overhead)·8·10⁹/Rate ns. The remainder of the
// division is carried into the next packet of the same busy period, so
// back-to-back packets leave at exactly ⌊k·bits·10⁹/Rate⌋ and a saturated
// link carries exactly Rate bits per second, with no rounding drift.
func (l *Link[P]) transmit(now engine.Time, size int) (done engine.Time, ok bool) {
	if l.rate == 0 {
		return now, true
	}
	start := now
	if l.busyUntil >= now {
		start = l.busyUntil
	} else {
		l.carry = 0 // idle since busyUntil: a new busy period starts now
	}
	if l.limited {
		l.queue.trim(now)
		if start > now {
			if (l.limitPackets > 0 && l.queue.n+1 > l.limitPackets) ||
				(l.limitBytes > 0 && l.queue.bytes+size > l.limitBytes) {
				return 0, false
			}
			l.queue.push(waiting{start: start, size: size})
		}
	}
	bits := (int64(size)+l.overhead)*8e9 + l.carry
	l.busyUntil = start + engine.Time(bits/l.rate)
	l.carry = bits % l.rate
	return l.busyUntil, true
}

// QueueLen returns the number of packets and bytes waiting in the FIFO (not
// counting the one being serialized). It is tracked only when the FIFO has
// a limit; otherwise it returns zeros.
func (l *Link[P]) QueueLen() (packets, bytes int) {
	l.queue.trim(l.sim.Now())
	return l.queue.n, l.queue.bytes
}
