package engine

import "math/bits"

// event is one scheduled call: at time at, the handler registered as h gets
// arg. Events hold no pointers, so moving them costs no write barriers and
// the collector never scans the queue.
type event struct {
	at  Time
	arg uint64
	h   HandlerID
}

const (
	// chunkLen is the number of events in one chunk of the queue's arena.
	chunkLen = 64
	// levels and digits: times are split into 8 digits of 8 bits.
	levels = 8
	digits = 256
	// nBuckets counts bucket 0 (events at time last) and one bucket per
	// (level, digit).
	nBuckets = 1 + levels*digits
)

// chunk is a fixed block of events; the chunks of a bucket form a list. The
// header comes first, so that a chunk holding one event (the common case in a
// sparse bucket) is one cache line to touch.
type chunk struct {
	n    int32 // events written
	next int32 // next chunk of the same bucket, or -1
	ev   [chunkLen]event
}

// bucket is a list of chunks, and what refill needs to know about its events
// without reading them. A bucket is empty if and only if tail is nil; the
// other fields of an empty bucket mean nothing. place keeps min and mixed for
// every bucket, but only those of the (level, digit) buckets are read: bucket
// 0's events are all at last.
type bucket struct {
	tail  *chunk // last chunk
	min   Time   // earliest time of the bucket's events
	first int32  // first chunk
	mixed bool   // whether the events have more than one time (else all are at min)
}

// radixQueue is a monotone priority queue of events keyed by time, FIFO among
// equal times: a radix heap with 256-way digits.
//
// Invariant: every queued event has at >= last. An event with at == last sits
// in bucket 0; any other sits in the bucket of (L, d), where L is the highest
// byte in which at differs from last and d is at's value of that byte. All
// events of one time share a bucket. When bucket 0 runs dry, the lowest
// non-empty (L, d) bucket holds the earliest events: last advances to its
// minimum and its events move down to lower levels or bucket 0, all of which
// are empty at that moment, so a bucket's equal times stay in scheduling
// order and no sequence number is needed for ties. An event moves at most
// once per level, so about twice for events a few µs apart. A bucket whose
// events all have one time (often a single event) moves to bucket 0 whole,
// without its events being read.
//
// Buckets are lists of fixed-size chunks from one arena with a free list, so
// memory stays O(n) however events drift between buckets, and the steady state
// allocates nothing.
type radixQueue struct {
	last Time
	n    int
	pos  int32 // next event to pop in bucket 0's first chunk
	free int32 // free chunk list, -1 if empty
	// digitMask[l] has bit d set iff bucket (l, d) is not empty, and
	// wordMask has bit l*4+w set iff word w of it is not zero (levels ×
	// digits/64 = 32 bits), so refill finds the lowest non-empty bucket with
	// two TrailingZeros and no loop.
	wordMask  uint32
	digitMask [levels][digits / 64]uint64
	arena     []*chunk // pointers, so a chunk never moves while it is read
	buckets   [nBuckets]bucket
	// timers, if set, tells refill which timer events are stale (their
	// timer re-armed earlier or released): those are dropped as they move
	// instead of travelling on down the levels to be discarded when due.
	timers *timerTable
	// discarded counts the stale timer events dropped so.
	discarded uint64
}

func (q *radixQueue) init() {
	q.free = -1
}

// newChunk takes a chunk from the free list, or grows the arena.
func (q *radixQueue) newChunk() int32 {
	c := q.free
	if c >= 0 {
		q.free = q.arena[c].next
	} else {
		q.arena = append(q.arena, new(chunk))
		c = int32(len(q.arena) - 1)
	}
	ch := q.arena[c]
	ch.n, ch.next = 0, -1
	return c
}

func (q *radixQueue) push(e event) {
	q.place(e)
	q.n++
}

// place appends e to the bucket its time belongs in relative to last.
func (q *radixQueue) place(e event) {
	x := uint64(e.at ^ q.last)
	b := 0
	if x != 0 {
		l := (bits.Len64(x) - 1) >> 3
		d := int(uint64(e.at)>>(l*8)) & (digits - 1)
		b = 1 + l*digits + d
		q.wordMask |= 1 << (l<<2 | d>>6)
		q.digitMask[l][d>>6] |= 1 << (d & 63)
	}
	bk := &q.buckets[b]
	ch := bk.tail
	switch {
	case ch == nil:
		c := q.newChunk()
		ch = q.arena[c]
		bk.tail, bk.first, bk.min, bk.mixed = ch, c, e.at, false
	case e.at != bk.min:
		bk.mixed = true
		bk.min = min(bk.min, e.at)
	}
	if ch.n == chunkLen {
		c := q.newChunk()
		ch.next = c
		ch = q.arena[c]
		bk.tail = ch
	}
	ch.ev[ch.n] = e
	ch.n++
}

// front returns the earliest event, moving events down to bucket 0 if
// needed, or nil if the queue is empty (refill may find only stale timer
// events).
func (q *radixQueue) front() *event {
	for {
		if q.n == 0 {
			return nil
		}
		if bk := &q.buckets[0]; bk.tail != nil {
			c := bk.first
			ch := q.arena[c]
			if q.pos < ch.n {
				return &ch.ev[q.pos]
			}
			q.pos = 0
			bk.first = ch.next
			if ch.next < 0 {
				bk.tail = nil
			}
			ch.next, q.free = q.free, c
			continue
		}
		q.refill()
	}
}

// refill empties the lowest non-empty (level, digit) bucket into lower ones,
// advancing last to its earliest time. Bucket 0 must be empty. The bucket's
// minimum is known from place, so its events are read once, to move them, and
// not at all if they share one time: then the bucket becomes bucket 0 as it
// is, chunks and order. Stale timer events are dropped as they are read:
// most of a TCP run's timer events are stale (a retransmission timer
// pulled earlier by a delayed ACK, a TCB's pending timer when it is
// freed), and each would otherwise move down a level or two more and be
// popped only to be discarded. Dropping them changes no order among the
// others.
func (q *radixQueue) refill() {
	i := bits.TrailingZeros32(q.wordMask)
	l, w := i>>2, i&3
	word := &q.digitMask[l][w]
	d := w<<6 | bits.TrailingZeros64(*word)
	*word &= *word - 1
	if *word == 0 {
		q.wordMask &^= 1 << i
	}
	b := 1 + l*digits + d
	bk := q.buckets[b]
	q.buckets[b].tail = nil
	q.last = bk.min
	if !bk.mixed {
		q.buckets[0] = bk // all at last, in order
		return
	}
	for c := bk.first; c >= 0; {
		ch := q.arena[c]
		for _, e := range ch.ev[:ch.n] {
			if e.h == timerHandler && q.timers != nil && q.timers.stale(e.arg) {
				q.n--
				q.discarded++
				continue
			}
			q.place(e)
		}
		next := ch.next
		ch.next, q.free = q.free, c
		c = next
	}
}

// drop removes the event front returned.
func (q *radixQueue) drop() {
	q.pos++
	q.n--
}

// rebase lowers last to t (t <= every queued time) and re-buckets everything.
// It is needed only when a run stops at a time limit below the earliest queued
// event and the caller then schedules between the two; it costs O(n) once.
// Events of equal time all come from one bucket, in order, so re-pushing the
// buckets in turn keeps their order.
func (q *radixQueue) rebase(t Time) {
	all := make([]event, 0, q.n)
	for b, bk := range &q.buckets {
		if bk.tail == nil {
			continue
		}
		start := int32(0)
		if b == 0 {
			start = q.pos
		}
		for c := bk.first; c >= 0; c = q.arena[c].next {
			all = append(all, q.arena[c].ev[start:q.arena[c].n]...)
			start = 0
		}
	}
	arena, timers, discarded := q.arena, q.timers, q.discarded
	*q = radixQueue{timers: timers, discarded: discarded}
	q.init()
	for i := range arena { // every chunk is free again
		arena[i].next, q.free = q.free, int32(i)
	}
	q.arena, q.last = arena, t
	for _, e := range all {
		q.push(e)
	}
}
