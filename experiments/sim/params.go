package sim

import (
	"regexp"
	"strconv"

	"tcpsim/experiments/config"
)

// ParamValue is the value of swept parameter i at point p as runs.csv and
// summary.csv hold it: a plain number in SI units where the value is a
// quantity (seconds, a probability, bit/s, bytes, a count, arrivals per
// second), so that a data-frame library reads the column as numbers; the
// file's text otherwise (a choice such as three-way, a loss model's
// mapping). The text as written stays in the manifest's experiment.
func ParamValue(p config.Point, i int) string {
	x := p.Params[i]
	v, ok := p.Exp.Value(x.Path)
	if !ok {
		return x.Value
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch v := v.(type) {
	case config.Duration:
		return num(v.D().Seconds())
	case config.Prob:
		return num(float64(v))
	case config.Rate:
		return strconv.FormatUint(uint64(v), 10)
	case config.Size:
		return strconv.FormatUint(uint64(v), 10)
	case config.Count:
		return strconv.FormatInt(int64(v), 10)
	case config.ArrivalRate:
		return num(float64(v))
	case config.Retries:
		if v == config.Unlimited {
			return "unlimited"
		}
		return strconv.FormatInt(int64(v), 10)
	case config.TimeWait:
		// The length it gives that host: 2msl resolves with the host's MSL
		// (its own or its profile's).
		if m := hostPath.FindStringSubmatch(x.Path); m != nil {
			if h, _ := strconv.Atoi(m[1]); h < len(p.Exp.Hosts) {
				if c, err := TCPConfig(p.Exp.Hosts[h]); err == nil {
					return num(c.TimeWaitDuration().Seconds())
				}
			}
		}
	case config.Loss:
		if v.Model == "bernoulli" {
			return num(float64(v.P))
		}
	case bool:
		return strconv.FormatBool(v)
	}
	return x.Value
}

var hostPath = regexp.MustCompile(`^hosts\[(\d+)\]\.`)
