package endpoint

import "time"

// freebsdProfile turns the rfc9293 base into FreeBSD 14's defaults. Each
// value names the sysctl or constant it comes from (sys/netinet/tcp_*.h,
// tcp_subr.c, tcp_syncache.c, tcp_timewait.c); the option layout and the
// buffer rounding are those the FreeBSD tcp-testsuite's scripts show.
func freebsdProfile(c Config) Config {
	c.Profile = "freebsd"
	// The option layout of tcp_addoptions, EOL-padded; MSS from the
	// interface MTU (1500 - 40).
	c.MSS = 1460
	c.Features = Features{
		// net.inet.tcp.sack.enable=1, net.inet.tcp.rfc1323=1.
		SACK: true, WindowScale: true,
		// The smallest shift with TCP_MAXWIN << shift >= sb_max, and
		// kern.ipc.maxsockbuf = 2 MiB gives 6 (tcp_connect,
		// syncache_add).
		WScale:       WScaleFor(2097152),
		OptionLayout: LayoutBSD,
		// net.inet.tcp.recvspace=65536, net.inet.tcp.sendspace=32768.
		RcvBuf: 65536, SndBuf: 32768,
		// tcp_mss(): the receive buffer is rounded up to a multiple of
		// the MSS (65536 → 65700 for an MSS of 1460).
		RcvBufRoundMSS: true,
		// soclose/tcp_disconnect flushes unread data and sends a FIN.
		CloseUnreadReset: false,
		// net.inet.tcp.rexmit_slop = 200 ms; rexmit_drop_options = 0;
		// drop_synfin = 0.
		RTOSlop: 200 * time.Millisecond,
		// net.inet.tcp.ecn.enable = 2: accept ECN, never ask;
		// ecn.maxretries = 1.
		ECN: ECNAccept, ECNSynRetries: 1,
		// tcp_drop sends the RST from tcp_output with ACK.
		AbortRSTACK: true,
		// tcp_twcheck's order of checks in TIME-WAIT.
		TimeWaitBSD: true,
		// tcp_output resends the FIN while it is unacknowledged.
		FinOnACK: true,
	}
	c.Timestamps = true // net.inet.tcp.rfc1323=1
	// net.inet.ip.portrange.first/last = 10000/65535.
	c.PortMin, c.PortMax = 10000, 65535
	// net.inet.tcp.msl = 30 s; TIME-WAIT lasts 2·MSL.
	c.MSL = 30 * time.Second
	c.TimeWait = TimeWait2MSL
	// tcp_twcheck: a SYN above the old RCV.NXT ends TIME-WAIT and opens
	// a new connection with a fresh ISN (tcp_new_isn); a RST in TIME-WAIT
	// is dropped.
	c.TimeWaitReopen = true
	c.ReopenISN = ReopenISNPolicy
	c.RFC1337 = true
	// net.inet.tcp.insecure_rst=0, insecure_syn=0: RFC 5961 §3 and §4.
	c.ChallengeRST = true
	c.ChallengeSYN = true
	c.ACKCheck = true
	// net.inet.tcp.rexmit_initial = 1 s, rexmit_min = 30 ms,
	// TCPTV_REXMTMAX = 64 s.
	c.InitialRTO = time.Second
	c.MinRTO = 30 * time.Millisecond
	c.MaxRTO = 64 * time.Second
	c.SynRTO = time.Second
	// TCP_MAXRXTSHIFT = 12 retransmissions, bounded by
	// net.inet.tcp.keepinit = 75 s in SYN-SENT.
	c.SynRetries = 12
	c.ConnectTimeout = 75 * time.Second
	// The syncache resends the SYN-ACK at rexmit_initial doubling,
	// net.inet.tcp.syncache.rexmtlimit = 3 times, and answers a duplicate
	// SYN with the SYN-ACK (syncache_add finding the entry).
	c.SynAckRTO = time.Second
	c.SynAckRetries = 3
	c.SynRcvdDupSynAck = true
	c.DataRetries = 12
	c.UserTimeout = 0
	// net.inet.tcp.finwait2_timeout = 60 s; net.inet.tcp.delacktime =
	// 40 ms.
	c.FinWait2Timeout = 60 * time.Second
	c.DelayedACK = 40 * time.Millisecond
	// kern.ipc.soacceptqueue = 128, which is also FreeBSD's somaxconn.
	c.AcceptQueue = 128
	c.Somaxconn = 128
	// The syncache only approximately: net.inet.tcp.syncookies = 1 and a
	// cache of 512 buckets × 30 entries, taken as one listener's SYN queue
	// with cookies when it is full. FreeBSD's cache is host-wide, evicts a
	// bucket's oldest entry when the bucket is full, and gives every
	// SYN-ACK a cookie ISS so an evicted entry's ACK still validates; none
	// of that is modelled.
	c.SynQueue = 512 * 30
	c.SynCookies = CookiesOnOverflow
	return c
}
