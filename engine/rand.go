package engine

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
)

// Streams derives independent, reproducible random streams for the components
// of one run. Each stream is a PCG seeded from a hash of (experiment seed,
// replication, component path), so a component's draws depend only on those
// three values: adding, removing or reordering other components never changes
// them, and the same replication gets the same streams at every sweep point
// (common random numbers).
type Streams struct {
	seed, replication uint64
}

// NewStreams returns the stream factory for one replication of an experiment.
func NewStreams(seed, replication uint64) Streams {
	return Streams{seed: seed, replication: replication}
}

// Seed returns the experiment seed.
func (s Streams) Seed() uint64 { return s.seed }

// Replication returns the replication index.
func (s Streams) Replication() uint64 { return s.replication }

// Source returns the PCG source for the component named by path, such as
// "link/client->server/loss". Use it as the Src of a gonum distuv value.
func (s Streams) Source(path string) *rand.PCG {
	return rand.NewPCG(s.hash(path, 0), s.hash(path, 1))
}

// Rand returns a *rand.Rand over Source(path).
func (s Streams) Rand(path string) *rand.Rand { return rand.New(s.Source(path)) }

// hash mixes (seed, replication, path, lane) with FNV-1a and a SplitMix64
// finaliser, so that nearby seeds give unrelated streams.
func (s Streams) hash(path string, lane byte) uint64 {
	h := fnv.New64a()
	var b [17]byte
	binary.LittleEndian.PutUint64(b[0:], s.seed)
	binary.LittleEndian.PutUint64(b[8:], s.replication)
	b[16] = lane
	h.Write(b[:])
	h.Write([]byte(path))
	return splitmix64(h.Sum64())
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
