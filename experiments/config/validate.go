package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file checks what the schema walker cannot: references between
// sections, uniqueness, orderings, and parameter combinations. It also fills
// defaults that depend on position (host addresses, link and workload names).

var (
	safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	hostName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
)

// validate checks e, decoded by d; swept holds the sweep's paths.
func (d *decoder) validate(e *Experiment, swept map[string]bool) {
	if e.Name != "" && !safeName.MatchString(e.Name) {
		d.errorAt("name", "got %q, want a file-name-safe name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64", clip(e.Name))
	}
	d.validateReplications(&e.Replications)
	hosts := d.validateHosts(e.Hosts)
	links := d.validateLinks(e.Links, hosts)
	d.validateRoutes(e.Routes, hosts, links)
	workloads := d.validateWorkloads(e.Workloads, hosts, links)
	d.validateAttacks(e.Workloads, e.Hosts)
	d.validateInjections(e.Injections, hosts, workloads, links)
	d.validateCraftedAll(e.Injections, e.Workloads)
	if o := e.Record.Occupancy; o != nil && o.Interval == 0 {
		d.errorAt("record.occupancy.interval", "got 0, want a sampling interval above 0")
	}
	d.validatePlots(e.Plots, e.Record.Occupancy, swept)
}

func (d *decoder) validateReplications(r *Replications) {
	if r.Until == nil {
		return
	}
	if r.Min < 2 {
		d.errorAt("replications.min", "got %d, want at least 2 (a confidence interval needs two runs)", r.Min)
	}
	if r.Max < r.Min {
		d.errorAt("replications.max", "got %d, want at least min (%d)", r.Max, r.Min)
	}
	d.checkMetric("replications.until.metric", r.Until.Metric)
	if c := r.Until.CIHalfWidthRel; c <= 0 || c > 1 {
		d.errorAt("replications.until.ci_halfwidth_rel", "got %g, want a relative half-width in (0, 1], e.g. 0.02", c)
	}
	if c := r.Until.Confidence; c <= 0 || c >= 1 {
		d.errorAt("replications.until.confidence", "got %v, want a level strictly between 0 and 1, e.g. 0.95", c)
	}
}

func (d *decoder) checkMetric(path, m string) {
	if m != "" && !contains(Metrics, m) {
		d.errorAt(path, "got %q, want a run metric%s (docs/metrics.md lists all %d)", clip(m), didYouMean(m, Metrics), len(Metrics))
	}
}

// unique reports a repeated name; first maps names to their first path.
func (d *decoder) unique(first map[string]string, name, path, what string) {
	if p, ok := first[name]; ok {
		d.errorAt(path, "duplicate %s name %q (also %s)", what, name, p)
		return
	}
	first[name] = path
}

func (d *decoder) validateHosts(hs []Host) map[string]bool {
	names := map[string]string{}
	addrs := map[IPv4]string{}
	known := map[string]bool{}
	for i := range hs {
		h := &hs[i]
		p := indexPath("hosts", i)
		if h.Name != "" {
			if !hostName.MatchString(h.Name) {
				d.errorAt(p+".name", "got %q, want a host name: a letter, then letters, digits, '_' or '-'", clip(h.Name))
			}
			d.unique(names, h.Name, p+".name", "host")
			known[h.Name] = true
		}
		if h.Addr == (IPv4{}) {
			h.Addr = IPv4{10, 0, byte((i + 1) >> 8), byte(i + 1)}
		}
		if prev, ok := addrs[h.Addr]; ok {
			d.errorAt(p+".addr", "duplicate address %s (also %s)", h.Addr, prev)
		}
		addrs[h.Addr] = p + ".addr"
		d.validateTCP(&h.TCP, p+".tcp")
	}
	if n := d.at["hosts"]; len(hs) == 0 && n != nil && n.Kind == yaml.SequenceNode {
		d.errorAt("hosts", "got an empty list, want at least one host")
	}
	return known
}

// validateTCP checks what only the file format knows; endpoint.Config owns
// the rules for the values themselves (experiments/sim's Check applies
// them).
func (d *decoder) validateTCP(t *TCP, p string) {
	if t.RcvWindow != nil && *t.RcvWindow > 65535<<14 {
		// RFC 7323 §2.3: a shift of at most 14 scales the 16-bit window
		// field to at most 65535·2^14 bytes.
		d.errorAt(p+".rcv_window", "got %s, want at most 1073725440 bytes (65535·2^14: RFC 7323 §2.3 limits the window scale shift to 14)", *t.RcvWindow)
	}
	if t.MSS != nil && *t.MSS > 65495 {
		d.errorAt(p+".mss", "got %s, want at most 65495 bytes", *t.MSS)
	}
	if k := t.Keepalive; k != nil && k.Enabled == nil {
		on := true
		k.Enabled = &on
	}
}

// linkInfo indexes links for references: names and directed host pairs.
type linkInfo struct {
	names map[string]bool
	edges map[[2]string]bool
	adj   map[string][]string
}

func (d *decoder) validateLinks(ls []Link, hosts map[string]bool) linkInfo {
	info := linkInfo{names: map[string]bool{}, edges: map[[2]string]bool{}, adj: map[string][]string{}}
	names := map[string]string{}
	edge := func(a, b string) {
		if !info.edges[[2]string{a, b}] {
			info.edges[[2]string{a, b}] = true
			info.adj[a] = append(info.adj[a], b)
		}
	}
	for i := range ls {
		l := &ls[i]
		p := indexPath("links", i)
		var a, b string
		switch {
		case l.Between != nil && (l.From != "" || l.To != ""):
			d.errorAt(p, "give either between: [a, b] or from: and to:, not both")
			continue
		case l.Between != nil:
			if len(l.Between) != 2 {
				d.errorAt(p+".between", "got %d hosts, want exactly 2: between: [a, b]", len(l.Between))
				continue
			}
			a, b = l.Between[0], l.Between[1]
			d.hostRef(hosts, a, p+".between[0]")
			d.hostRef(hosts, b, p+".between[1]")
		case l.From != "" || l.To != "":
			if l.From == "" || l.To == "" {
				d.errorAt(p, "a one-way link needs both from: and to:")
				continue
			}
			a, b = l.From, l.To
			d.hostRef(hosts, a, p+".from")
			d.hostRef(hosts, b, p+".to")
			if l.Forward != nil || l.Reverse != nil {
				d.errorAt(p, "forward: and reverse: apply to between: links only; a from/to link has one direction")
			}
		default:
			d.errorAt(p, "missing the hosts: give between: [a, b] or from: a and to: b")
			continue
		}
		if a == b {
			d.errorAt(p, "a link from %q to itself", a)
		}
		if l.Name == "" {
			if l.Between != nil {
				l.Name = a + "-" + b
			} else {
				l.Name = a + "->" + b
			}
		}
		d.unique(names, l.Name, p+".name", "link")
		info.names[l.Name] = true
		edge(a, b)
		if l.Between != nil {
			edge(b, a)
		}
		d.validateSpec(&l.LinkSpec, p)
		if l.Forward != nil {
			d.validateSpec(l.Forward, p+".forward")
		}
		if l.Reverse != nil {
			d.validateSpec(l.Reverse, p+".reverse")
		}
	}
	return info
}

func (d *decoder) hostRef(hosts map[string]bool, h, path string) {
	if !hosts[h] {
		known := make([]string, 0, len(hosts))
		for k := range hosts {
			known = append(known, k)
		}
		sort.Strings(known)
		d.errorAt(path, "unknown host %q%s; hosts are %s", clip(h), didYouMean(h, known), strings.Join(known, ", "))
	}
}

func (d *decoder) validateSpec(s *LinkSpec, p string) {
	d.validateDist(s.Jitter, p+".jitter")
	if l := s.Loss; l != nil && l.Model == "gilbert-elliott" && l.LossBad == nil {
		one := Prob(1)
		l.LossBad = &one
	}
	if l := s.Loss; l != nil && l.Model == "list" {
		for i, k := range l.Drop {
			if k == 0 {
				d.errorAt(indexPath(p+".loss.drop", i), "got 0, want a packet ordinal ≥ 1")
			}
		}
	}
	if dup := s.Duplicate; dup != nil {
		d.validateDist(dup.Hold, p+".duplicate.hold")
	}
	if r := s.Reorder; r != nil {
		d.validateDist(r.Delay, p+".reorder.delay")
	}
	var last Duration
	for i, o := range s.Down {
		q := indexPath(p+".down", i)
		if o.Up != 0 && o.Up <= o.At {
			d.errorAt(q+".up", "got %s, want a time after at (%s)", o.Up, o.At)
		}
		if o.At < last {
			d.errorAt(q+".at", "got %s, want outages in time order, not overlapping (previous ends at %s)", o.At, last)
		}
		last = max(o.At, o.Up)
	}
}

// validateDist checks the file's own parametrization of a distribution;
// link.Dist owns the rules for the distribution it becomes
// (experiments/sim's Check applies them).
func (d *decoder) validateDist(x *Dist, p string) {
	if x == nil || x.Dist != "lognormal" {
		return
	}
	// The file gives a log-normal by its median and σ, which the mapping
	// turns into the model's mean and standard deviation.
	if x.Sigma <= 0 {
		d.errorAt(p+".sigma", "got %g, want sigma above 0", x.Sigma)
	}
	if x.Median == 0 {
		d.errorAt(p+".median", "got 0, want a median above 0")
	}
}

func (d *decoder) validateRoutes(rs []Route, hosts map[string]bool, links linkInfo) {
	for i, r := range rs {
		p := indexPath("routes", i) + ".path"
		if len(r.Path) < 2 {
			d.errorAt(p, "got %d hosts, want at least 2 (source ... destination)", len(r.Path))
			continue
		}
		for j, h := range r.Path {
			d.hostRef(hosts, h, indexPath(p, j))
			if j > 0 && hosts[h] && hosts[r.Path[j-1]] && !links.edges[[2]string{r.Path[j-1], h}] {
				d.errorAt(indexPath(p, j), "no link carries traffic from %s to %s", r.Path[j-1], h)
			}
		}
	}
}

func (d *decoder) validateWorkloads(ws []Workload, hosts map[string]bool, links linkInfo) map[string]bool {
	names := map[string]string{}
	known := map[string]bool{}
	for i := range ws {
		w := &ws[i]
		p := indexPath("workloads", i)
		if w.Name == "" {
			w.Name = fmt.Sprintf("w%d", i)
		}
		d.unique(names, w.Name, p+".name", "workload")
		known[w.Name] = true
		if w.Client != "" {
			d.hostRef(hosts, w.Client, p+".client")
		}
		if w.Server.Host != "" {
			d.hostRef(hosts, w.Server.Host, p+".server")
		}
		if w.Client != "" && w.Client == w.Server.Host {
			d.errorAt(p+".server", "client and server are the same host %q; tcpsim has no loopback", w.Client)
		} else if hosts[w.Client] && hosts[w.Server.Host] {
			if !links.reaches(w.Client, w.Server.Host) {
				d.errorAt(p+".server", "no path of links from %s to %s", w.Client, w.Server.Host)
			} else if !links.reaches(w.Server.Host, w.Client) {
				d.errorAt(p+".server", "no path of links back from %s to %s", w.Server.Host, w.Client)
			}
		}
		a := &w.Arrivals
		switch a.Kind() {
		case "poisson", "interval", "closed":
			if w.Count == 0 && w.Until == 0 {
				d.errorAt(p, "%s arrivals need count: or until: to end", a.Kind())
			}
		case "times":
			if w.Count != 0 || w.Until != 0 {
				d.errorAt(p, "arrivals.times fixes the connections; drop count: and until:")
			}
			for j := 1; j < len(a.Times); j++ {
				if a.Times[j] < a.Times[j-1] {
					d.errorAt(indexPath(p+".arrivals.times", j), "got %s after %s, want times in increasing order", a.Times[j], a.Times[j-1])
				}
			}
		}
		if a.Interval != nil && *a.Interval == 0 {
			d.errorAt(p+".arrivals.interval", "got 0, want an interval above 0")
		}
		if a.Closed != nil {
			if a.Closed.Clients == 0 {
				d.errorAt(p+".arrivals.closed.clients", "got 0, want at least 1 client")
			}
			d.validateDist(a.Closed.Think, p+".arrivals.closed.think")
		}
		if w.Until != 0 && w.Until <= w.Start {
			d.errorAt(p+".until", "got %s, want a time after start (%s)", w.Until, w.Start)
		}
	}
	return known
}

// reaches reports whether a path of links leads from a to b.
func (l linkInfo) reaches(a, b string) bool {
	seen := map[string]bool{a: true}
	queue := []string{a}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == b {
			return true
		}
		for _, y := range l.adj[x] {
			if !seen[y] {
				seen[y] = true
				queue = append(queue, y)
			}
		}
	}
	return false
}

func (d *decoder) validateInjections(is []Injection, hosts, workloads map[string]bool, links linkInfo) {
	for i := range is {
		in := &is[i]
		p := indexPath("injections", i)
		if in.Name == "" {
			in.Name = fmt.Sprintf("i%d", i)
		}
		var m *Match
		switch in.Kind() {
		case "replay":
			m = &in.Replay.Match
			if in.Replay.Copies == 0 {
				d.errorAt(p+".replay.copies", "got 0, want at least 1 copy")
			}
			p += ".replay"
		case "drop":
			m = &in.Drop.Match
			p += ".drop"
		case "crash":
			c := in.Crash
			d.hostRef(hosts, c.Host, p+".crash.host")
			if c.Reboot != nil && c.RebootAt != nil {
				d.errorAt(p+".crash", "give reboot: (a downtime) or reboot_at: (a time), not both")
			}
			if c.RebootAt != nil && *c.RebootAt <= c.At {
				d.errorAt(p+".crash.reboot_at", "got %s, want a time after at (%s)", *c.RebootAt, c.At)
			}
		case "link":
			ev := in.Link
			if !links.names[ev.Name] {
				known := make([]string, 0, len(links.names))
				for k := range links.names {
					known = append(known, k)
				}
				sort.Strings(known)
				d.errorAt(p+".link.name", "unknown link %q%s; links are %s", clip(ev.Name), didYouMean(ev.Name, known), strings.Join(known, ", "))
			}
			if ev.Up != 0 && ev.Up <= ev.Down {
				d.errorAt(p+".link.up", "got %s, want a time after down (%s)", ev.Up, ev.Down)
			}
		}
		if m == nil {
			continue
		}
		if m.Workload != "" && !workloads[m.Workload] {
			known := make([]string, 0, len(workloads))
			for k := range workloads {
				known = append(known, k)
			}
			sort.Strings(known)
			d.errorAt(p+".match.workload", "unknown workload %q%s; workloads are %s", clip(m.Workload), didYouMean(m.Workload, known), strings.Join(known, ", "))
		}
		if m.Ordinal == 0 {
			d.errorAt(p+".match.ordinal", "got 0, want the 1-based ordinal of the matching segment")
		}
	}
}
