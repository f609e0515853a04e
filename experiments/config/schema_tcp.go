package config

// TCP is a host's TCP configuration: a profile that sets every knob, plus
// overrides. Every override is a pointer: nil means "as the profile says",
// which differs from an explicit zero. The endpoint package owns the values
// each profile implies; this package only carries the choices.
type TCP struct {
	// Profile is the base behaviour: rfc9293 (the standard, with RFC 6298
	// timers, RFC 5961 challenge ACKs and RFC 6528 ISNs) or linux (Linux
	// defaults where they differ: MSL-independent 60s TIME-WAIT, 1s initial
	// RTO, 200ms minimum RTO, syn_retries 6 with syn_linear_timeouts 4, so
	// 10 SYN retransmissions, synack_retries 5, ...). Default rfc9293.
	Profile string `yaml:"profile" default:"rfc9293" enum:"rfc9293|linux"`

	// ISN selects initial sequence numbers: rfc9293 (clock plus keyed hash
	// of the 4-tuple, RFC 6528), rfc793 (the 4 µs clock alone), random
	// (uniform per connection) or zero (always 0, an ablation).
	ISN *string `yaml:"isn" enum:"rfc9293|rfc793|random|zero"`
	// MSL is the maximum segment lifetime; a time_wait of Nmsl lasts N × MSL.
	MSL *Duration `yaml:"msl"`
	// TimeWait is how long TIME-WAIT lasts: 2msl, a duration, or none.
	TimeWait *TimeWait `yaml:"time_wait"`
	// RFC1337 makes TIME-WAIT ignore RSTs (RFC 1337's fix for TIME-WAIT
	// assassination).
	RFC1337 *bool `yaml:"rfc1337"`
	// TimeWaitReopen lets a SYN with a higher sequence number reopen a
	// connection in TIME-WAIT (RFC 9293 §3.6.1 note, RFC 6191).
	TimeWaitReopen *bool `yaml:"time_wait_reopen"`
	// Timestamps enables RFC 7323 timestamps and PAWS.
	Timestamps *bool `yaml:"timestamps"`
	// Handshake is three-way (RFC 9293) or two-way (an ablation: the server
	// is ESTABLISHED as soon as it answers a SYN; the client does not ACK).
	Handshake *string `yaml:"handshake" enum:"three-way|two-way"`
	// ChallengeACK answers in-window SYNs and RSTs not exactly at RCV.NXT with
	// a challenge ACK (RFC 5961 §3, §4) instead of acting on them.
	ChallengeACK *bool `yaml:"challenge_ack"`
	// OOWAckInterval allows at most one ACK per interval in answer to
	// unacceptable segments (out-of-window, bad ACK, challenge ACK), RFC
	// 5961 §7 and Errata ID 4772; 0 answers every one, as RFC 9293
	// §3.10.7.4's text does, which lets two desynchronized ends ACK each
	// other forever. Default 500ms in both profiles (Linux
	// tcp_invalid_ratelimit).
	OOWAckInterval *Duration `yaml:"oow_ack_interval"`

	// SynRetries bounds the SYN retransmissions of an active open, as
	// Linux's tcp_syn_retries: it gives up after syn_retries +
	// syn_linear_timeouts of them (the linux profile: 6 + 4), and under
	// the linux profile also once the time syn_retries doubling timeouts
	// would take has passed. An explicit 0 counts as 0 (under rfc9293 the
	// SYN is sent once; under linux, SYNs at 0 and 1s); unlimited: no
	// bound (rfc9293, which bounds the attempt by its 3-minute R2 instead).
	SynRetries *Retries `yaml:"syn_retries"`
	// SynackRetries bounds the SYN-ACK retransmissions made by the timer
	// of a passive open (Linux tcp_synack_retries; linux: 5, rfc9293:
	// unlimited); 0 sends the SYN-ACK once.
	SynackRetries *Retries `yaml:"synack_retries"`
	// DataRetries is the number of data retransmissions before aborting
	// (Linux tcp_retries2; linux: 15, rfc9293: unlimited, with a 5-minute
	// user timeout); 0 aborts at the first timeout.
	DataRetries *Retries `yaml:"data_retries"`
	// RTOInitial is the initial retransmission timeout (RFC 6298: 1s).
	RTOInitial *Duration `yaml:"rto_initial"`
	// RTOMin and RTOMax bound the retransmission timeout.
	RTOMin *Duration `yaml:"rto_min"`
	// RTOMax is the upper bound of the retransmission timeout.
	RTOMax *Duration `yaml:"rto_max"`
	// SynRTOInitial overrides the initial timeout of SYN and SYN-ACK only.
	SynRTOInitial *Duration `yaml:"syn_rto_initial"`
	// SynLinearTimeouts is Linux's tcp_syn_linear_timeouts (linux: 4,
	// rfc9293: 0): the first syn_linear_timeouts+1 SYN timeouts stay at
	// syn_rto_initial before exponential backoff starts, and an active
	// open gets that many retransmissions on top of syn_retries.
	SynLinearTimeouts *Count `yaml:"syn_linear_timeouts"`
	// UserTimeout aborts a connection whose data stays unacknowledged this
	// long (RFC 5482); 0 disables it.
	UserTimeout *Duration `yaml:"user_timeout"`
	// FinWait2Timeout closes an orphaned FIN-WAIT-2 connection after this
	// long (Linux tcp_fin_timeout); 0 waits forever, as RFC 9293 does.
	FinWait2Timeout *Duration `yaml:"fin_wait_2_timeout"`
	// DelayedACK is the longest an ACK may be delayed (RFC 9293 §3.8.6.3
	// allows up to 500ms); 0 acknowledges every segment at once.
	DelayedACK *Duration `yaml:"delayed_ack"`
	// Keepalive configures keep-alive probes (RFC 9293 §3.8.4); nil: off,
	// unless the profile turns them on.
	Keepalive *Keepalive `yaml:"keepalive"`
	// MSS is the maximum segment size announced and used.
	MSS *Size `yaml:"mss"`
	// RcvWindow is the receive window (buffer) size. Up to 64KiB it is
	// the 16-bit window itself (64KiB taken as 65535); above, it needs the
	// window scale option (RFC 7323 §2), which the host then offers with
	// the smallest shift that covers it, and the peer must offer too.
	RcvWindow *Size `yaml:"rcv_window"`
	// Backlog sizes the listen queues of every listener on the host; a
	// workload's listen.backlog overrides the accept queue.
	Backlog *Backlog `yaml:"backlog"`
}

// Keepalive configures TCP keep-alive. Each field overrides the profile.
type Keepalive struct {
	// Enabled turns keep-alives on or off. Default true when the block is
	// given.
	Enabled *bool `yaml:"enabled"`
	// Idle is the idle time before the first probe (RFC 9293: ≥ 2h).
	Idle *Duration `yaml:"idle"`
	// Interval is the time between unanswered probes.
	Interval *Duration `yaml:"interval"`
	// Probes is the number of unanswered probes before the connection is
	// dropped.
	Probes *Count `yaml:"probes"`
}

// Backlog sizes a listener's queues. Each field overrides the profile.
type Backlog struct {
	// SynQueue bounds connections in SYN-RECEIVED.
	SynQueue *Count `yaml:"syn_queue"`
	// AcceptQueue bounds established connections not yet accepted.
	AcceptQueue *Count `yaml:"accept_queue"`
	// Overflow is what happens to a handshake-completing ACK that finds the
	// accept queue full: drop it silently (Linux's default) or answer rst
	// (tcp_abort_on_overflow). A SYN that finds a queue full is dropped
	// (or, with syncookies, answered with a cookie).
	Overflow *string `yaml:"overflow" enum:"drop|rst"`
	// Somaxconn caps every listener's backlog (net.core.somaxconn; linux:
	// 4096, rfc9293: no cap, 0). With syn_queue 0 the capped backlog
	// bounds the SYN queue too, as in Linux.
	Somaxconn *Count `yaml:"somaxconn"`
	// MaxSynBacklog is tcp_max_syn_backlog (linux: 1024; 0: off): with
	// syncookies off, the last quarter of it is kept for peers the host
	// completed a handshake with before.
	MaxSynBacklog *Count `yaml:"max_syn_backlog"`
	// Syncookies is Linux's tcp_syncookies: off (0), overflow (1: a cookie
	// when the SYN queue is full; linux's default) or always (2); rfc9293:
	// off. RFC 4987 §3.6.
	Syncookies *string `yaml:"syncookies" enum:"off|overflow|always"`
	// SynackPrune lowers the SYN-ACK retries of old requests toward 2
	// while the SYN queue is more than half full of them (Linux's
	// reqsk_timer_handler; linux: true, rfc9293: false).
	SynackPrune *bool `yaml:"synack_prune"`
}
