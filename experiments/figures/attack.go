package figures

import (
	"math"
	"regexp"
	"strconv"
	"time"

	"tcpsim/endpoint"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/plots"
)

// attackRatePath matches a workload's arrival rate or interval: the x of
// the attack figures.
var attackRatePath = regexp.MustCompile(`^workloads\[(\d+)\]\.arrivals\.(poisson|interval)$`)

// attackModels returns the analytic curves of the attack experiments for
// the series of a metric figure: Erlang's loss formula over the SYN
// blocking fraction against a SYN flood's rate, and the RFC 5961 hit
// probability over the victims reset against a blind attacker's rate. firsts
// are each series' first sweep point; a curve's name says which series it
// belongs to (its K, its window), and series that share one get it once.
func attackModels(metric, x string, points []config.Point, firsts []int) []plots.Analytic {
	m := attackRatePath.FindStringSubmatch(x)
	if m == nil {
		return nil
	}
	wi, _ := strconv.Atoi(m[1])
	var out []plots.Analytic
	seen := map[string]bool{}
	for _, p := range firsts {
		e := points[p].Exp
		if wi >= len(e.Workloads) {
			return nil
		}
		name, curve, ok := attackModel(metric, e, wi, m[2] == "interval")
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, plots.Analytic{Name: name, F: curve})
	}
	return out
}

// attackModel returns the analytic curve of one sweep point's experiment
// against the rate (or, with interval, the interval in seconds) of
// workload wi.
func attackModel(metric string, e *config.Experiment, wi int, interval bool) (string, func(float64) float64, bool) {
	w := e.Workloads[wi]
	rate := func(x float64) float64 {
		if interval {
			return 1 / x
		}
		return x
	}
	server := hostConfig(e, w.Server.Host)
	if server == nil {
		return "", nil, false
	}
	switch {
	case metric == "syn_retried_frac" && w.Kind == config.KindSynFlood && w.Attack.Spoof:
		if server.SynCookies != endpoint.CookiesOff {
			return "", nil, false // the formula is for a queue that drops
		}
		k := synQueueSlots(e, w, server)
		t, ok := requestLifetime(server)
		if !ok || k < 1 || server.SynAckPrune && server.SynAckRetries > 2 {
			// With Linux's pruning the holding time depends on the queue's
			// state: no fixed T, no formula.
			return "", nil, false
		}
		return "Erlang B(K=" + strconv.Itoa(k) + ", λT), T=" + strconv.FormatFloat(t, 'g', 4, 64) + " s",
			func(x float64) float64 { return plots.ErlangB(k, rate(x)*t) }, true
	case metric == "reset_frac" && w.Kind == config.KindBlind:
		d := time.Duration(w.Until - w.Start).Seconds()
		if w.Until == 0 || d <= 0 {
			return "", nil, false
		}
		p, what := blindHitProbability(w.Attack.Segment, server)
		if what == "" {
			return "", nil, false
		}
		if w.Attack.Guess == "step" && (w.Attack.Step == 0 || uint32(w.Attack.Step) == uint32(server.RcvWindow)) {
			// A sweep one window at a time hits within 2^32/W guesses.
			return what + ", stepping", func(x float64) float64 { return math.Min(1, rate(x)*d*p) }, true
		}
		if w.Arrivals.Poisson != nil {
			return what, func(x float64) float64 { return -math.Expm1(-rate(x) * d * p) }, true
		}
		return what, func(x float64) float64 { return -math.Expm1(rate(x) * d * math.Log1p(-p)) }, true
	}
	return "", nil, false
}

// blindHitProbability is the chance that one uniformly guessed sequence
// number resets the connection: RCV.WND/2^32 for a RST or SYN under RFC
// 793's rules (in the window), 1/2^32 for a RST under RFC 5961 §3 (exactly
// RCV.NXT), 0 for a SYN under §4 (always a challenge ACK).
func blindHitProbability(segment string, c *endpoint.Config) (float64, string) {
	const space = 1 << 32
	w := float64(c.RcvWindow)
	switch {
	case segment == "rst" && c.ChallengeRST:
		return 1 / space, "1/2^32 (RFC 5961)"
	case segment == "syn" && c.ChallengeSYN:
		return 0, "0 (RFC 5961)"
	case segment == "rst" || segment == "syn":
		return w / space, "W/2^32, W=" + strconv.Itoa(int(c.RcvWindow))
	}
	return 0, ""
}

// hostConfig returns the endpoint config of the named host.
func hostConfig(e *config.Experiment, name string) *endpoint.Config {
	for _, h := range e.Hosts {
		if h.Name == name {
			c, err := sim.TCPConfig(h)
			if err != nil {
				return nil
			}
			return &c
		}
	}
	return nil
}

// synQueueSlots is the SYN-queue bound of the listener w attacks: the
// config's SynQueue, or (0) the backlog its connection workloads ask for,
// capped by Somaxconn, as endpoint.Listen sizes it.
func synQueueSlots(e *config.Experiment, w config.Workload, c *endpoint.Config) int {
	if c.SynQueue > 0 {
		return c.SynQueue
	}
	backlog := c.AcceptQueue
	for _, v := range e.Workloads {
		if !sim.IsAttacker(v) && v.Server == w.Server && v.Listen.Backlog != nil {
			backlog = int(*v.Listen.Backlog)
		}
	}
	if c.Somaxconn > 0 {
		backlog = min(backlog, c.Somaxconn)
	}
	return backlog
}

// requestLifetime is how long a request whose SYN-ACKs go unanswered holds
// its slot: SynAckRetries+1 timeouts doubling from SynAckRTO (each capped
// at MaxRTO), or ConnectTimeout if shorter. ok is false when unbounded.
func requestLifetime(c *endpoint.Config) (float64, bool) {
	if c.SynAckRetries == endpoint.Unlimited {
		if c.ConnectTimeout > 0 {
			return c.ConnectTimeout.Seconds(), true
		}
		return 0, false
	}
	var t time.Duration
	rto := c.SynAckRTO
	for range c.SynAckRetries + 1 {
		t += min(rto, c.MaxRTO)
		rto *= 2
	}
	if c.ConnectTimeout > 0 {
		t = min(t, c.ConnectTimeout)
	}
	return t.Seconds(), true
}
