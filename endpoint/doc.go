// Package endpoint is tcpsim's TCP: the segment type, modular sequence
// numbers, the transmission control block and the whole RFC 9293 state
// machine (§3.10: user calls, SEGMENT ARRIVES in every state, timeouts),
// listeners with SYN and accept queues, retransmission per RFC 6298, and
// switches for the places where real stacks and later RFCs differ.
//
// # Owning and not owning
//
// endpoint owns one host's TCP ([Stack]). It does not own links, routing,
// corruption or host lifecycles (topology), nor workloads, stale-segment
// injection or metrics (experiments). It imports only engine.
//
// # Wiring a host
//
//	ids := endpoint.NewIDs()                       // one per simulation
//	cfg, _ := endpoint.Profile("linux")            // or DefaultConfig(); override fields
//	st, err := endpoint.NewStack(sim, endpoint.AddrFrom4(10, 0, 0, 1), cfg,
//		streams.Rand("host/10.0.0.1/tcp"), ids, net)
//
// net implements [Output]: Transmit(src, dst, seg) is called for every
// segment the host sends; the network must deliver it later (through an
// engine event) by calling the destination stack's [Stack.Deliver]. A
// segment the network corrupts is discarded there, and may be reported with
// [Stack.Drop]. [Segment.WireSize] is the TCP size; add 20 bytes of IPv4.
// [Stack.Crash] makes every TCB vanish silently (a crash; the stack is
// usable again at once, as after a reboot).
//
// # User calls (RFC 9293 §3.10.1-3.10.6)
//
//   - Active OPEN: [Stack.Connect] (ephemeral port) or [Stack.ConnectFrom]
//     (given port) return a [Conn].
//   - Passive OPEN: [Stack.Listen] returns a [Listener]; each acceptable SYN
//     forks a TCB in SYN-RECEIVED, bounded by the SYN queue; established
//     connections wait in the accept queue (ManualAccept and
//     [Listener.Accept]) or are accepted at once and reported with
//     OnAccept.
//   - SEND: [Conn.Send](n) queues n bytes. RECEIVE is implicit: bytes are
//     delivered in order as they arrive and reported with OnData; the
//     receive window is fixed (Config.RcvWindow, or RcvBuf when window
//     scaling is negotiated; [Conn.SetRcvBuf] changes it).
//   - CLOSE: [Conn.Close]; ABORT: [Conn.Abort]; STATUS: [Conn.Status],
//     [Conn.State].
//
// Errors are the RFC's error strings as sentinels (ErrNotExist,
// ErrClosing, ErrExists, ErrInsufficient, ...).
//
// # Application reports
//
// A [Handler] gets OnEstablished (active open done), OnAccept (on the
// listener's handler), OnData(n, stale), OnPeerClose (FIN received) and
// OnClosed(reason) with [Reason] normal, refused, reset, timed out or
// aborted. Reports are made after the stack has finished the event that
// caused them, so a handler may call back into the stack. OnClosed is the
// last report; an active closer gets it when TIME-WAIT begins. The segment
// that completes a passive open may also carry data and a FIN: OnAccept
// comes first, on the listener's handler, and the reports after it go to
// whatever handler OnAccept installs with [Conn.SetHandler] (SetHandler
// redirects a connection's reports that are due but not yet made).
// [Listener.AcceptTo] does the same for a manual accept queue.
//
// # Incarnations and stale data
//
// Every TCB (and listener) gets a unique [Incarnation] from the [IDs]
// shared by all stacks of a simulation. Each segment a TCB sends carries
// Origin = its incarnation (0 for resets a stack sends with no TCB), and
// its payload is identified by (Origin, Offset) instead of bytes. A TCB
// learns its peer's incarnation from the SYN or SYN-ACK that synchronized
// it ([Conn.PeerIncarnation], [ConnID].Peer); bytes delivered whose origin
// differs are stale, reported in OnData and counted in
// [Counters].StaleSegments and StaleBytes. A server TCB whose Peer names no
// live client incarnation is a ghost; experiments find them from
// [StateEvent]s. [Segment].Replay marks injected replays for traces; the
// protocol ignores it.
//
// # Observation
//
// An [Observer] set with [Stack.SetObserver] sees every state change
// ([StateEvent]: time, connection, from, to, [Cause]) and every segment
// sent, received or dropped ([SegmentEvent] with a [Note] such as
// unacceptable, bad ACK, RST ignored, challenge ACK, backlog full). With
// no observer nothing is built. [Stack.Counters] has the protocol counters
// and [Stack.Transitions] the (from, cause, to) counts; [Legal] says
// whether a (from, to) pair is an RFC 9293 transition.
//
// # Configuration
//
// [Config] holds every tunable; [Profile] gives the presets "rfc9293"
// (default), "linux" and "freebsd"; [Features] (options.go) are the
// options offered (SACK-permitted, window scale), their wire layout and
// the socket-layer behaviours that differ between stacks. Ablations are single fields: TwoWayHandshake,
// TimeWait (2·MSL, fixed, none), RFC1337, TimeWaitReopen with ReopenISN,
// ChallengeRST/ChallengeSYN/ACKCheck (RFC 5961 or RFC 793), ISN policy
// (RFC 9293 §3.4.1 clock plus keyed hash, RFC 793 clock, random, zero).
// OOWAckInterval throttles the ACKs that answer unacceptable segments
// (Linux's tcp_invalid_ratelimit, 500 ms in both profiles); at 0 two
// desynchronized ends can ACK each other forever, exactly as RFC 9293's
// text allows. Retry counts (SynRetries, SynAckRetries, DataRetries) mean
// what Linux's sysctls of those names mean; 0 is zero retransmissions and
// [Unlimited] no bound. A passive SYN-RECEIVED TCB is Linux's request
// socket when SynRcvdDupSynAck and SynRcvdDupSynAckRearm are set: a
// retransmitted SYN is answered with a SYN-ACK (rate limited like an
// out-of-window ACK) that restarts the SYN-ACK timer, and only the timer's
// own firings spend SynAckRetries.
//
// # Deliberate simplifications
//
//   - No congestion control; the peer's window alone limits sending.
//   - Text and FIN carried on a SYN are not accepted (Linux without Fast
//     Open); text on a SYN-ACK is.
//   - No urgent data, security/compartment, PAWS, ECN or global
//     challenge-ACK limit (RFC 5961 §7). Window scaling and SACK-permitted
//     are negotiated (RFC 7323 §2, RFC 2018) and a receiver sends SACK
//     blocks, but a sender keeps no SACK scoreboard (retransmission is
//     RFC 6298's alone); zero-window probes count
//     against DataRetries. Timestamps are carried (RFC 7323) and used
//     by the TIME-WAIT reopen rule of RFC 6191.
//   - A listener is never fully specified, so SEND on LISTEN (§3.10.2) is
//     not offered.
//   - A passive SYN-RECEIVED TCB that "returns to LISTEN" is deleted: its
//     listener already is the LISTEN state. It is reported as
//     SYN-RECEIVED → LISTEN.
//
// # Implementation
//
// One file per concern: state.go (states, causes, the legal transitions),
// seq.go, segment.go, open.go (SYN-SENT and SYN-RECEIVED), established.go
// (§3.10.7.4 for the synchronized states, data and ACK processing),
// close.go (FIN, TIME-WAIT remnants), output.go, timers.go, isn.go,
// listen.go, defences.go (the listener's defences: Linux's queue bounds,
// tcp_max_syn_backlog, SYN cookies with RFC 4987 §3.6's layout, request
// pruning), stack.go (demultiplexing, CLOSED state, ports). A TIME-WAIT
// connection is kept as a compact remnant (like Linux's
// tcp_timewait_sock) and its timeouts as one FIFO per stack; a live TCB
// multiplexes its logical timers on one engine.Timer; TCBs are recycled,
// so a steady stream of connections allocates nothing (BenchmarkConnection).
// TestTimeWaitFootprint measures a remnant's heap cost, table overhead
// included (about 110 bytes; a live TCB is about 400).
package endpoint
