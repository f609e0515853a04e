package sim

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/link"
)

// Check maps one point of an experiment onto the configs of the model
// packages, which own the rules for their settings (endpoint.Config,
// link.Config and its distributions), and returns every problem they
// report, translated back to the YAML path and names the user wrote. It is
// the only place those rules reach the file format: config decodes and
// checks the file's own structure, and nothing else re-checks a model
// setting.
func Check(e *config.Experiment) []config.Problem {
	var out []config.Problem
	for i, h := range e.Hosts {
		base := fmt.Sprintf("hosts[%d]", i)
		_, err := TCPConfig(h)
		var ps endpoint.Problems
		switch {
		case errors.As(err, &ps):
			for _, p := range ps {
				path, words := tcpField(p.Field)
				out = append(out, config.Problem{Path: base + path, Msg: renamed(p.Msg, words)})
			}
		case err != nil:
			out = append(out, config.Problem{Path: base + ".tcp", Msg: err.Error()})
		}
	}
	var dirs []dirProblem
	for i := range e.Links {
		l := &e.Links[i]
		base := fmt.Sprintf("links[%d]", i)
		for k, d := range l.Directions() {
			over := ""
			switch {
			case k == 0 && l.Forward != nil:
				over = base + ".forward"
			case k == 1 && l.Reverse != nil:
				over = base + ".reverse"
			}
			var ps link.Problems
			if !errors.As(linkConfig(d.Spec).Validate(), &ps) {
				continue
			}
			for _, p := range ps {
				rel, words := linkField(p.Field, d.Spec)
				prob := config.Problem{Path: base + rel, Msg: renamed(p.Msg, words)}
				if j := d.Spec.Jitter; rel == ".jitter" && j.Dist == "uniform" && j.Min < 0 {
					prob.Msg += fmt.Sprintf(" (jitter: %v is netem's spread, ±%v around the delay: want a delay of at least %v, or {dist: uniform, min: 0, max: %v} for a one-sided spread)", j.Max, j.Max, j.Max, j.Max)
				}
				if over != "" {
					prob.Path, prob.Alt = over+rel, base+rel
				}
				dirs = append(dirs, dirProblem{prob, d.From + "->" + d.To})
			}
		}
		out = append(out, directed(dirs, len(l.Between) == 2)...)
		dirs = dirs[:0]
	}
	for i, w := range e.Workloads {
		if c := w.Arrivals.Closed; c != nil && c.Think != nil {
			path := fmt.Sprintf("workloads[%d].arrivals.closed.think", i)
			if _, err := link.NewSampler(dist(*c.Think), engine.NewStreams(0, 0).Source("check")); err != nil {
				var ps link.Problems
				if errors.As(err, &ps) {
					for _, p := range ps {
						rel, words := distField(strings.TrimPrefix(p.Field, "Dist"), *c.Think)
						out = append(out, config.Problem{Path: path + rel, Msg: renamed(p.Msg, words)})
					}
				} else {
					out = append(out, config.Problem{Path: path, Msg: err.Error()})
				}
			}
		}
	}
	return out
}

// dirProblem is a link problem found in one direction.
type dirProblem struct {
	config.Problem
	dir string
}

// directed reports a link's problems once when both directions have them,
// and names the direction when only one has.
func directed(ps []dirProblem, twoWay bool) []config.Problem {
	// A direction's override (forward:) inherits what it does not give, so
	// the same problem in both directions may come from the link's own
	// value: compare where the value is inherited from.
	key := func(p config.Problem) config.Problem {
		if p.Alt != "" {
			p.Path, p.Alt = p.Alt, ""
		}
		return p
	}
	count := map[config.Problem]int{}
	for _, p := range ps {
		count[key(p.Problem)]++
	}
	var out []config.Problem
	for _, p := range ps {
		k := key(p.Problem)
		switch n := count[k]; {
		case n == 0:
			continue // reported with the other direction
		case n == 2 || !twoWay:
			out = append(out, p.Problem)
		default:
			q := p.Problem
			q.Msg += " (direction " + p.dir + ")"
			out = append(out, q)
		}
		count[k] = 0
	}
	return out
}

// tcpPaths maps endpoint.Config fields to the YAML keys that set them,
// below a host.
var tcpPaths = map[string]string{
	"MSS": ".tcp.mss", "RcvWindow": ".tcp.rcv_window", "RcvBuf": ".tcp.rcv_window", "WScale": ".tcp.rcv_window", "Timestamps": ".tcp.timestamps",
	"ISN": ".tcp.isn", "ISNTick": ".tcp.isn", "Ports": ".ports.policy", "PortMin": ".ports.range", "PortMax": ".ports.range",
	"MSL": ".tcp.msl", "TimeWait": ".tcp.time_wait", "TimeWaitLen": ".tcp.time_wait", "RFC1337": ".tcp.rfc1337",
	"TimeWaitReopen": ".tcp.time_wait_reopen", "TwoWayHandshake": ".tcp.handshake",
	"ChallengeRST": ".tcp.challenge_ack", "ChallengeSYN": ".tcp.challenge_ack", "OOWAckInterval": ".tcp.oow_ack_interval",
	"InitialRTO": ".tcp.rto_initial", "MinRTO": ".tcp.rto_min", "MaxRTO": ".tcp.rto_max",
	"SynRTO": ".tcp.syn_rto_initial", "SynAckRTO": ".tcp.syn_rto_initial", "SynLinearTimeouts": ".tcp.syn_linear_timeouts",
	"SynRetries": ".tcp.syn_retries", "SynAckRetries": ".tcp.synack_retries", "DataRetries": ".tcp.data_retries",
	"UserTimeout": ".tcp.user_timeout", "FinWait2Timeout": ".tcp.fin_wait_2_timeout", "DelayedACK": ".tcp.delayed_ack",
	"KeepAlive": ".tcp.keepalive", "KeepIdle": ".tcp.keepalive.idle", "KeepInterval": ".tcp.keepalive.interval",
	"KeepCount": ".tcp.keepalive.probes", "SynQueue": ".tcp.backlog.syn_queue", "AcceptQueue": ".tcp.backlog.accept_queue",
	"ListenOverflow": ".tcp.backlog.overflow",
}

// tcpField returns the YAML path (below the host) of an endpoint.Config
// field, and the renaming of Go field names to YAML keys for its message.
func tcpField(field string) (string, map[string]string) {
	words := map[string]string{}
	for f, p := range tcpPaths {
		words[f] = p[strings.LastIndexByte(p, '.')+1:]
	}
	if p, ok := tcpPaths[field]; ok {
		return p, words
	}
	return ".tcp", words
}

// linkPaths maps link.Config fields to YAML keys below a link; loss fields
// depend on the loss model and are handled apart.
var linkPaths = map[string]string{
	"QueuePackets": ".queue.packets", "QueueBytes": ".queue.bytes", "Rate": ".rate", "Overhead": ".overhead",
	"Delay": ".delay", "Jitter": ".jitter", "JitterReorders": ".jitter", "Reorder.Prob": ".reorder.p",
	"Reorder.Gap": ".reorder.gap", "Reorder.Extra": ".reorder.delay", "Duplicate.Prob": ".duplicate.p",
	"Duplicate.Hold": ".duplicate.hold", "Corrupt": ".corrupt", "Loss": ".loss", "Loss.Model": ".loss.model",
	"Loss.P13": ".loss.p13", "Loss.P31": ".loss.p31", "Loss.P32": ".loss.p32", "Loss.P23": ".loss.p23", "Loss.P14": ".loss.p14",
	"Loss.LossGood": ".loss.loss_good", "Loss.LossBad": ".loss.loss_bad", "Loss.R": ".loss.p_bg",
}

var indexed = regexp.MustCompile(`^(Drop|Outages)\[(\d+)\](?:\.(\w+))?$`)

// linkField returns the YAML path (below the link) of a link.Config field
// and the renaming of Go names to YAML keys for its message.
func linkField(field string, s config.LinkSpec) (string, map[string]string) {
	words := map[string]string{"QueuePackets": "queue.packets", "QueueBytes": "queue.bytes", "Rate": "rate",
		"Overhead": "overhead", "Delay": "delay", "Jitter": "jitter", "Reorder.Prob": "reorder.p",
		"Reorder.Gap": "reorder.gap", "Reorder.Extra": "reorder.delay", "Duplicate.Prob": "duplicate.p",
		"Duplicate.Hold": "duplicate.hold", "Corrupt": "corrupt", "LossGood": "loss_good", "LossBad": "loss_bad",
		"P13": "p13", "P31": "p31", "P32": "p32", "P23": "p23", "P14": "p14"}
	if m := indexed.FindStringSubmatch(field); m != nil {
		if m[1] == "Drop" {
			return fmt.Sprintf(".loss.drop[%s]", m[2]), words
		}
		sub := ".at"
		if m[3] == "For" {
			sub = ".up"
		}
		return fmt.Sprintf(".down[%s]%s", m[2], sub), words
	}
	if field == "Loss.P" {
		if s.Loss != nil && s.Loss.Model == "gilbert-elliott" {
			words["P"], words["R"] = "p_gb", "p_bg"
			return ".loss.p_gb", words
		}
		return ".loss.p", words
	}
	for _, d := range []struct {
		prefix, path string
		spec         *config.Dist
	}{{"Jitter.", ".jitter", s.Jitter}, {"Reorder.Extra.", ".reorder.delay", reorderDelay(s)}, {"Duplicate.Hold.", ".duplicate.hold", duplicateHold(s)}} {
		if strings.HasPrefix(field, d.prefix) && d.spec != nil {
			rel, dw := distField(strings.TrimPrefix(field, d.prefix), *d.spec)
			for k, v := range dw {
				words[k] = v
			}
			return d.path + rel, words
		}
	}
	if p, ok := linkPaths[field]; ok {
		return p, words
	}
	return "", words
}

func reorderDelay(s config.LinkSpec) *config.Dist {
	if s.Reorder == nil {
		return nil
	}
	return s.Reorder.Delay
}

func duplicateHold(s config.LinkSpec) *config.Dist {
	if s.Duplicate == nil {
		return nil
	}
	return s.Duplicate.Hold
}

// distField returns the YAML path (below a distribution) of a link.Dist
// field. A log-normal is given by median and sigma and modelled by mean and
// standard deviation, so its problems point at the distribution.
func distField(field string, d config.Dist) (string, map[string]string) {
	keys := map[string]string{"Kind": "dist", "Value": "value", "Min": "min", "Max": "max", "Mean": "mean",
		"StdDev": "stddev", "Scale": "scale", "Shape": "shape", "Samples": "samples"}
	field = strings.TrimPrefix(field, ".")
	if d.Dist == "lognormal" && (field == "Mean" || field == "StdDev") {
		return "", keys
	}
	if k, ok := keys[field]; ok {
		return "." + k, keys
	}
	return "", keys
}

// renamed replaces whole-word Go field names in a model's message with the
// YAML keys the user knows them by.
func renamed(msg string, words map[string]string) string {
	return goName.ReplaceAllStringFunc(msg, func(w string) string {
		if y, ok := words[w]; ok {
			return y
		}
		return w
	})
}

var goName = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*\b`)
