// Package engine is tcpsim's discrete-event core: the simulated clock, the event
// queue, cancellable timers, run control and seeded random streams.
//
// Simulated time is an integer count of nanoseconds since the start of a run
// ([Time]); intervals are [time.Duration]. Events are small values ordered by
// (time, insertion sequence), so events scheduled for the same instant run in
// the order they were scheduled and every run is bit-for-bit repeatable.
//
// # The tie rule
//
// Events at equal times run in the order they were scheduled. The rule is
// deterministic but not neutral, and it decides outcomes: a TCP server's
// SYN-ACK retransmission timer, queued when its previous SYN-ACK went out,
// fires before a client's SYN arriving at the same instant, whose arrival was
// queued when the SYN was sent, one link delay earlier; the other order would
// send one SYN-ACK instead of two and restart the timer differently. A
// [Timer] re-armed to a later deadline keeps its queued event and re-queues
// it when that comes due, so at a tie it stands where that re-queueing put
// it. Nothing offers the reverse order: the queue is keyed by time alone,
// and a priority on every event would cost every run for a choice that
// jitter on a link removes (any continuous delay distribution makes ties
// vanish with probability one).
//
// The queue is a radix heap over the integer event times: because simulated
// time never decreases, an event's bucket is the position of the highest bit in
// which its time differs from the last time popped. Push is O(1); pop is O(1)
// amortised plus one scan of a bucket whose events are then pushed down to
// lower buckets. Events live in reusable slices, so the steady state allocates
// nothing (see BenchmarkHold, which also runs a container/heap baseline).
//
// A handler is anything with a HandleEvent(now, arg) method. Scheduling stores
// the handler interface and a uint64 argument in the event, so a component that
// keeps its per-event state in its own slab (a link's in-flight packets, say)
// passes a slot index and never allocates.
//
// Randomness comes only from [Streams]: one independent PCG stream per
// component, derived from (experiment seed, replication, component path).
//
// [IDTable] is the table components keep per-event state in, keyed by
// integer IDs (a stack's 4-tuples, the incarnations a run's metrics follow):
// open-addressed, sized by the peak of its live entries.
//
// Engine owns none of the network: links, TCP endpoints and hosts live in the
// link, endpoint and topology packages and only schedule events here. The
// engine is single-threaded; parallelism in tcpsim is one simulation per
// goroutine.
package engine
