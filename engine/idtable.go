package engine

import "math/bits"

// IDTable maps non-zero integer IDs (a stack's 4-tuple keys, TCB
// incarnations) to values. It is an open-addressed hash table with linear
// probing whose key and value share one entry, so a lookup usually reads
// one cache line where a Go map reads a control word and a slot in
// another. It grows at half full and never shrinks: its size follows the
// peak of the live entries, not every ID ever used, as the pools of
// TCBs, TIME-WAIT remnants and records that it indexes keep their peak.
// A table that halved at an eighth full turned its old array into garbage
// just as a run drained its last connections: hundred-million's complete
// runs peaked at 93–101 MiB RSS against 86 MiB for the same run cut
// before its drain, and 86 MiB once the tables kept their size (issue
// 17). Key 0 marks an empty entry and cannot be stored. The zero IDTable
// is empty and ready.
//
// Simulation components use it on their per-event paths (demultiplexing,
// per-connection bookkeeping), where it allocates only when it grows.
type IDTable[K ~uint64, V any] struct {
	e []idEntry[K, V]
	n int
	// shift keeps the top bits of a 64-bit product that number a group:
	// 64 - log2(len(e)/4).
	shift uint8
}

type idEntry[K ~uint64, V any] struct {
	key K
	val V
}

// minIDTable is the smallest size of an IDTable's entry array.
const minIDTable = 64

// Len returns the number of entries.
func (t *IDTable[K, V]) Len() int { return t.n }

// home returns where key's probe sequence starts. Keys that differ only
// in their two low bits share an aligned group of four entries (one 64-byte
// cache line for 16-byte entries), each at its own place in it. The other
// bits choose the group: folded (x ^ x>>16, so that a field higher up, such
// as the remote port of a server's connections, reaches the low bits) and
// Fibonacci-hashed, keeping the product's top bits, so that runs of close
// IDs (consecutive incarnations, the ports of one host) spread evenly.
// Keeping neighbours together matters at scale: a client that walks its
// ports in order (allocating, binding, expiring TIME-WAITs) misses the
// cache once per four connections, not once per connection, when its table
// is far larger than the cache.
func (t *IDTable[K, V]) home(key K) int {
	x := uint64(key) >> 2
	x = (x ^ x>>16) * 0x9e3779b97f4a7c15
	return int(x>>t.shift<<2 | uint64(key)&3)
}

// Get returns key's value; ok is false if key is absent (or 0).
func (t *IDTable[K, V]) Get(key K) (v V, ok bool) {
	if t.n == 0 || key == 0 {
		return v, false
	}
	e := t.e
	for i := t.home(key); e[i].key != 0; i = (i + 1) & (len(e) - 1) {
		if e[i].key == key {
			return e[i].val, true
		}
	}
	return v, false
}

// Put maps key, which must not be 0, to v.
func (t *IDTable[K, V]) Put(key K, v V) {
	if key == 0 {
		panic("engine: IDTable key 0")
	}
	if 2*(t.n+1) > len(t.e) {
		t.grow(max(minIDTable, 2*len(t.e)))
	}
	mask := len(t.e) - 1
	i := t.home(key)
	for t.e[i].key != 0 && t.e[i].key != key {
		i = (i + 1) & mask
	}
	if t.e[i].key == 0 {
		t.n++
	}
	t.e[i] = idEntry[K, V]{key, v}
}

// Delete removes key, shifting later members of its cluster back so that
// no tombstones are needed (Knuth's Algorithm R).
func (t *IDTable[K, V]) Delete(key K) {
	if len(t.e) == 0 || key == 0 {
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
	t.e[i] = idEntry[K, V]{}
	t.n--
}

// Clear removes every entry, keeping the table's memory for reuse.
func (t *IDTable[K, V]) Clear() {
	clear(t.e)
	t.n = 0
}

// grow moves the entries into a new array of size entries.
func (t *IDTable[K, V]) grow(size int) {
	old := t.e
	t.e, t.n = make([]idEntry[K, V], size), 0
	t.shift = uint8(64 - bits.Len(uint(size/4)) + 1)
	for _, x := range old {
		if x.key != 0 {
			t.Put(x.key, x.val)
		}
	}
}
