// Package packetdrill runs packetdrill scripts against one simulated tcpsim
// host: the script plays the remote peer segment by segment ("<" lines),
// states what the host must answer (">" lines) within a time tolerance, and
// drives the host's sockets with system calls.
//
// # Owning and not owning
//
// The package owns the script language subset (script.go, parse.go,
// preprocess.go, scan.go), the socket layer a script's system calls need on
// top of endpoint's user calls (socket.go and calls.go: file descriptors,
// errno results, unread bytes, SO_ERROR, blocking calls;
// sockopt.go: socket options and the constants that differ between
// systems), the table of sysctls and shell commands it understands
// (shell.go), the
// comparison of expected and actual segments (match.go), the runner
// (run.go) and the per-script result (report.go). It does not own TCP:
// every protocol decision is endpoint's, chosen by the profile.
//
// # Outcomes
//
// A script PASSes when every event happened as written, FAILs at the first
// event that did not (the result names the line, what was expected and what
// the host did, with times), and SKIPs when it uses anything outside the
// subset, with the reason. Nothing outside the subset is ever ignored
// silently.
//
// # Comparison modes
//
// In strict mode (the "freebsd" and "linux" profiles) every field a script
// gives is compared: flags, sequence and acknowledgment numbers, lengths,
// windows, options in their order, socket-buffer sizes. In RFC mode (the
// "rfc9293" profile) only what the RFCs fix is compared: flags, sequence and
// acknowledgment numbers, lengths, timing, call results, states,
// and the MSS, TS echo and SACK blocks of options both sides carry; window
// values, the order, padding and choice of options and buffer sizes are
// left to the stack, as RFC 9293 leaves them (docs/packetdrill.md).
package packetdrill
