package topology

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Route is an explicit static route: at host From, packets for host To
// leave on the link Via (which must start at From).
type Route struct {
	From, To string
	Via      string
}

// ComputeRoutes prepares every host's routing table: shortest paths over
// the links, weighted by propagation delay plus one nanosecond per hop (so
// that among equally fast paths the one with fewer hops wins), with the
// explicit routes applied over them. Among equal paths it takes the one
// whose sequence of host indices is lexicographically smallest, so routes
// never depend on map order. Call it after the last AddHost and Connect.
//
// The table toward a destination is computed the first time a packet
// travels toward it, by one single-source shortest-path pass over the
// reversed links, and shared by every network with the same topology (the
// same hosts, links, delays and explicit routes): the runs of a sweep
// compute each destination's routes once.
func (n *Network) ComputeRoutes(explicit ...Route) error {
	var over []override
	for _, r := range explicit {
		from, to := n.byName[r.From], n.byName[r.To]
		if from == nil || to == nil {
			return fmt.Errorf("topology: route %s→%s: no such host", r.From, r.To)
		}
		i := slices.IndexFunc(n.links, func(l *Link) bool { return l.Name == r.Via })
		if i < 0 {
			return fmt.Errorf("topology: route %s→%s via %q: no such link", r.From, r.To, r.Via)
		}
		if n.links[i].From != from {
			return fmt.Errorf("topology: route %s→%s via %q: the link starts at %s, not %s",
				r.From, r.To, r.Via, n.links[i].From.Name, r.From)
		}
		over = append(over, override{from: from.index, to: to.index, link: int32(i)})
	}
	n.routes = sharedRoutes(n, over)
	n.toward = make([][]int32, len(n.hosts))
	n.routed = true
	return nil
}

// NextHop returns the link host from uses toward host to, or nil.
func (n *Network) NextHop(from, to *Host) *Link {
	if !n.routed {
		return nil
	}
	if i := n.nextHops(to.index)[from.index]; i >= 0 {
		return n.links[i]
	}
	return nil
}

// nextHops returns, for every host, the index of the link it uses toward
// host dst (-1: none).
func (n *Network) nextHops(dst int) []int32 {
	t := n.toward[dst]
	if t == nil {
		t = n.routes.toward(dst)
		n.toward[dst] = t
	}
	return t
}

// override is an explicit route: at host from, packets for host to leave
// on link index link.
type override struct {
	from, to int
	link     int32
}

// edge is the fastest link from one host to another.
type edge struct {
	from, to int
	link     int32
	weight   int64
}

// routeTable holds the routes of one topology, computed per destination on
// demand. It is shared between networks (and goroutines) of that topology.
type routeTable struct {
	out, in [][]edge // links leaving and entering each host, by the other end's index
	over    []override
	mu      sync.Mutex
	dst     map[int][]int32
}

// maxCached bounds the number of topologies whose routes are kept. A sweep
// over link delays makes one topology per point; beyond the bound the
// cache starts afresh (results never depend on it, only speed does).
const maxCached = 64

var cache struct {
	sync.Mutex
	tables map[[sha256.Size]byte]*routeTable
}

// sharedRoutes returns the route table of n's topology with the explicit
// routes over, from the cache or new.
func sharedRoutes(n *Network, over []override) *routeTable {
	key := topologyKey(n, over)
	cache.Lock()
	defer cache.Unlock()
	if t := cache.tables[key]; t != nil {
		return t
	}
	if len(cache.tables) >= maxCached || cache.tables == nil {
		cache.tables = map[[sha256.Size]byte]*routeTable{}
	}
	t := newRouteTable(n, over)
	cache.tables[key] = t
	return t
}

// topologyKey is a digest of everything routes depend on: the number of
// hosts, each link's ends and delay in order, and the explicit routes.
func topologyKey(n *Network, over []override) [sha256.Size]byte {
	h := sha256.New()
	var b [8]byte
	put := func(v int64) {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	put(int64(len(n.hosts)))
	put(int64(len(n.links)))
	for _, l := range n.links {
		put(int64(l.From.index))
		put(int64(l.To.index))
		put(int64(l.Config().Delay))
	}
	put(int64(len(over)))
	for _, o := range over {
		put(int64(o.from))
		put(int64(o.to))
		put(int64(o.link))
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// linkWeight is a link's cost in a path: its delay plus one nanosecond.
func linkWeight(d time.Duration) int64 { return satAdd(int64(max(d, 0)), 1) }

// satAdd adds two non-negative costs, saturating far below overflow.
func satAdd(a, b int64) int64 {
	const inf = math.MaxInt64 / 4
	if a >= inf-b {
		return inf
	}
	return a + b
}

func newRouteTable(n *Network, over []override) *routeTable {
	nh := len(n.hosts)
	t := &routeTable{out: make([][]edge, nh), in: make([][]edge, nh), over: over, dst: map[int][]int32{}}
	// The fastest link between each ordered pair of hosts (the first added
	// among equally fast ones).
	best := map[[2]int]int{}
	var edges []edge
	for i, l := range n.links {
		e := edge{from: l.From.index, to: l.To.index, link: int32(i), weight: linkWeight(l.Config().Delay)}
		k := [2]int{e.from, e.to}
		if j, ok := best[k]; ok {
			if e.weight < edges[j].weight {
				edges[j] = e
			}
			continue
		}
		best[k] = len(edges)
		edges = append(edges, e)
	}
	for _, e := range edges {
		t.out[e.from] = append(t.out[e.from], e)
		t.in[e.to] = append(t.in[e.to], e)
	}
	for i := range t.out {
		slices.SortFunc(t.out[i], func(a, b edge) int { return a.to - b.to })
	}
	return t
}

// toward returns the next hops toward host dst, computing them on first
// use: Dijkstra from dst over the reversed links gives every host's
// distance to dst; a host's next hop is then its link to the lowest-indexed
// neighbour on a shortest path, which makes the path it starts the
// lexicographically smallest of the shortest ones.
func (t *routeTable) toward(dst int) []int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r, ok := t.dst[dst]; ok {
		return r
	}
	nh := len(t.out)
	const unreached = int64(-1)
	dist := make([]int64, nh)
	for i := range dist {
		dist[i] = unreached
	}
	dist[dst] = 0
	q := distHeap{{host: dst, dist: 0}}
	for len(q) > 0 {
		it := q.pop()
		if it.dist != dist[it.host] {
			continue // a stale entry
		}
		for _, e := range t.in[it.host] {
			d := satAdd(it.dist, e.weight)
			if dist[e.from] == unreached || d < dist[e.from] {
				dist[e.from] = d
				q.push(distItem{host: e.from, dist: d})
			}
		}
	}
	next := make([]int32, nh)
	for i := range next {
		next[i] = -1
		if i == dst || dist[i] == unreached {
			continue
		}
		for _, e := range t.out[i] { // by neighbour index: the first match is the lowest
			if dist[e.to] != unreached && satAdd(dist[e.to], e.weight) == dist[i] {
				next[i] = e.link
				break
			}
		}
	}
	for _, o := range t.over {
		if o.to == dst {
			next[o.from] = o.link
		}
	}
	t.dst[dst] = next
	return next
}

type distItem struct {
	host int
	dist int64
}

// distHeap is a binary min-heap of hosts by distance (container/heap
// would box every item).
type distHeap []distItem

func (a distItem) less(b distItem) bool {
	return a.dist < b.dist || a.dist == b.dist && a.host < b.host
}

func (h *distHeap) push(x distItem) {
	*h = append(*h, x)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !q[i].less(q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func (h *distHeap) pop() distItem {
	q := *h
	top := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q = q[:n]
	for i := 0; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && q[l].less(q[m]) {
			m = l
		}
		if r < n && q[r].less(q[m]) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}
