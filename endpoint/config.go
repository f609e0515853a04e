package endpoint

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ISNPolicy chooses how a host picks initial sequence numbers.
type ISNPolicy uint8

// The ISN policies (RFC 9293 §3.4.1).
const (
	// ISNRFC9293 is the recommended generator: ISN = M + F(localip,
	// localport, remoteip, remoteport, secretkey), M a clock ticking every
	// Config.ISNTick and F a keyed hash (RFC 9293 §3.4.1, RFC 6528).
	ISNRFC9293 ISNPolicy = iota
	// ISNClock is RFC 793's generator: a 32-bit clock incremented every
	// Config.ISNTick (4 µs), started at a random phase per host.
	ISNClock
	// ISNRandom draws each ISN uniformly.
	ISNRandom
	// ISNZero starts every connection at sequence number 0, as ns-3 does:
	// a stale SYN-ACK of an earlier incarnation then looks valid.
	ISNZero
)

var isnNames = [...]string{"rfc9293", "clock", "random", "zero"}

// String returns the policy's configuration name.
func (p ISNPolicy) String() string { return enumName(isnNames[:], p) }

// PortPolicy chooses how ephemeral ports are allocated.
type PortPolicy uint8

// The ephemeral port policies.
const (
	// PortsSequential tries the ports of the range in order, continuing
	// after the last one allocated.
	PortsSequential PortPolicy = iota
	// PortsRandom starts each search at a random port of the range and
	// tries the following ones in order (RFC 6056 §3.3.1).
	PortsRandom
)

var portNames = [...]string{"sequential", "random"}

// String returns the policy's configuration name.
func (p PortPolicy) String() string { return enumName(portNames[:], p) }

// TimeWaitMode chooses the length of TIME-WAIT.
type TimeWaitMode uint8

// The TIME-WAIT ablations.
const (
	// TimeWait2MSL holds TIME-WAIT for 2·MSL (RFC 9293 §3.10.7.4).
	TimeWait2MSL TimeWaitMode = iota
	// TimeWaitFixed holds TIME-WAIT for Config.TimeWaitLen (Linux: 60 s).
	TimeWaitFixed
	// TimeWaitNone passes through TIME-WAIT to CLOSED at once.
	TimeWaitNone
)

var twNames = [...]string{"2msl", "fixed", "none"}

// String returns the mode's configuration name.
func (m TimeWaitMode) String() string { return enumName(twNames[:], m) }

// OverflowPolicy says what a listener does with a SYN it has no room for.
type OverflowPolicy uint8

// The listen-queue overflow behaviours.
const (
	// OverflowDrop silently drops the SYN (Linux's default; the client
	// retransmits).
	OverflowDrop OverflowPolicy = iota
	// OverflowReset answers a handshake's final ACK that finds the accept
	// queue full with a RST and deletes the request (Linux's
	// tcp_abort_on_overflow); a SYN is still dropped.
	OverflowReset
)

var overflowNames = [...]string{"drop", "reset"}

// String returns the policy's configuration name.
func (p OverflowPolicy) String() string { return enumName(overflowNames[:], p) }

// ReopenISN chooses the ISS of a connection that reopens a TIME-WAIT
// 4-tuple.
type ReopenISN uint8

// The ISS choices on reopening TIME-WAIT.
const (
	// ReopenISNOldPlus65537 takes the old SND.NXT + 65537, as Linux does
	// (tw_snd_nxt + 65535 + 2), so the new sequence space starts beyond
	// anything the old incarnation sent.
	ReopenISNOldPlus65537 ReopenISN = iota
	// ReopenISNPolicy takes the host's ordinary ISN.
	ReopenISNPolicy
)

var reopenNames = [...]string{"old+65537", "policy"}

// String returns the choice's configuration name.
func (r ReopenISN) String() string { return enumName(reopenNames[:], r) }

func enumName[E ~uint8](names []string, e E) string {
	if int(e) < len(names) {
		return names[e]
	}
	return fmt.Sprintf("%d", uint8(e))
}

// Config holds every tunable of a host's TCP. Start from a profile
// (Profile("rfc9293"), Profile("linux")) and override fields. All durations
// are simulated time.
type Config struct {
	// Profile is the name of the preset the config started from.
	Profile string

	// MSS is the maximum segment size this host sends and advertises.
	MSS uint16
	// RcvWindow is the fixed receive window advertised (no scaling).
	RcvWindow uint16
	// Timestamps enables the timestamp option (RFC 7323) on SYNs and, when
	// both ends offer it, on every segment.
	Timestamps bool

	// ISN is the initial sequence number policy; ISNTick is the period of
	// its clock M (RFC 9293 §3.4.1: 4 µs).
	ISN     ISNPolicy
	ISNTick time.Duration

	// Ports is the ephemeral port policy over [PortMin, PortMax].
	Ports            PortPolicy
	PortMin, PortMax uint16

	// MSL is the maximum segment lifetime (RFC 9293 §3.4.2: 2 minutes).
	MSL time.Duration
	// TimeWait is the TIME-WAIT ablation; TimeWaitLen the length for
	// TimeWaitFixed.
	TimeWait    TimeWaitMode
	TimeWaitLen time.Duration
	// RFC1337 ignores RSTs in TIME-WAIT (RFC 1337 §3, fix F1), preventing
	// TIME-WAIT assassination.
	RFC1337 bool
	// TimeWaitReopen lets a new SYN with a higher sequence number (or
	// timestamp) reopen a 4-tuple in TIME-WAIT (RFC 1122 §4.2.2.13, RFC
	// 6191), and lets connect reuse a 4-tuple whose only TCB is in
	// TIME-WAIT. ReopenISN picks the new ISS.
	TimeWaitReopen bool
	ReopenISN      ReopenISN

	// TwoWayHandshake is the ablation where a listener accepts on the SYN
	// alone: the child enters ESTABLISHED without waiting for the ACK.
	TwoWayHandshake bool

	// ChallengeRST applies RFC 5961 §3: an in-window RST whose sequence
	// number is not exactly RCV.NXT draws a challenge ACK.
	ChallengeRST bool
	// ChallengeSYN applies RFC 5961 §4: a SYN in a synchronized state draws
	// a challenge ACK; otherwise RFC 793's rule resets the connection.
	ChallengeSYN bool
	// OOWAckInterval allows at most one ACK per interval in answer to
	// unacceptable segments (out of window, bad ACK, challenge), as Linux's
	// tcp_invalid_ratelimit (500 ms); 0 answers every one, as RFC 9293's
	// text does.
	OOWAckInterval time.Duration
	// ACKCheck applies RFC 5961 §5: an ACK below SND.UNA-MAX.SND.WND is
	// discarded and answered with an ACK.
	ACKCheck bool

	// InitialRTO, MinRTO and MaxRTO bound the data retransmission timer
	// (RFC 6298 §2: 1 s initial, 1 s minimum; a maximum of at least 60 s).
	InitialRTO, MinRTO, MaxRTO time.Duration
	// SynRTO is the first SYN retransmission timeout. In SYN-SENT the
	// first SynLinearTimeouts+1 timeouts stay at SynRTO, then each doubles
	// (Linux tcp_syn_linear_timeouts).
	SynRTO            time.Duration
	SynLinearTimeouts int
	// SynRetries is Linux's tcp_syn_retries: an active open gives up at the
	// timeout that finds SynRetries+SynLinearTimeouts SYN retransmissions
	// made in SYN-SENT (SynRetries in a simultaneous open's SYN-RECEIVED,
	// tcp_write_timeout); 0 sends the SYN once, Unlimited never gives up
	// (ConnectTimeout may still).
	SynRetries int
	// SynTimeBound also gives up, once a SYN was retransmitted, at the
	// first timeout at least (2^(SynRetries+1)−1)·SynRTO after the first
	// SYN, each doubling capped at MaxRTO (Linux's retransmits_timed_out
	// with tcp_model_timeout): the time SynRetries doubling retransmissions
	// would take, whatever the linear timeouts did.
	SynTimeBound bool
	// SynAckRTO and SynAckRetries are the same for the SYN-ACK of a
	// passively opened connection (Linux tcp_synack_retries): the TCB is
	// deleted at the timeout that finds SynAckRetries retransmissions made
	// by the timer; 0 sends the SYN-ACK once, Unlimited never gives up.
	SynAckRTO     time.Duration
	SynAckRetries int
	// ConnectTimeout bounds the time in SYN-SENT and SYN-RECEIVED (RFC 9293
	// §3.8.3: R2 for a SYN at least 3 minutes); 0 means no bound.
	ConnectTimeout time.Duration
	// DataRetries is R2 for data and FIN segments as a count of
	// retransmissions (Linux tcp_retries2); 0 aborts at the first timeout,
	// Unlimited never.
	DataRetries int
	// UserTimeout aborts a connection whose data stays unacknowledged this
	// long (RFC 9293 §3.10.8); 0 means none.
	UserTimeout time.Duration
	// FinWait2Timeout deletes a TCB that stays in FIN-WAIT-2 this long
	// (Linux tcp_fin_timeout); 0 means none, as in RFC 9293.
	FinWait2Timeout time.Duration
	// DelayedACK delays the ACK of in-order data by at most this long,
	// acknowledging at least every second full segment (RFC 9293 §3.8.6.3);
	// 0 acknowledges at once.
	DelayedACK time.Duration
	// KeepAlive turns keep-alives on (RFC 9293 §3.8.4: default off): after
	// KeepIdle without traffic send a probe every KeepInterval, and abort
	// after KeepCount unanswered probes.
	KeepAlive    bool
	KeepIdle     time.Duration
	KeepInterval time.Duration
	KeepCount    int

	// SynRcvdDupSynAck answers a duplicate SYN in SYN-RECEIVED with a
	// SYN-ACK at once (Linux) instead of RFC 9293's bare ACK. At a passive
	// TCB the answer shares the OOWAckInterval limit with the
	// connection's out-of-window ACKs (Linux's tcp_oow_rate_limited on the
	// request socket).
	SynRcvdDupSynAck bool
	// SynRcvdDupSynAckRearm makes that answer at a passive TCB also
	// restart the SYN-ACK timer at SynAckRTO·2^n from now, n the SYN-ACK
	// timeouts so far (Linux's tcp_check_req: mod_timer_pending after the
	// SYN-ACK). Only timer firings count against SynAckRetries.
	SynRcvdDupSynAckRearm bool
	// SynSentBadAckResend retransmits the SYN at once after answering an
	// unacceptable ACK in SYN-SENT with a RST, if no SYN was resent yet
	// (Linux).
	SynSentBadAckResend bool

	// SynQueue and AcceptQueue are the default listen queue sizes;
	// ListenOverflow says what to do with a final ACK that finds the
	// accept queue full (listen.go's admit says what befalls a SYN).
	SynQueue, AcceptQueue int
	ListenOverflow        OverflowPolicy
	// ListenQueues are Somaxconn, MaxSynBacklog and SynCookies
	// (defences.go); a SynQueue of 0 takes the listener's backlog.
	ListenQueues

	// Features are the options offered and their socket-layer
	// companions (options.go).
	Features
}

// Unlimited is the value of a retry count (SynRetries, SynAckRetries,
// DataRetries) that sets no bound; 0 is a bound of zero retransmissions.
const Unlimited = -1

// Profiles lists the names Profile accepts.
func Profiles() []string { return []string{"rfc9293", "linux", "freebsd"} }

// ErrUnknownProfile is returned by Profile for a name it does not know.
var ErrUnknownProfile = errors.New("endpoint: unknown profile")

// Profile returns the named preset.
//
// "rfc9293" (the default) follows the specification's recommendations:
// RFC 6298 timers (1 s initial and minimum RTO, 60 s maximum), MSL 2 minutes
// and TIME-WAIT 2·MSL, SYN retransmitted with doubling timeouts for at
// least 3 minutes (§3.8.3, MUST-23), a 5-minute user timeout, RFC 5961
// challenge ACKs, delayed ACKs of 200 ms (§3.8.6.3), keep-alive off, and
// at most one ACK per 500 ms in answer to unacceptable segments. That last
// is not in the specification's text, which answers every unacceptable
// segment (§3.10.7.4) and points to RFC 5961 and Errata ID 4772 for
// throttling: without it two desynchronized ends (an old duplicate SYN's
// SYN-RECEIVED against a TIME-WAIT, say) ACK each other for as long as both
// live, and a duplicating link makes that loop grow exponentially. Set
// OOWAckInterval to 0 for the literal text.
//
// "linux" models Linux 6.x defaults as measured on a real kernel: initial
// SYN RTO 1 s, SYN retransmitted at 1,1,1,1,1 then 2,4,8,16,32 s
// (tcp_syn_linear_timeouts=4) with tcp_syn_retries=6, so 6+4 = 10
// retransmissions and failure at 131 s; SYN-ACK RTO 1 s doubling, 5
// retries; a duplicate SYN in SYN-RECEIVED answered with a SYN-ACK (at
// most one per 500 ms) that also restarts the SYN-ACK timer; data RTO
// floor 200 ms; delayed ACK 40 ms; TIME-WAIT 60 s (which
// only an active closer enters); challenge ACKs; an unacceptable ACK in
// SYN-SENT draws RST seq=SEG.ACK and an immediate SYN retransmission; a new
// SYN with a higher sequence number reopens TIME-WAIT with ISS = old
// SND.NXT + 65537. Beyond those measured figures it takes Linux's
// defaults: TCP_RTO_MAX 120 s, tcp_retries2 15, tcp_invalid_ratelimit 500 ms,
// tcp_fin_timeout 60 s, timestamps on, ISN clock of 64 ns
// (secure_tcp_seq), ports 32768-60999, SACK and window scale 7 offered in
// Linux's option layout. Its listeners (defences.go) bound both queues by
// min(backlog, somaxconn 4096), keep tcp_max_syn_backlog 1024's rule,
// answer a full SYN queue with SYN cookies (tcp_syncookies 1) and prune old
// requests; rfc9293 has none of these, only a 256-entry SYN queue and a
// 128-entry accept queue.
//
// "freebsd" models FreeBSD 14's defaults (freebsd_profile.go, each value
// with its sysctl): BSD option layout, window scale 6, MSS-rounded receive
// buffer, RTO slop, tcp_twcheck's TIME-WAIT, MSL 30 s.
func Profile(name string) (Config, error) {
	c := Config{
		Profile:        "rfc9293",
		MSS:            1460,
		RcvWindow:      65535,
		ISN:            ISNRFC9293,
		ISNTick:        4 * time.Microsecond,
		Ports:          PortsRandom,
		PortMin:        49152,
		PortMax:        65535,
		MSL:            2 * time.Minute,
		TimeWait:       TimeWait2MSL,
		TimeWaitLen:    4 * time.Minute,
		ReopenISN:      ReopenISNOldPlus65537,
		ChallengeRST:   true,
		ChallengeSYN:   true,
		ACKCheck:       true,
		InitialRTO:     time.Second,
		MinRTO:         time.Second,
		MaxRTO:         60 * time.Second,
		SynRTO:         time.Second,
		SynRetries:     Unlimited,
		SynAckRTO:      time.Second,
		SynAckRetries:  Unlimited,
		DataRetries:    Unlimited,
		ConnectTimeout: 3 * time.Minute,
		UserTimeout:    5 * time.Minute,
		DelayedACK:     200 * time.Millisecond,
		KeepIdle:       2 * time.Hour,
		KeepInterval:   75 * time.Second,
		KeepCount:      9,
		SynQueue:       256,
		AcceptQueue:    128,
		OOWAckInterval: 500 * time.Millisecond,
	}
	c.Features = featuresFor(name)
	switch name {
	case "freebsd":
		return freebsdProfile(c), nil
	case "", "rfc9293":
		return c, nil
	case "linux":
		c.Profile = "linux"
		c.ISNTick = 64 * time.Nanosecond
		c.Timestamps = true
		c.PortMin, c.PortMax = 32768, 60999
		c.TimeWait = TimeWaitFixed
		c.TimeWaitLen = 60 * time.Second
		c.TimeWaitReopen = true
		c.MinRTO = 200 * time.Millisecond
		c.MaxRTO = 120 * time.Second
		c.SynLinearTimeouts = 4
		c.SynRetries = 6
		c.SynTimeBound = true
		c.SynAckRetries = 5
		c.ConnectTimeout = 0
		c.DataRetries = 15
		c.UserTimeout = 0
		c.FinWait2Timeout = 60 * time.Second
		c.DelayedACK = 40 * time.Millisecond
		c.SynRcvdDupSynAck = true
		c.SynRcvdDupSynAckRearm = true
		c.SynSentBadAckResend = true
		// listen(fd, SOMAXCONN): both queues bounded by the backlog,
		// net.core.somaxconn 4096, tcp_max_syn_backlog 1024 (its default
		// grows with memory: max(128, ehash buckets/128)), tcp_syncookies 1.
		c.AcceptQueue = 4096
		c.SynQueue = 0
		c.Somaxconn = 4096
		c.MaxSynBacklog = 1024
		c.SynCookies = CookiesOnOverflow
		c.SynAckPrune = true
		return c, nil
	}
	return Config{}, fmt.Errorf("%w %q (want one of %v)", ErrUnknownProfile, name, Profiles())
}

// DefaultConfig returns the rfc9293 profile.
func DefaultConfig() Config {
	c, _ := Profile("rfc9293")
	return c
}

// TimeWaitDuration returns how long the config holds TIME-WAIT.
func (c *Config) TimeWaitDuration() time.Duration {
	switch c.TimeWait {
	case TimeWaitFixed:
		return c.TimeWaitLen
	case TimeWaitNone:
		return 0
	}
	return 2 * c.MSL
}

// Validate reports every problem with the config at once as Problems
// (which match ErrConfig), each naming the field and what was expected, or
// returns nil.
func (c *Config) Validate() error {
	var errs Problems
	bad := func(field, format string, args ...any) {
		errs = append(errs, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if c.MSS < 1 {
		bad("MSS", "must be at least 1, got %d", c.MSS)
	}
	if c.RcvWindow < 1 {
		bad("RcvWindow", "must be at least 1, got %d", c.RcvWindow)
	}
	if int(c.ISN) >= len(isnNames) {
		bad("ISN", "unknown policy %d (want one of %v)", c.ISN, isnNames)
	}
	if c.ISNTick <= 0 && (c.ISN == ISNRFC9293 || c.ISN == ISNClock) {
		bad("ISNTick", "must be positive, got %v", c.ISNTick)
	}
	if int(c.Ports) >= len(portNames) {
		bad("Ports", "unknown policy %d (want one of %v)", c.Ports, portNames)
	}
	if c.PortMin == 0 || c.PortMin > c.PortMax {
		bad("PortMin", "range [%d, %d] must be non-empty and exclude 0", c.PortMin, c.PortMax)
	}
	if c.MSL <= 0 {
		bad("MSL", "must be positive, got %v", c.MSL)
	}
	if int(c.TimeWait) >= len(twNames) {
		bad("TimeWait", "unknown mode %d (want one of %v)", c.TimeWait, twNames)
	}
	if c.TimeWait == TimeWaitFixed && c.TimeWaitLen < 0 {
		bad("TimeWaitLen", "must not be negative, got %v", c.TimeWaitLen)
	}
	if int(c.ReopenISN) >= len(reopenNames) {
		bad("ReopenISN", "unknown choice %d (want one of %v)", c.ReopenISN, reopenNames)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"InitialRTO", c.InitialRTO}, {"MinRTO", c.MinRTO}, {"MaxRTO", c.MaxRTO}, {"SynRTO", c.SynRTO}, {"SynAckRTO", c.SynAckRTO}} {
		if d.v <= 0 {
			bad(d.name, "must be positive, got %v", d.v)
		}
	}
	if c.MinRTO > c.MaxRTO {
		bad("MinRTO", "%v exceeds MaxRTO %v", c.MinRTO, c.MaxRTO)
	}
	if c.SynLinearTimeouts < 0 {
		bad("SynLinearTimeouts", "must not be negative, got %d", c.SynLinearTimeouts)
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"SynRetries", c.SynRetries}, {"SynAckRetries", c.SynAckRetries}, {"DataRetries", c.DataRetries}} {
		if n.v < 0 && n.v != Unlimited {
			bad(n.name, "must be at least 0, or Unlimited (%d), got %d", Unlimited, n.v)
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"ConnectTimeout", c.ConnectTimeout}, {"UserTimeout", c.UserTimeout}, {"FinWait2Timeout", c.FinWait2Timeout}, {"DelayedACK", c.DelayedACK}, {"OOWAckInterval", c.OOWAckInterval}} {
		if d.v < 0 {
			bad(d.name, "must not be negative, got %v", d.v)
		}
	}
	if c.DelayedACK >= 500*time.Millisecond {
		// RFC 9293 §3.8.6.3 (MUST-40): the delay MUST be less than 0.5 s.
		bad("DelayedACK", "must be below 500ms (RFC 9293 §3.8.6.3), got %v", c.DelayedACK)
	}
	if c.KeepAlive {
		if c.KeepIdle <= 0 || c.KeepInterval <= 0 || c.KeepCount < 1 {
			bad("KeepAlive", "needs positive KeepIdle, KeepInterval and KeepCount, got %v, %v, %d", c.KeepIdle, c.KeepInterval, c.KeepCount)
		}
	}
	if c.SynQueue < 0 || c.AcceptQueue < 1 {
		bad("SynQueue", "listen queues must hold at least 1 (a SynQueue of 0 takes the backlog), got %d and %d", c.SynQueue, c.AcceptQueue)
	}
	if int(c.ListenOverflow) >= len(overflowNames) {
		bad("ListenOverflow", "unknown policy %d (want one of %v)", c.ListenOverflow, overflowNames)
	}
	errs = append(errs, c.Features.validate()...)
	errs = append(errs, c.ListenQueues.validate()...)
	if errs == nil {
		return nil
	}
	return errs
}

// ParseISNPolicy returns the policy with the given configuration name.
func ParseISNPolicy(s string) (ISNPolicy, error) {
	return parseEnum[ISNPolicy]("ISN policy", isnNames[:], s)
}

// ErrBadValue is wrapped by the Parse functions for an unknown name.
var ErrBadValue = errors.New("endpoint: unknown value")

func parseEnum[E ~uint8](what string, names []string, s string) (E, error) {
	if i := slices.Index(names, s); i >= 0 {
		return E(i), nil
	}
	return 0, fmt.Errorf("%w for %s: %q (want one of %v)", ErrBadValue, what, s, names)
}
