package link

import (
	"encoding/binary"
	"hash/fnv"
	"testing"
	"time"

	"tcpsim/engine"
)

// pkt is the test packet: an id and a size.
type pkt struct {
	id   int
	size int
}

func (p pkt) WireSize() int { return p.size }

// arrival is one packet handed to the receiver.
type arrival struct {
	at      engine.Time
	p       pkt
	corrupt bool
}

// sink is a Receiver that keeps what it gets.
type sink struct{ got []arrival }

func (s *sink) Receive(now engine.Time, p *pkt, corrupt bool) {
	s.got = append(s.got, arrival{now, *p, corrupt})
}

// trace is an Observer that keeps every record.
type trace struct{ recs []Record }

func (t *trace) Observe(r Record, _ pkt) { t.recs = append(t.recs, r) }

// hash digests the records' every field.
func (t *trace) hash() uint64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(v uint64) { binary.LittleEndian.PutUint64(b[:], v); h.Write(b[:]) }
	flag := func(f bool) uint64 {
		if f {
			return 1
		}
		return 0
	}
	for _, r := range t.recs {
		put(uint64(r.Fate))
		put(uint64(r.At))
		put(uint64(r.Arrival))
		put(r.Seq)
		put(uint64(r.Size))
		put(flag(r.Copy)<<2 | flag(r.Reordered)<<1 | flag(r.Scripted))
	}
	return h.Sum64()
}

// rig is a link under test with its simulation, receiver and trace.
type rig struct {
	sim *engine.Sim
	l   *Link[pkt]
	rx  *sink
	tr  *trace
}

func newRig(t testing.TB, cfg Config, seed uint64) *rig {
	t.Helper()
	r := &rig{sim: engine.New(), rx: &sink{}, tr: &trace{}}
	l, err := New[pkt](r.sim, engine.NewStreams(seed, 0), "link/a->b", cfg, r.rx)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r.l = l
	return r
}

// observe turns the trace on.
func (r *rig) observe() *rig { r.l.SetObserver(r.tr); return r }

// sendEvery offers n packets of the given size, one every gap from time 0,
// then runs the simulation to the end.
func (r *rig) sendEvery(n, size int, gap time.Duration) {
	id := r.sim.Register(engine.HandlerFunc(func(now engine.Time, arg uint64) {
		r.l.Send(&pkt{id: int(arg), size: size})
	}))
	for i := range n {
		r.sim.Schedule(engine.FromDuration(time.Duration(i)*gap), id, uint64(i))
	}
	r.sim.Run()
}

// records returns the trace's records with the given fate.
func (r *rig) records(f Fate) []Record {
	var out []Record
	for _, rec := range r.tr.recs {
		if rec.Fate == f {
			out = append(out, rec)
		}
	}
	return out
}

// checkConservation checks the counters' identity.
func checkConservation(t *testing.T, c Counters) {
	t.Helper()
	in := c.Offered + c.Duplicated
	out := c.QueueDrops + c.DownDrops + c.Lost + c.Corrupted + c.Delivered + c.InFlight
	if in != out {
		t.Errorf("Offered+Duplicated = %d, drops+lost+corrupted+delivered+in flight = %d: %+v", in, out, c)
	}
}
