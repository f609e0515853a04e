package metric

// Unit is what a metric's value counts or measures.
type Unit uint8

// The units.
const (
	// Count is a whole number of things (connections, segments, events).
	Count Unit = iota
	// Bytes is a number of bytes.
	Bytes
	// Seconds is simulated (or, for wall_s, real) time in seconds.
	Seconds
	// Fraction is a ratio between 0 and 1.
	Fraction
)

// Symbol returns the unit's symbol for axis labels: "" for counts and
// fractions (a figure shows a fraction as a percentage).
func (u Unit) Symbol() string {
	switch u {
	case Bytes:
		return "bytes"
	case Seconds:
		return "s"
	}
	return ""
}

// Def describes one metric.
type Def struct {
	// Name is the runs.csv column (a _s suffix for seconds).
	Name string
	// Unit is what the value counts or measures.
	Unit Unit
	// Label is a short human name for axes, legends and the console, with
	// no unit ("Connections attempted", "Mean handshake time").
	Label string
	// Meaning says what the value is, in a sentence or two.
	Meaning string
	// PerRun says how one run computes it: "sum", "peak", "mean over
	// established connections", ...; summary.csv then gives the mean,
	// standard deviation and 95 % interval of the per-run values.
	PerRun string
	// Outcome marks the connection outcomes, which sum to conns_attempted.
	Outcome bool
}

// Axis returns the label with its unit, for an axis: "Mean handshake time
// (s)", "Connections attempted".
func (d Def) Axis() string {
	if s := d.Unit.Symbol(); s != "" {
		return d.Label + " (" + s + ")"
	}
	return d.Label
}

// Table lists every run metric in runs.csv column order.
var Table = []Def{
	{"conns_attempted", Count, "Connections attempted", "client connects: the sum of the outcomes below", "sum", false},
	{"conns_established", Count, "Connections established", "attempts whose client reached ESTABLISHED, whatever their outcome", "sum", false},
	{"conns_closed", Count, "Connections closed", "outcome: ended as the script says (a close, or the abort of `close: abort`)", "sum", true},
	{"conns_refused", Count, "Connections refused", "outcome: a RST answered the SYN", "sum", true},
	{"conns_timed_out", Count, "Connections timed out", "outcome: a retransmission, user or FIN-WAIT-2 timeout ended it, before or after establishment", "sum", true},
	{"conns_reset", Count, "Connections reset", "outcome: a RST ended it after it was synchronized", "sum", true},
	{"conns_no_port", Count, "Connections without a port", "outcome: connect found no free ephemeral port; no SYN was sent", "sum", true},
	{"conns_unfinished", Count, "Connections unfinished", "outcome: the client's TCB still existed when the run ended", "sum", true},
	{"conns_stuck", Count, "Stuck connection ends", "TCBs left idle for ever (no timer, nothing scheduled, outside LISTEN and TIME-WAIT) whose peer is alive and idle too: a deadlock, worth a bug report", "count at the end", false},
	{"stuck_after_stale", Count, "Ends wedged by old duplicates", "as conns_stuck, for connections that synchronized with or accepted data of another incarnation: the delayed-duplicate hazard at work", "count at the end", false},
	{"half_open_at_end", Count, "Half-open ends left", "idle TCBs whose peer is gone (a lost RST or FIN, a ghost): half-open connections (RFC 9293 §3.5.2)", "count at the end", false},
	{"handshake_mean_s", Seconds, "Mean handshake time", "time from a client's first SYN to its ESTABLISHED; a mean over the established connections only (read it with conns_established)", "mean over established connections", false},
	{"handshake_p50_s", Seconds, "Median handshake time", "the run's median handshake time (nearest rank, within 0.39 %: from a log-bucket histogram, exact when the bucket holds one value); summary.csv averages the runs' medians, with an interval for that mean (the median of all runs pooled is handshake_p50_pooled_s)", "nearest-rank percentile of the run's established connections, within 0.39 % (experiments/histogram)", false},
	{"handshake_p99_s", Seconds, "99th-percentile handshake time", "the run's 99th percentile (nearest rank, within 0.39 %: from a log-bucket histogram, exact when the bucket holds one value); summary.csv averages the runs' percentiles, with an interval for that mean, which is not the percentile of all runs pooled (that is handshake_p99_pooled_s)", "nearest-rank percentile of the run's established connections, within 0.39 % (experiments/histogram)", false},
	{"handshake_max_s", Seconds, "Longest handshake time", "the run's longest handshake", "max over established connections", false},
	{"conns_syn_retried", Count, "Attempts whose SYN was resent", "attempts that sent their SYN more than once: on loss-free links, those whose first SYN a full SYN queue dropped", "sum", false},
	{"syn_retried_frac", Fraction, "Fraction of SYNs resent", "conns_syn_retried / conns_attempted: on loss-free links the chance that a SYN finds the SYN queue full (Erlang's loss formula B(K, λT) under a Poisson flood)", "ratio of the run's sums", false},
	{"reset_frac", Fraction, "Fraction of attempts reset", "conns_reset / conns_attempted: with one victim connection per run (blind-reset, blind-syn), 1 when a blind attacker killed it, so its mean over the runs is the kill probability", "ratio of the run's sums", false},
	{"established_frac", Fraction, "Fraction of attempts established", "conns_established / conns_attempted: the legitimate clients' success under an attack (attackers open no connections)", "ratio of the run's sums", false},
	{"syn_retransmits", Count, "SYN retransmissions", "SYNs sent again by every host", "sum", false},
	{"synack_retransmits", Count, "SYN-ACK retransmissions", "SYN-ACKs sent again by every host", "sum", false},
	{"data_retransmits", Count, "Data and FIN retransmissions", "data and FIN segments sent again by every host", "sum", false},
	{"ghost_established", Count, "Ghost connections", "server connections established for no live client incarnation (an old duplicate SYN taken for a new connection)", "sum", false},
	{"stale_segments_accepted", Count, "Stale segments accepted", "segments of an earlier incarnation whose data a connection accepted", "sum", false},
	{"stale_bytes_accepted", Bytes, "Stale bytes accepted", "bytes of an earlier incarnation delivered to an application", "sum", false},
	{"timewait_assassinations", Count, "TIME-WAIT assassinations", "TIME-WAIT states ended early by a RST (RFC 1337)", "sum", false},
	{"half_open_detected", Count, "Half-open connections detected", "half-open connections discovered and reset: an ACK that acknowledges nothing of ours, in SYN-SENT, CLOSED or at a listener (RFC 9293 §3.5.2, Figures 9 and 10)", "sum", false},
	{"old_duplicate_resets", Count, "Old duplicate SYNs reset", "RSTs sent for a SYN-ACK that acknowledged no SYN of ours, in SYN-SENT or CLOSED: the recovery from an old duplicate SYN (RFC 9293 Figure 8), counted apart from half-open connections", "sum", false},
	{"timewait_peak", Count, "Peak TIME-WAIT connections", "the most connections in TIME-WAIT at once, over all hosts", "peak", false},
	{"timewait_peak_server", Count, "Peak TIME-WAIT on servers", "the most TIME-WAIT connections at once on hosts that only serve", "peak", false},
	{"synrcvd_peak", Count, "Peak SYN-RECEIVED connections", "the most connections in SYN-RECEIVED at once", "peak", false},
	{"listen_overflows", Count, "Accept-queue overflows", "SYNs and handshake-completing ACKs a listener dropped or refused because its accept queue was full (Linux's ListenOverflows)", "sum", false},
	{"syn_queue_drops", Count, "SYN-queue drops", "SYNs dropped because the SYN queue was full and SYN cookies were off (Linux's TCPReqQFullDrop)", "sum", false},
	{"syn_backlog_drops", Count, "SYNs dropped by tcp_max_syn_backlog", "SYNs from unproven peers dropped in the last quarter of tcp_max_syn_backlog (cookies off)", "sum", false},
	{"cookies_sent", Count, "SYN cookies sent", "SYN-ACKs whose ISS was a SYN cookie (RFC 4987 §3.6)", "sum", false},
	{"cookies_validated", Count, "SYN cookies validated", "ACKs whose SYN cookie checked out and made a connection", "sum", false},
	{"cookies_failed", Count, "SYN cookies failed", "ACKs at a listener checked for a cookie that did not validate", "sum", false},
	{"challenge_acks", Count, "Challenge ACKs", "challenge ACKs sent (RFC 5961 §3, §4)", "sum", false},
	{"resets_in_sync", Count, "Synchronized connections reset", "connections reset in a synchronized state by a RST, or by a SYN under RFC 793 rules", "sum", false},
	{"attack_segments", Count, "Attack segments", "segments attacker workloads sent", "sum", false},
	{"segments_sent", Count, "Segments sent", "segments every host sent", "sum", false},
	{"segments_lost", Count, "Segments lost", "segments links lost, tail-dropped, dropped while down or corrupted", "sum", false},
	{"events", Count, "Events", "simulation events executed (not counting stale timer events the queue dropped before they came due)", "sum", false},
	{"sim_time_s", Seconds, "Simulated time", "simulated length of the run (its last event, or stop.time)", "at the end", false},
	{"wall_s", Seconds, "Wall-clock time", "real time the run took: the only value that is not reproducible", "at the end", false},
}

// PooledDef describes a row of summary.csv that is not a mean of per-run
// values: a percentile of the values of all of a sweep point's runs
// pooled, from the runs' histograms merged (histograms.csv). Its row holds
// the percentile in the mean column, n the runs that recorded a value,
// and no standard deviation or interval.
type PooledDef struct {
	Def
	// Histogram is the histograms.csv metric pooled.
	Histogram string
	// Quantile is the nearest-rank quantile taken.
	Quantile float64
}

// Pooled lists summary.csv's pooled rows, in the order they follow each
// point's per-run metrics.
var Pooled = []PooledDef{
	{Def{"handshake_p50_pooled_s", Seconds, "Median handshake time, runs pooled", "the median of every established connection's handshake time in all the point's runs together (nearest rank, within 0.39 %: the runs' log-bucket histograms merged, exact when the bucket holds one value); summary.csv only, no interval: connections of one run are not independent samples, so read the spread from handshake_p50_s's interval", "none: one value per point, from histograms.csv", false}, "handshake_ns", 0.5},
	{Def{"handshake_p99_pooled_s", Seconds, "99th-percentile handshake time, runs pooled", "the 99th percentile of every established connection's handshake time in all the point's runs together (nearest rank, within 0.39 %: the runs' log-bucket histograms merged, exact when the bucket holds one value); summary.csv only, no interval: connections of one run are not independent samples, so read the spread from handshake_p99_s's interval", "none: one value per point, from histograms.csv", false}, "handshake_ns", 0.99},
}

// Names returns the metric names in runs.csv column order.
func Names() []string {
	out := make([]string, len(Table))
	for i, d := range Table {
		out[i] = d.Name
	}
	return out
}

// Lookup returns the metric named name: a run metric, or a pooled row
// of summary.csv.
func Lookup(name string) (Def, bool) {
	for _, d := range Table {
		if d.Name == name {
			return d, true
		}
	}
	for _, d := range Pooled {
		if d.Name == name {
			return d.Def, true
		}
	}
	return Def{}, false
}
