package topology

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Route is an explicit static route: at host From, packets for host To
// leave on the link Via (which must start at From).
type Route struct {
	From, To string
	Via      string
}

// ComputeRoutes fills every host's routing table with shortest paths over
// the links, weighted by propagation delay plus one nanosecond per hop (so
// that among equally fast paths the one with fewer hops wins), then applies
// the explicit routes. Among equal paths it takes the one whose sequence of
// host indices is lexicographically smallest, so routes never depend on map
// order. Call it after the last AddHost and Connect.
func (n *Network) ComputeRoutes(explicit ...Route) error {
	g := simple.NewWeightedDirectedGraph(0, math.Inf(1))
	for _, h := range n.hosts {
		g.AddNode(simple.Node(h.index))
	}
	// The fastest link between each ordered pair of hosts.
	best := map[[2]int]*Link{}
	for _, l := range n.links {
		k := [2]int{l.From.index, l.To.index}
		if b, ok := best[k]; !ok || l.Config().Delay < b.Config().Delay {
			best[k] = l
		}
	}
	keys := make([][2]int, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	for _, k := range keys {
		w := float64(best[k].Config().Delay) + 1
		g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(k[0]), simple.Node(k[1]), w))
	}
	all, _ := path.FloydWarshall(g)
	nh := len(n.hosts)
	n.next = make([][]*Link, nh)
	for i := range nh {
		n.next[i] = make([]*Link, nh)
		for j := range nh {
			if i == j {
				continue
			}
			paths, w := all.AllBetween(int64(i), int64(j))
			if math.IsInf(w, 1) || len(paths) == 0 {
				continue
			}
			p := slices.MinFunc(paths, comparePaths)
			n.next[i][j] = best[[2]int{int(p[0].ID()), int(p[1].ID())}]
		}
	}
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
		n.next[from.index][to.index] = n.links[i]
	}
	n.routed = true
	return nil
}

// NextHop returns the link host from uses toward host to, or nil.
func (n *Network) NextHop(from, to *Host) *Link {
	if !n.routed {
		return nil
	}
	return n.next[from.index][to.index]
}

func comparePaths(a, b []graph.Node) int {
	for i := range min(len(a), len(b)) {
		if d := a[i].ID() - b[i].ID(); d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
