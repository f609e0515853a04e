package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The workload kinds: ordinary clients, and the attackers of issue 14.
// Each attacker sends one segment per arrival from its client host toward
// its server and keeps no state; experiments/sim/attack.go documents the
// threat model each implements.
const (
	// KindConnections opens connections that follow Connection.
	KindConnections = "connections"
	// KindSynFlood sends SYNs from spoofed (or real) sources to a listener
	// and never answers (RFC 4987 §2).
	KindSynFlood = "syn-flood"
	// KindBlind is RFC 5961 §2's off-path attacker: it knows a victim
	// connection's 4-tuple and guesses sequence numbers.
	KindBlind = "blind"
	// KindACKFlood sends ACKs that belong to no connection at a listener.
	KindACKFlood = "ack-flood"
)

// Attack configures an attacker workload (kind syn-flood, blind or
// ack-flood). The workload's arrivals, count, until and start time its
// segments, one per arrival; client is the host it sends from and server
// the listener (or, for blind, the victim connection's server).
type Attack struct {
	// Sources is the range spoofed source addresses are drawn from,
	// uniformly, in CIDR notation. Default 198.18.0.0/15 (RFC 2544's
	// benchmarking range: no host of an experiment should use it, so the
	// answers go nowhere). Blind attackers use the victim's peer instead.
	Sources Prefix `yaml:"sources" default:"198.18.0.0/15"`
	// Ports is the range source ports are drawn from. Default 1024-65535.
	Ports PortRange `yaml:"ports" default:"1024-65535"`
	// Spoof sends from the client host's own address when false: a bot of
	// a botnet, whose own stack answers each SYN-ACK with a RST (RFC 9293
	// §3.10.7.1), freeing the listener's request at once. Default true.
	Spoof bool `yaml:"spoof" default:"true"`
	// Target names the victim connection of a blind attacker. Required for
	// blind, not allowed otherwise.
	Target *Target `yaml:"target"`
	// Segment is what a blind attacker sends: rst, syn, or data (an ACK
	// with Len bytes and a uniformly guessed acknowledgment number).
	// Default rst.
	Segment string `yaml:"segment" default:"rst" enum:"rst|syn|data"`
	// Guess is how a blind attacker picks sequence numbers: uniform (each
	// guess uniform over the 2^32 space) or step (a uniform start, then
	// Step further each time: a sweep of the space one window at a time).
	// Default uniform.
	Guess string `yaml:"guess" default:"uniform" enum:"uniform|step"`
	// Step is the stride of guess: step. Default 0: the victim's receive
	// window, as configured on its server host (rcv_window).
	Step Size `yaml:"step"`
	// Len is the payload of a data guess. Default 1.
	Len Size `yaml:"len" default:"1"`
}

// Target names a connection of another workload.
type Target struct {
	// Workload is the victim workload (of kind connections). Required.
	Workload string `yaml:"workload" cfg:"required"`
	// Conn is the 1-based ordinal of the victim connection. Default 1.
	Conn Count `yaml:"conn" default:"1"`
}

// Prefix is an IPv4 address range in CIDR notation, such as 10.1.0.0/16.
type Prefix struct {
	// Addr is the first address of the range.
	Addr IPv4
	// Bits is the prefix length, 8 to 32.
	Bits int
}

const prefixWant = "want an IPv4 range such as 198.18.0.0/15 (prefix length 8 to 32)"

// ParsePrefix parses a Prefix; host bits must be zero.
func ParsePrefix(s string) (Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Bits() < 8 {
		return Prefix{}, fmt.Errorf("got %q, %s", clip(s), prefixWant)
	}
	if p.Masked() != p {
		return Prefix{}, fmt.Errorf("got %q, host bits are set; want %s", clip(s), p.Masked())
	}
	return Prefix{IPv4(p.Addr().As4()), p.Bits()}, nil
}

// Size returns the number of addresses in the range.
func (p Prefix) Size() uint64 { return 1 << (32 - p.Bits) }

// Contains reports whether a lies in the range.
func (p Prefix) Contains(a IPv4) bool {
	pp := netip.PrefixFrom(netip.AddrFrom4(p.Addr), p.Bits)
	return pp.Contains(netip.AddrFrom4(a))
}

// String formats p in CIDR notation.
func (p Prefix) String() string {
	return netip.AddrFrom4(p.Addr).String() + "/" + strconv.Itoa(p.Bits)
}

func (p *Prefix) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, prefixWant, p, ParsePrefix)
}

// validateAttacks checks the attacker workloads and the workloads that
// share a listener; it runs after every workload has its name.
func (d *decoder) validateAttacks(ws []Workload, hosts []Host) {
	byName := map[string]*Workload{}
	for i := range ws {
		byName[ws[i].Name] = &ws[i]
	}
	type listenKey struct {
		host string
		port uint16
	}
	first := map[listenKey]int{}
	for i := range ws {
		w := &ws[i]
		p := indexPath("workloads", i)
		if w.Kind == "" {
			continue // an unknown kind, reported where it was decoded
		}
		if w.Kind == KindConnections {
			if w.Attack != nil {
				d.errorAt(p+".attack", "a connections workload takes no attack:; set kind: syn-flood, blind or ack-flood")
			}
			// Workloads on one host:port share its listener (issue 14), so
			// they must ask for the same one.
			k := listenKey{w.Server.Host, w.Server.Port}
			if j, ok := first[k]; ok {
				o := &ws[j]
				if !sameListen(o.Listen, w.Listen) || o.Connection.Open != w.Connection.Open {
					d.errorAt(p+".listen", "workloads %s and %s share the listener %s:%d but configure it differently "+
						"(listen: and connection.open must agree)", o.Name, w.Name, k.host, k.port)
				}
			} else {
				first[k] = i
			}
			continue
		}
		if w.Attack == nil {
			w.Attack = &Attack{Sources: Prefix{IPv4{198, 18, 0, 0}, 15}, Ports: PortRange{1024, 65535}, Spoof: true,
				Segment: "rst", Guess: "uniform", Len: 1}
		}
		a := w.Attack
		if w.Arrivals.Closed != nil {
			d.errorAt(p+".arrivals.closed", "an attacker sends at a rate: use poisson, interval or times")
		}
		if w.Kind != KindBlind {
			if a.Target != nil {
				d.errorAt(p+".attack.target", "only a blind attacker has a target")
			}
			for _, h := range hosts {
				if a.Spoof && a.Sources.Contains(h.Addr) {
					d.errorAt(p+".attack.sources", "the range %s holds host %s (%s); spoofed sources must reach no host", a.Sources, h.Name, netipString(h.Addr))
				}
			}
			continue
		}
		if a.Target == nil {
			d.errorAt(p+".attack", "a blind attacker needs target: {workload, conn}")
			continue
		}
		if a.Target.Conn < 1 {
			d.errorAt(p+".attack.target.conn", "got %d, want a connection ordinal ≥ 1", a.Target.Conn)
		}
		v := byName[a.Target.Workload]
		if v == nil {
			known := make([]string, 0, len(ws))
			for _, x := range ws {
				known = append(known, x.Name)
			}
			d.errorAt(p+".attack.target.workload", "unknown workload %q%s", clip(a.Target.Workload), didYouMean(a.Target.Workload, known))
			continue
		}
		if v.Kind != KindConnections {
			d.errorAt(p+".attack.target.workload", "workload %s is an attacker (%s); the target must open connections", v.Name, v.Kind)
		}
		if v.Server != w.Server {
			d.errorAt(p+".server", "got %s:%d, want the victim's server %s:%d: the blind attacker forges the client's segments to it",
				w.Server.Host, w.Server.Port, v.Server.Host, v.Server.Port)
		}
		if v.Count > 0 && a.Target.Conn > v.Count {
			d.errorAt(p+".attack.target.conn", "got %d, but workload %s opens %d connections", a.Target.Conn, v.Name, v.Count)
		}
	}
}

func sameListen(a, b Listen) bool {
	if a.Refuse != b.Refuse || (a.Backlog == nil) != (b.Backlog == nil) {
		return false
	}
	return a.Backlog == nil || *a.Backlog == *b.Backlog
}

func netipString(a IPv4) string { return strings.TrimSpace(netip.AddrFrom4(a).String()) }
