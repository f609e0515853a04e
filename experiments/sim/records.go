package sim

import (
	"slices"

	"tcpsim/endpoint"
)

// recTable maps the incarnations of live TCBs to their connection
// records. It is an open-addressed hash table with linear probing that
// grows at half full and shrinks at an eighth, so its size follows the
// live connections, not every incarnation a run ever made (a slice indexed
// by incarnation cost 8 bytes per incarnation: 1.6 GB at 10^8
// connections), and a lookup usually reads one cache line.
type recTable struct {
	e []recEntry
	n int
}

// recEntry is one slot of a recTable: key and value side by side, so that
// a lookup reads one cache line. inc 0 marks an empty slot.
type recEntry struct {
	inc endpoint.Incarnation
	r   *connRecord
}

// minRecTable is the smallest size of a recTable's arrays.
const minRecTable = 64

// home returns the slot where inc's probe sequence starts.
func (t *recTable) home(inc endpoint.Incarnation) int {
	// Fibonacci hashing: incarnations are consecutive, so multiply to
	// spread them, and take the top bits.
	return int((uint64(inc) * 0x9e3779b97f4a7c15) >> 32 & uint64(len(t.e)-1))
}

func (t *recTable) get(inc endpoint.Incarnation) *connRecord {
	if len(t.e) == 0 || inc == 0 {
		return nil
	}
	mask := len(t.e) - 1
	for i := t.home(inc); ; i = (i + 1) & mask {
		switch t.e[i].inc {
		case inc:
			return t.e[i].r
		case 0:
			return nil
		}
	}
}

// set maps inc to r; a nil r deletes inc.
func (t *recTable) set(inc endpoint.Incarnation, r *connRecord) {
	if inc == 0 {
		return
	}
	if r == nil {
		t.del(inc)
		return
	}
	if 2*(t.n+1) > len(t.e) {
		t.resize(max(minRecTable, 2*len(t.e)))
	}
	mask := len(t.e) - 1
	i := t.home(inc)
	for t.e[i].inc != 0 && t.e[i].inc != inc {
		i = (i + 1) & mask
	}
	if t.e[i].inc == 0 {
		t.n++
	}
	t.e[i] = recEntry{inc, r}
}

// del removes inc, shifting later members of its cluster back so that
// no tombstones are needed (Knuth's Algorithm R).
func (t *recTable) del(inc endpoint.Incarnation) {
	if len(t.e) == 0 {
		return
	}
	mask := len(t.e) - 1
	i := t.home(inc)
	for t.e[i].inc != inc {
		if t.e[i].inc == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.e[j].inc != 0; j = (j + 1) & mask {
		h := t.home(t.e[j].inc)
		// Move j's entry into the hole at i unless its home lies
		// cyclically in (i, j].
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.e[i] = t.e[j]
			i = j
		}
	}
	t.e[i] = recEntry{}
	t.n--
	if len(t.e) > minRecTable && 8*t.n < len(t.e) {
		t.resize(len(t.e) / 2)
	}
}

func (t *recTable) resize(size int) {
	old := t.e
	t.e, t.n = make([]recEntry, size), 0
	for _, x := range old {
		if x.inc != 0 {
			t.set(x.inc, x.r)
		}
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
