package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workload opens connections from Client to Server. Connections arrive by
// Arrivals from Start until Count connections were opened or Until is reached
// (whichever comes first; at least one of them is required except for
// arrivals.times, whose length is the count).
type Workload struct {
	// Name identifies the workload in injections and result files; default
	// "w0", "w1", ... by position. Unique.
	Name string `yaml:"name"`
	// Client is the host that opens the connections. Required.
	Client string `yaml:"client" cfg:"required"`
	// Server is the host and port that listens. Required.
	Server HostPort `yaml:"server" cfg:"required"`
	// Arrivals says when connections are opened. Required.
	Arrivals Arrivals `yaml:"arrivals" cfg:"required"`
	// Count is the number of connections to open (0: no limit but Until).
	Count Count `yaml:"count"`
	// Until is the time after which no connection is opened (0: not set).
	Until Duration `yaml:"until"`
	// Start is the time of the first arrival (for interval and closed) or
	// from which arrivals are drawn (poisson). Default 0.
	Start Duration `yaml:"start"`
	// Connection is what each connection does.
	Connection Connection `yaml:"connection"`
	// Listen configures the server's listening socket. Workloads with the
	// same server host:port share one listener, so they must agree on it.
	Listen Listen `yaml:"listen"`
	// Kind is connections (clients that open connections as Connection
	// says), or an attacker: syn-flood, blind or ack-flood, configured by
	// Attack (schema_attack.go). Default connections.
	Kind string `yaml:"kind" default:"connections" enum:"connections|syn-flood|blind|ack-flood"`
	// Attack configures an attacker workload.
	Attack *Attack `yaml:"attack"`
}

// Arrivals is exactly one of: Poisson arrivals at a rate, one arrival every
// Interval, arrivals at the listed Times, or a Closed loop of clients.
type Arrivals struct {
	// Poisson is the mean arrival rate of a Poisson process (100/s).
	Poisson *ArrivalRate `yaml:"poisson"`
	// Interval opens one connection every Interval (> 0).
	Interval *Duration `yaml:"interval"`
	// Times lists the arrival times, relative to Start.
	Times []Duration `yaml:"times"`
	// Closed is a closed loop: Clients concurrent users, each opening a new
	// connection Think after its previous one ended.
	Closed *Closed `yaml:"closed"`
}

// Kind returns which arrival process is set: poisson, interval, times or
// closed.
func (a *Arrivals) Kind() string {
	switch {
	case a.Poisson != nil:
		return "poisson"
	case a.Interval != nil:
		return "interval"
	case a.Times != nil:
		return "times"
	case a.Closed != nil:
		return "closed"
	}
	return ""
}

type arrivalFields Arrivals

func (a *Arrivals) decodeNode(d *decoder, n *yaml.Node, path string) {
	d.structure(n, reflectValue((*arrivalFields)(a)), path)
	if n.Kind == yaml.MappingNode || isNull(n) {
		d.exactlyOne(n, path, "poisson", "interval", "times", "closed")
	}
}

// exactlyOne reports a mapping that does not give exactly one of keys; a
// null gives none of them.
func (d *decoder) exactlyOne(n *yaml.Node, path string, keys ...string) []string {
	if isNull(n) {
		d.errorf(n, path, "got nothing (null), want exactly one of %s", strings.Join(keys, ", "))
		return nil
	}
	order, m := d.mapping(n, path)
	var given []string
	for _, k := range order {
		v := m[k].val
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if contains(keys, k) && !isNull(v) { // a null is not given
			given = append(given, k)
		}
	}
	if len(given) != 1 {
		what := "none"
		if len(given) > 1 {
			what = strings.Join(given, " and ")
		}
		d.errorf(n, path, "got %s, want exactly one of %s", what, strings.Join(keys, ", "))
	}
	return given
}

// Closed is a closed-loop arrival process.
type Closed struct {
	// Clients is the number of concurrent users (≥ 1). Required.
	Clients Count `yaml:"clients" cfg:"required"`
	// Think is the time between a connection's end and the user's next
	// open. Default 0.
	Think *Dist `yaml:"think"`
}

// Connection is the script each connection of a workload follows: open,
// the client sends Send bytes while the server sends Receive bytes, both wait
// Hold, then Close says who closes.
type Connection struct {
	// Open is active (the client connects to a listening server) or
	// simultaneous (both hosts open actively at the same instant, from
	// server:port to the client's port: RFC 9293 Figure 8).
	Open string `yaml:"open" default:"active" enum:"active|simultaneous"`
	// Send is the bytes the client sends. Default 0.
	Send Size `yaml:"send"`
	// Receive is the bytes the server sends. Default 0.
	Receive Size `yaml:"receive"`
	// Close is who closes once the data is delivered: client (first),
	// server (first), both (simultaneous close), abort (the client sends
	// RST) or none (the connection is left open). Default client.
	Close string `yaml:"close" default:"client" enum:"client|server|both|abort|none"`
	// Hold is how long the closing side waits after the data exchange
	// before closing. Default 0.
	Hold Duration `yaml:"hold"`
}

// Listen configures a workload's listening socket on the server.
type Listen struct {
	// Backlog overrides the accept-queue bound of the host's TCP backlog.
	Backlog *Count `yaml:"backlog"`
	// Refuse opens no listener, so every SYN is answered with RST
	// (connections refused). Default false.
	Refuse bool `yaml:"refuse"`
}

// Injection is one scripted fault: exactly one of Replay, Drop, Crash,
// Link, Segment.
type Injection struct {
	// Name labels the injection in traces; default "i0", "i1", ...
	Name string `yaml:"name"`
	// Replay delivers extra copies of a matching segment later.
	Replay *Replay `yaml:"replay"`
	// Drop discards a matching segment.
	Drop *Drop `yaml:"drop"`
	// Crash crashes a host: all its TCBs vanish silently.
	Crash *Crash `yaml:"crash"`
	// Link takes a link down and up.
	Link *LinkEvent `yaml:"link"`
	// Segment delivers a crafted segment into a live connection
	// (schema_crafted.go).
	Segment *Crafted `yaml:"segment"`
}

// Kind returns which fault is set: replay, drop, crash, link or segment.
func (i *Injection) Kind() string {
	switch {
	case i.Replay != nil:
		return "replay"
	case i.Drop != nil:
		return "drop"
	case i.Crash != nil:
		return "crash"
	case i.Link != nil:
		return "link"
	case i.Segment != nil:
		return "segment"
	}
	return ""
}

type injectionFields Injection

func (i *Injection) decodeNode(d *decoder, n *yaml.Node, path string) {
	d.structure(n, reflectValue((*injectionFields)(i)), path)
	if n.Kind == yaml.MappingNode || isNull(n) {
		d.exactlyOne(n, path, "replay", "drop", "crash", "link", "segment")
	}
}

// Match selects segments as they leave a host: those whose flags equal Flags,
// of the selected connection and direction; Ordinal picks the k-th of them.
type Match struct {
	// Flags is the flag set in tcpdump notation: S (SYN), S. (SYN-ACK), F.
	// (FIN-ACK), R, R., . or A (a bare ACK), P (PSH), U (URG). SYN, FIN, RST
	// and ACK must equal the set exactly; P and U, when given, must be
	// present. Required.
	Flags Flags `yaml:"flags" cfg:"required"`
	// Workload restricts the match to one workload's connections.
	Workload string `yaml:"workload"`
	// Conn is the 1-based ordinal of the connection within the workload (or
	// overall), or any. Default any.
	Conn ConnSel `yaml:"conn" default:"any"`
	// Direction is c2s (client to server), s2c, or any. Default any.
	Direction string `yaml:"direction" default:"any" enum:"c2s|s2c|any"`
	// Ordinal picks the k-th matching segment (1-based). Default 1.
	Ordinal Count `yaml:"ordinal" default:"1"`
	// Every applies the injection to every matching segment instead of the
	// Ordinal-th only. Default false.
	Every bool `yaml:"every"`
}

// Replay delivers Copies copies of the matched segment, the first Delay after
// the original was sent and the others Spacing apart; the original is
// delivered as usual.
type Replay struct {
	// Match selects the segment. Required.
	Match Match `yaml:"match" cfg:"required"`
	// Delay is how long after the original the first copy is delivered.
	// Required.
	Delay Duration `yaml:"delay" cfg:"required"`
	// Copies is the number of copies (≥ 1). Default 1.
	Copies Count `yaml:"copies" default:"1"`
	// Spacing separates successive copies. Default 0.
	Spacing Duration `yaml:"spacing"`
}

// Drop discards the matched segment on its way out of the host.
type Drop struct {
	// Match selects the segment. Required.
	Match Match `yaml:"match" cfg:"required"`
}

// Crash crashes Host at At; it reboots Reboot later, or at RebootAt, or never
// if neither is given.
type Crash struct {
	// Host is the host that crashes. Required.
	Host string `yaml:"host" cfg:"required"`
	// At is the time of the crash. Required.
	At Duration `yaml:"at" cfg:"required"`
	// Reboot is the downtime before the host comes back.
	Reboot *Duration `yaml:"reboot"`
	// RebootAt is the absolute time the host comes back (> At).
	RebootAt *Duration `yaml:"reboot_at"`
}

// LinkEvent takes the named link down at Down and, if Up is given, back up.
type LinkEvent struct {
	// Name is the link's name. Required.
	Name string `yaml:"name" cfg:"required"`
	// Down is when the link goes down. Required.
	Down Duration `yaml:"down" cfg:"required"`
	// Up is when it comes back (> Down); 0: it stays down.
	Up Duration `yaml:"up"`
}

// Flags is a set of TCP flags in tcpdump notation; see [Match.Flags].
type Flags struct {
	// SYN, ACK, FIN, RST, PSH and URG are the flags in the set.
	SYN, ACK, FIN, RST, PSH, URG bool
}

// ParseFlags parses tcpdump-style flags: S, S., F., R, ., A, P, U.
func ParseFlags(s string) (Flags, error) {
	var f Flags
	if s == "" {
		return f, fmt.Errorf("got \"\", want flags such as S, S., F., R or . (ACK)")
	}
	for _, c := range s {
		var b *bool
		switch c {
		case 'S':
			b = &f.SYN
		case '.', 'A':
			b = &f.ACK
		case 'F':
			b = &f.FIN
		case 'R':
			b = &f.RST
		case 'P':
			b = &f.PSH
		case 'U':
			b = &f.URG
		default:
			return Flags{}, fmt.Errorf("got %q, want flags from S, F, R, P, U and . or A for ACK (e.g. S, S., F., R)", clip(s))
		}
		if *b {
			return Flags{}, fmt.Errorf("got %q, a flag is repeated", clip(s))
		}
		*b = true
	}
	return f, nil
}

// String formats f in tcpdump order (S, F, R, P, U, then . for ACK).
func (f Flags) String() string {
	var b strings.Builder
	for _, x := range []struct {
		on bool
		c  byte
	}{{f.SYN, 'S'}, {f.FIN, 'F'}, {f.RST, 'R'}, {f.PSH, 'P'}, {f.URG, 'U'}, {f.ACK, '.'}} {
		if x.on {
			b.WriteByte(x.c)
		}
	}
	return b.String()
}

func (f *Flags) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, "want flags such as S, S., F., R or . (ACK)", f, ParseFlags)
}

// ConnSel selects a connection by 1-based ordinal; Any (N == 0) matches all.
type ConnSel struct {
	// N is the connection ordinal, or 0 for any.
	N int64
}

// Any reports whether c matches every connection.
func (c ConnSel) Any() bool { return c.N == 0 }

// String formats c as a number or "any".
func (c ConnSel) String() string {
	if c.N == 0 {
		return "any"
	}
	return fmt.Sprint(c.N)
}

func (c *ConnSel) decodeNode(d *decoder, n *yaml.Node, path string) {
	const want = "want a connection ordinal ≥ 1 or any"
	s, ok := d.scalar(n, path, want)
	if !ok {
		return
	}
	if s == "any" {
		*c = ConnSel{}
		return
	}
	v, err := ParseCount(s)
	if err != nil || v < 1 {
		d.errorf(n, path, "got %q, %s", clip(s), want)
		return
	}
	*c = ConnSel{int64(v)}
}
