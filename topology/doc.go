// Package topology builds a network: hosts with IPv4 addresses and a TCP
// stack each, one-way links between them, and static routes; it carries
// segments from a stack's output over links, hop by hop, to the destination
// stack, and it crashes and reboots hosts.
//
// Routes are shortest paths by propagation delay (ties: fewest hops, then
// the lowest host indices), computed with gonum's Floyd-Warshall over the
// link graph, so they never depend on map order; explicit routes override
// them. A packet addressed to another host is forwarded by every host on
// its path (hosts are also routers).
//
// Demultiplexing to connections and listeners, and the RST for segments
// that match nothing (RFC 9293 §3.10.7.1), belong to the destination's
// endpoint.Stack: topology hands it every intact packet addressed to it.
// A corrupted packet is discarded at the next hop and reported to that
// host's stack as a checksum failure (the TCP checksum covers the whole
// segment). A crashed host drops everything sent to it and sends nothing
// until it reboots.
//
// Topology does not own workloads, injections or metrics (experiments).
package topology
