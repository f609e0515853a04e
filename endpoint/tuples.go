package endpoint

// tupleTable is a stack's connection table: 4-tuple keys (tupleKey) to
// refs (slot<<1, |1 for a TIME-WAIT remnant). Every segment that arrives
// looks its 4-tuple up here, and every connect probes it for a free port,
// so it is an open-addressed table with linear probing whose key and ref
// share one 16-byte entry: a lookup reads one cache line, where a Go map
// read a control word and a slot in another (the map was 7-13 % of a
// million-connection run). It grows at half full and shrinks at an eighth,
// so it follows the live connections. Key 0 marks an empty entry; no
// 4-tuple has it (a remote port is never 0).
type tupleTable struct {
	e []tupleEntry
	n int
}

type tupleEntry struct {
	key uint64
	ref uint32
}

// minTuples is the smallest size of a tupleTable.
const minTuples = 64

// home returns where key's probe sequence starts (Fibonacci hashing: the
// keys of one host differ in a few low bits).
func (t *tupleTable) home(key uint64) int {
	return int((key * 0x9e3779b97f4a7c15) >> 32 & uint64(len(t.e)-1))
}

// get returns key's ref.
func (t *tupleTable) get(key uint64) (uint32, bool) {
	if len(t.e) == 0 {
		return 0, false
	}
	mask := len(t.e) - 1
	for i := t.home(key); ; i = (i + 1) & mask {
		switch t.e[i].key {
		case key:
			return t.e[i].ref, true
		case 0:
			return 0, false
		}
	}
}

// put maps key to ref.
func (t *tupleTable) put(key uint64, ref uint32) {
	if 2*(t.n+1) > len(t.e) {
		t.resize(max(minTuples, 2*len(t.e)))
	}
	mask := len(t.e) - 1
	i := t.home(key)
	for t.e[i].key != 0 && t.e[i].key != key {
		i = (i + 1) & mask
	}
	if t.e[i].key == 0 {
		t.n++
	}
	t.e[i] = tupleEntry{key, ref}
}

// del removes key, shifting later members of its cluster back so that no
// tombstones are needed (Knuth's Algorithm R).
func (t *tupleTable) del(key uint64) {
	if len(t.e) == 0 {
		return
	}
	mask := len(t.e) - 1
	i := t.home(key)
	for t.e[i].key != key {
		if t.e[i].key == 0 {
			return
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.e[j].key != 0; j = (j + 1) & mask {
		h := t.home(t.e[j].key)
		// Move j's entry into the hole at i unless its home lies
		// cyclically in (i, j].
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.e[i] = t.e[j]
			i = j
		}
	}
	t.e[i] = tupleEntry{}
	t.n--
	if len(t.e) > minTuples && 8*t.n < len(t.e) {
		t.resize(len(t.e) / 2)
	}
}

func (t *tupleTable) resize(size int) {
	old := t.e
	t.e, t.n = make([]tupleEntry, size), 0
	for _, x := range old {
		if x.key != 0 {
			t.put(x.key, x.ref)
		}
	}
}

// clear empties the table, keeping its memory.
func (t *tupleTable) clear() {
	clear(t.e)
	t.n = 0
}
