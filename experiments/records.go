package experiments

import (
	"slices"

	"tcpsim/endpoint"
)

// recTable maps the incarnations of live TCBs to their connection
// records. It is an open-addressed hash table with linear probing that
// grows at half full and shrinks at an eighth, so its size follows the
// live connections, not every incarnation a run ever made (a slice indexed
// by incarnation cost 8 bytes per incarnation: 1.6 GB at 10^8
// connections), and a lookup touches one or two cache lines instead of a
// Go map's group and control words.
type recTable struct {
	keys []endpoint.Incarnation // 0: empty slot
	vals []*connRecord
	n    int
}

// minRecTable is the smallest size of a recTable's arrays.
const minRecTable = 64

// home returns the slot where inc's probe sequence starts.
func (t *recTable) home(inc endpoint.Incarnation) int {
	// Fibonacci hashing: incarnations are consecutive, so multiply to
	// spread them, and take the top bits.
	return int((uint64(inc) * 0x9e3779b97f4a7c15) >> 32 & uint64(len(t.keys)-1))
}

func (t *recTable) get(inc endpoint.Incarnation) *connRecord {
	if len(t.keys) == 0 || inc == 0 {
		return nil
	}
	mask := len(t.keys) - 1
	for i := t.home(inc); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case inc:
			return t.vals[i]
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
	if 2*(t.n+1) > len(t.keys) {
		t.resize(max(minRecTable, 2*len(t.keys)))
	}
	mask := len(t.keys) - 1
	i := t.home(inc)
	for t.keys[i] != 0 && t.keys[i] != inc {
		i = (i + 1) & mask
	}
	if t.keys[i] == 0 {
		t.n++
	}
	t.keys[i], t.vals[i] = inc, r
}

// del removes inc, shifting later members of its cluster back so that
// no tombstones are needed (Knuth's Algorithm R).
func (t *recTable) del(inc endpoint.Incarnation) {
	if len(t.keys) == 0 {
		return
	}
	mask := len(t.keys) - 1
	i := t.home(inc)
	for t.keys[i] != inc {
		if t.keys[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.keys[j] != 0; j = (j + 1) & mask {
		h := t.home(t.keys[j])
		// Move j's entry into the hole at i unless its home lies
		// cyclically in (i, j].
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.keys[i], t.vals[i] = t.keys[j], t.vals[j]
			i = j
		}
	}
	t.keys[i], t.vals[i] = 0, nil
	t.n--
	if len(t.keys) > minRecTable && 8*t.n < len(t.keys) {
		t.resize(len(t.keys) / 2)
	}
}

func (t *recTable) resize(size int) {
	keys, vals := t.keys, t.vals
	t.keys, t.vals, t.n = make([]endpoint.Incarnation, size), make([]*connRecord, size), 0
	for i, k := range keys {
		if k != 0 {
			t.set(k, vals[i])
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
