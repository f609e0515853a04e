// Package topology builds a network: hosts with IPv4 addresses and a TCP
// stack each, one-way links between them, and static routes; it carries
// segments from a stack's output over links, hop by hop, to the destination
// stack, and it crashes and reboots hosts.
//
// Routes are shortest paths by propagation delay (ties: fewest hops, then
// the lowest host indices), so they never depend on map order; explicit
// routes override them. The routes toward a destination are computed when
// a packet first travels toward it, by one Dijkstra pass over the reversed
// links, and shared by every network of the same topology (routes.go): a
// sweep's runs pay for them once, and a 10,000-host chain routes in
// milliseconds. A packet addressed to another host is forwarded by every host on
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
