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

// radixQueue is a monotone priority queue of events keyed by time, FIFO among
// equal times.
//
// Invariant: every queued event has at >= last, and an event sits in bucket
// bits.Len64(at ^ last), so bucket 0 holds exactly the events at time last,
// and all events with equal times share one bucket. Within a bucket, equal
// times appear in scheduling order: a push appends, and a bucket is refilled
// from a higher one only while it is empty, which preserves the higher
// bucket's order. No sequence number is needed for ties.
type radixQueue struct {
	last    Time
	n       int
	head    int // next event to pop from buckets[0]
	buckets [65][]event
}

func (q *radixQueue) push(e event) {
	b := bits.Len64(uint64(e.at ^ q.last))
	q.buckets[b] = append(q.buckets[b], e)
	q.n++
}

// front makes bucket 0 non-empty, advancing last to the earliest queued time,
// and returns the earliest event. The queue must not be empty.
func (q *radixQueue) front() *event {
	if q.head < len(q.buckets[0]) {
		return &q.buckets[0][q.head]
	}
	q.head = 0
	i := 1
	for len(q.buckets[i]) == 0 {
		i++
	}
	src := q.buckets[i]
	m := src[0].at
	for _, e := range src[1:] {
		m = min(m, e.at)
	}
	q.last = m
	// Every event of src lands in a bucket below i, all of them empty now.
	dst := q.buckets[:i]
	for _, e := range src {
		b := bits.Len64(uint64(e.at ^ m))
		dst[b] = append(dst[b], e)
	}
	q.buckets[i] = src[:0]
	return &q.buckets[0][0]
}

// drop removes the event front returned.
func (q *radixQueue) drop() {
	q.head++
	if q.head == len(q.buckets[0]) {
		q.buckets[0] = q.buckets[0][:0]
		q.head = 0
	}
	q.n--
}

// rebase lowers last to t (t <= every queued time) and re-buckets everything.
// It is needed only when a run stops at a time limit below the earliest queued
// event and the caller then schedules between the two; it costs O(n) once.
// Events of equal time all come from one bucket, in order, so re-pushing the
// buckets in turn keeps their order.
func (q *radixQueue) rebase(t Time) {
	all := make([]event, 0, q.n)
	for i := range q.buckets {
		src := q.buckets[i]
		if i == 0 {
			src = src[q.head:]
		}
		all = append(all, src...)
		q.buckets[i] = q.buckets[i][:0]
	}
	q.head, q.last, q.n = 0, t, 0
	for _, e := range all {
		q.push(e)
	}
}
