package sim

import (
	"fmt"
	"math"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/link"
	"tcpsim/topology"
)

// forever stands for "no end" in durations handed to link outages.
const forever = time.Duration(math.MaxInt64 / 2)

// buildNetwork creates the hosts, links and routes of one run.
func buildNetwork(sim *engine.Sim, streams engine.Streams, e *config.Experiment) (*topology.Network, error) {
	net := topology.New(sim, streams)
	for _, h := range e.Hosts {
		cfg, err := TCPConfig(h)
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", h.Name, err)
		}
		a := h.Addr
		if _, err := net.AddHost(h.Name, endpoint.AddrFrom4(a[0], a[1], a[2], a[3]), cfg); err != nil {
			return nil, err
		}
	}
	for _, l := range e.Links {
		for _, d := range l.Directions() {
			if _, err := net.Connect(d.Name, net.Host(d.From), net.Host(d.To), linkConfig(d.Spec)); err != nil {
				return nil, err
			}
		}
	}
	routes, err := explicitRoutes(net, e.Routes)
	if err != nil {
		return nil, err
	}
	if err := net.ComputeRoutes(routes...); err != nil {
		return nil, err
	}
	return net, nil
}

// explicitRoutes turns each route path [h0, h1, ..., hn] into next hops:
// at every hi, packets for hn leave on the fastest link hi→hi+1.
func explicitRoutes(net *topology.Network, routes []config.Route) ([]topology.Route, error) {
	var out []topology.Route
	for _, r := range routes {
		dst := r.Path[len(r.Path)-1]
		for i := 0; i+1 < len(r.Path); i++ {
			var via *topology.Link
			for _, l := range net.Links() {
				if l.From.Name == r.Path[i] && l.To.Name == r.Path[i+1] &&
					(via == nil || l.Config().Delay < via.Config().Delay) {
					via = l
				}
			}
			if via == nil {
				return nil, fmt.Errorf("route %v: no link from %s to %s", r.Path, r.Path[i], r.Path[i+1])
			}
			out = append(out, topology.Route{From: r.Path[i], To: dst, Via: via.Name})
		}
	}
	return out, nil
}

// TCPConfig applies a host's profile and overrides: the endpoint.Config
// host h runs with (the figures read it for their analytic models).
func TCPConfig(h config.Host) (endpoint.Config, error) {
	t := h.TCP
	c, err := endpoint.Profile(t.Profile)
	if err != nil {
		return c, err
	}
	if t.ISN != nil {
		c.ISN = map[string]endpoint.ISNPolicy{"rfc9293": endpoint.ISNRFC9293, "rfc793": endpoint.ISNClock,
			"random": endpoint.ISNRandom, "zero": endpoint.ISNZero}[*t.ISN]
	}
	if t.MSL != nil {
		c.MSL = time.Duration(*t.MSL)
	}
	if t.TimeWait != nil {
		switch tw := *t.TimeWait; {
		case tw.None:
			c.TimeWait = endpoint.TimeWaitNone
		case tw.MSLs == 2:
			c.TimeWait = endpoint.TimeWait2MSL
		default:
			d, _ := tw.Resolve(config.Duration(c.MSL))
			c.TimeWait, c.TimeWaitLen = endpoint.TimeWaitFixed, time.Duration(d)
		}
	}
	setBool(&c.RFC1337, t.RFC1337)
	setBool(&c.TimeWaitReopen, t.TimeWaitReopen)
	setBool(&c.Timestamps, t.Timestamps)
	if t.Handshake != nil {
		c.TwoWayHandshake = *t.Handshake == "two-way"
	}
	if t.ChallengeACK != nil {
		c.ChallengeRST, c.ChallengeSYN = *t.ChallengeACK, *t.ChallengeACK
	}
	setDur(&c.OOWAckInterval, t.OOWAckInterval)
	setRetries(&c.SynRetries, t.SynRetries)
	setRetries(&c.SynAckRetries, t.SynackRetries)
	setRetries(&c.DataRetries, t.DataRetries)
	setInt(&c.SynLinearTimeouts, t.SynLinearTimeouts)
	setDur(&c.InitialRTO, t.RTOInitial)
	setDur(&c.MinRTO, t.RTOMin)
	setDur(&c.MaxRTO, t.RTOMax)
	if t.SynRTOInitial != nil {
		c.SynRTO, c.SynAckRTO = time.Duration(*t.SynRTOInitial), time.Duration(*t.SynRTOInitial)
	}
	setDur(&c.UserTimeout, t.UserTimeout)
	setDur(&c.FinWait2Timeout, t.FinWait2Timeout)
	setDur(&c.DelayedACK, t.DelayedACK)
	if k := t.Keepalive; k != nil {
		c.KeepAlive = k.Enabled == nil || *k.Enabled
		setDur(&c.KeepIdle, k.Idle)
		setDur(&c.KeepInterval, k.Interval)
		setInt(&c.KeepCount, k.Probes)
	}
	if t.MSS != nil {
		c.MSS = uint16(min(*t.MSS, 65535))
	}
	if t.RcvWindow != nil {
		w := uint64(*t.RcvWindow)
		c.RcvWindow = uint16(min(w, 65535))
		c.RcvBuf = int(w)
		if w > 65536 { // 64KiB is taken as 65535, the largest 16-bit window
			// RFC 7323 §2.2: the smallest shift whose scaled 16-bit
			// field covers the window.
			c.WindowScale = true
			for c.WScale = 0; 65535<<c.WScale < w; c.WScale++ {
			}
		}
	}
	if b := t.Backlog; b != nil {
		setInt(&c.SynQueue, b.SynQueue)
		setInt(&c.AcceptQueue, b.AcceptQueue)
		setInt(&c.Somaxconn, b.Somaxconn)
		setInt(&c.MaxSynBacklog, b.MaxSynBacklog)
		setBool(&c.SynAckPrune, b.SynackPrune)
		if b.Syncookies != nil {
			c.SynCookies, _ = endpoint.ParseSynCookieMode(*b.Syncookies)
		}
		if b.Overflow != nil && *b.Overflow == "rst" {
			c.ListenOverflow = endpoint.OverflowReset
		} else if b.Overflow != nil {
			c.ListenOverflow = endpoint.OverflowDrop
		}
	}
	c.PortMin, c.PortMax = h.Ports.Range.Lo, h.Ports.Range.Hi
	c.Ports = endpoint.PortsSequential
	if h.Ports.Policy == "random" {
		c.Ports = endpoint.PortsRandom
	}
	return c, c.Validate()
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

func setInt(dst *int, v *config.Count) {
	if v != nil {
		*dst = int(*v)
	}
}

// setRetries maps a retry count: an explicit 0 is 0 retransmissions, and
// "unlimited" is endpoint.Unlimited.
func setRetries(dst *int, v *config.Retries) {
	switch {
	case v == nil:
	case *v == config.Unlimited:
		*dst = endpoint.Unlimited
	default:
		*dst = int(*v)
	}
}

func setDur(dst *time.Duration, v *config.Duration) {
	if v != nil {
		*dst = time.Duration(*v)
	}
}

// linkConfig maps one direction's spec onto the link model.
func linkConfig(s config.LinkSpec) link.Config {
	c := link.Config{
		Rate:     int64(s.Rate),
		Overhead: int(s.Overhead),
		Delay:    time.Duration(s.Delay),
		Corrupt:  float64(s.Corrupt),
	}
	if c.Rate > 0 { // without a rate no packet ever waits, so no queue bound applies
		c.QueuePackets, c.QueueBytes = int(s.Queue.Packets), int(s.Queue.Bytes)
	}
	if s.Jitter != nil {
		c.Jitter = dist(*s.Jitter)
	}
	if l := s.Loss; l != nil {
		switch l.Model {
		case "bernoulli":
			c.Loss = link.Loss{Model: link.Bernoulli, P: float64(l.P)}
		case "gilbert-elliott":
			bad := 1.0
			if l.LossBad != nil {
				bad = float64(*l.LossBad)
			}
			c.Loss = link.Loss{Model: link.GilbertElliott, P: float64(l.PGB), R: float64(l.PBG),
				LossGood: float64(l.LossGood), LossBad: bad}
		case "markov4":
			c.Loss = link.Loss{Model: link.FourState, P13: float64(l.P13), P31: float64(l.P31),
				P32: float64(l.P32), P23: float64(l.P23), P14: float64(l.P14)}
		case "list":
			for _, k := range l.Drop {
				c.Drop = append(c.Drop, int(k)-1) // the file counts from 1
			}
		}
	}
	// With p 0 (a sweep's first point, say) a hold or a reordering form
	// has nothing to act on: leave it out rather than have the link refuse
	// a setting the next point needs.
	if d := s.Duplicate; d != nil {
		c.Duplicate.Prob = float64(d.P)
		if d.Hold != nil && d.P > 0 {
			c.Duplicate.Hold = dist(*d.Hold)
		}
	}
	if r := s.Reorder; r != nil && r.P > 0 {
		c.Reorder.Prob = float64(r.P)
		c.Reorder.Gap = int(r.Gap)
		if r.Delay != nil {
			c.Reorder.Extra = dist(*r.Delay)
		}
	}
	for _, o := range s.Down {
		length := forever
		if o.Up > o.At {
			length = time.Duration(o.Up - o.At)
		}
		c.Outages = append(c.Outages, link.Outage{At: time.Duration(o.At), For: length})
	}
	return c
}

// dist maps a distribution. The file gives a log-normal by its median and
// the σ of its logarithm; the link model takes its mean and standard
// deviation: mean = median·e^(σ²/2), sd = mean·√(e^(σ²)−1).
func dist(d config.Dist) link.Dist {
	switch d.Dist {
	case "constant":
		return link.Dist{Kind: link.Constant, Value: time.Duration(d.Value)}
	case "uniform":
		return link.Dist{Kind: link.Uniform, Min: time.Duration(d.Min), Max: time.Duration(d.Max)}
	case "normal":
		return link.Dist{Kind: link.Normal, Mean: time.Duration(d.Mean), StdDev: time.Duration(d.Stddev)}
	case "exponential":
		return link.Dist{Kind: link.Exponential, Mean: time.Duration(d.Mean)}
	case "pareto":
		return link.Dist{Kind: link.Pareto, Scale: time.Duration(d.Scale), Shape: d.Shape}
	case "lognormal":
		s2 := d.Sigma * d.Sigma
		mean := float64(d.Median) * math.Exp(s2/2)
		return link.Dist{Kind: link.LogNormal, Mean: time.Duration(mean),
			StdDev: time.Duration(mean * math.Sqrt(math.Expm1(s2)))}
	case "empirical":
		s := make([]time.Duration, len(d.Samples))
		for i, v := range d.Samples {
			s[i] = time.Duration(v)
		}
		return link.Dist{Kind: link.Empirical, Samples: s}
	}
	return link.Dist{}
}
