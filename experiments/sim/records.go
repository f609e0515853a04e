package sim

import (
	"slices"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// recTable maps the incarnations of live TCBs to their connection
// records, in an engine.IDTable so that its size follows the peak of the
// live connections, not every incarnation a run ever made (a slice indexed
// by incarnation cost 8 bytes per incarnation: 1.6 GB at 10^8 connections).
type recTable struct {
	t engine.IDTable[endpoint.Incarnation, *connRecord]
}

// get returns inc's record, nil for none (or incarnation 0).
func (rt *recTable) get(inc endpoint.Incarnation) *connRecord {
	r, _ := rt.t.Get(inc)
	return r
}

// set maps inc to r; a nil r deletes inc, and incarnation 0 (no TCB) is
// never stored.
func (rt *recTable) set(inc endpoint.Incarnation, r *connRecord) {
	switch {
	case inc == 0:
	case r == nil:
		rt.t.Delete(inc)
	default:
		rt.t.Put(inc, r)
	}
}

// newRecord returns a record for a new attempt, recycled if one is free.
// Records are released (see release) once nothing can refer to them, so a
// run's records follow its live connections.
func (c *collector) newRecord() *connRecord {
	var r *connRecord
	if n := len(c.free); n > 0 {
		r = c.free[n-1]
		c.free = c.free[:n-1]
		*r = connRecord{clientPath: r.clientPath[:0], serverPath: r.serverPath[:0]}
	} else {
		r = new(connRecord)
	}
	r.established, r.ended, r.live = -1, -1, len(c.live)
	c.live = append(c.live, r)
	return r
}

// release recycles r if nothing can refer to it any more: both its TCBs
// ended (so no handler of theirs will be called and no event will look it
// up), its client's end was reported to the workload (which knows its
// outcome), and the workload has nothing scheduled for it. Its row of
// connections.csv is written then. A record the run still holds at its
// end (unfinished connections, crashed clients) is written by
// flushRecords.
func (c *collector) release(r *connRecord) {
	if r.ends > 0 || r.scheduled > 0 || r.outcome == "" || r.live < 0 || r == c.opening {
		return
	}
	if c.rows != nil {
		c.rows.write(r)
	}
	last := c.live[len(c.live)-1]
	c.live[r.live], last.live = last, r.live
	c.live = c.live[:len(c.live)-1]
	r.live = -1
	if c.keepRecords {
		return // someone (a blind attacker) may look the record up by ordinal
	}
	c.free = append(c.free, r)
}

// flushRecords writes the rows of the records still held at the end of a
// run, in the order of their attempts.
func (c *collector) flushRecords() {
	if c.rows == nil {
		return
	}
	left := slices.Clone(c.live)
	slices.SortFunc(left, func(a, b *connRecord) int {
		if a.seq != b.seq {
			return a.seq - b.seq
		}
		return a.ordinal - b.ordinal
	})
	for _, r := range left {
		c.rows.write(r)
	}
}
