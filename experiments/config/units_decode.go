package config

import "go.yaml.in/yaml/v3"

// The decodeNode methods of the unit types: each reads a scalar through the
// type's Parse function.

func (x *Duration) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, durationWant, x, ParseDuration)
}

func (x *Rate) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, rateWant, x, ParseRate)
}

func (x *Size) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, sizeWant, x, ParseSize)
}

func (x *Prob) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, probWant, x, ParseProb)
}

func (x *Count) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, "want a whole number ≥ 0", x, ParseCount)
}

func (x *ArrivalRate) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, arrivalWant, x, ParseArrivalRate)
}

func (x *PortRange) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, portRangeWant, x, ParsePortRange)
}

func (x *IPv4) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, "want an IPv4 address such as 10.0.0.1", x, ParseIPv4)
}

func (x *HostPort) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, "want host:port (e.g. server:80)", x, ParseHostPort)
}
