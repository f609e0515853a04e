// Package trace records what one run did, for people and for their tools: a
// pcap file that Wireshark and tshark open (IPv4 + TCP headers with correct
// checksums, nanosecond timestamps, payload zero-filled), and a text trace
// that reads like `tcpdump -n -S` output prefixed by the simulated time and
// followed by the state change each segment caused.
//
// It does not decide what to capture: package tracing attaches it as an
// observer at a chosen host.
package trace
