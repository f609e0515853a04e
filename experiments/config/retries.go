package config

import (
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Retries is a retry count (syn_retries, synack_retries, data_retries):
// a whole number ≥ 0, where 0 means no retransmission at all, or
// "unlimited" for no bound.
type Retries int64

// Unlimited is the Retries spelled "unlimited": no bound.
const Unlimited Retries = -1

const retriesWant = `want a whole number ≥ 0 or "unlimited"`

// ParseRetries parses a Retries: "unlimited" or a Count.
func ParseRetries(s string) (Retries, error) {
	if s == "unlimited" {
		return Unlimited, nil
	}
	c, err := ParseCount(s)
	if err != nil {
		return 0, fmt.Errorf("got %q, %s", s, retriesWant)
	}
	return Retries(c), nil
}

// String formats r in decimal, or as "unlimited".
func (r Retries) String() string {
	if r == Unlimited {
		return "unlimited"
	}
	return strconv.FormatInt(int64(r), 10)
}

func (x *Retries) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, retriesWant, x, ParseRetries)
}

// A range over a retry count sweeps whole numbers ("unlimited" is not a
// number a range can reach; list it in a grid instead).
func (x Retries) toFloat() float64         { return float64(x) }
func (Retries) fromFloat(f float64) string { return Retries(math.Round(f)).String() }
