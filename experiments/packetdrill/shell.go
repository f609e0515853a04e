package packetdrill

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tcpsim/endpoint"
)

// sysctl is one row of the sysctl table: how a FreeBSD or Linux sysctl
// maps to the profile's settings. set returns a skip error for a value the
// model cannot honour.
type sysctl struct {
	name string
	doc  string
	set  func(c *endpoint.Config, v int64) error
}

func boolSet(f func(c *endpoint.Config, on bool)) func(*endpoint.Config, int64) error {
	return func(c *endpoint.Config, v int64) error {
		if v != 0 && v != 1 {
			return skipf("sysctl", "value %d is not 0 or 1", v)
		}
		f(c, v == 1)
		return nil
	}
}

func msSet(f func(c *endpoint.Config, d time.Duration)) func(*endpoint.Config, int64) error {
	return func(c *endpoint.Config, v int64) error {
		if v < 0 || v > int64(maxScriptTime/time.Millisecond) {
			return skipf("sysctl", "negative time %d", v)
		}
		f(c, time.Duration(v)*time.Millisecond)
		return nil
	}
}

// only accepts the one value the model implements.
func only(want int64, why string) func(*endpoint.Config, int64) error {
	return func(c *endpoint.Config, v int64) error {
		if v != want {
			return skipf("sysctl", "only %d is simulated: %s", want, why)
		}
		return nil
	}
}

func noop(why string) func(*endpoint.Config, int64) error {
	return func(*endpoint.Config, int64) error { return nil }
}

// Sysctls is the table of sysctls a script may set, in the order
// docs/packetdrill.md lists them. Any other sysctl makes a script SKIP.
var Sysctls = []sysctl{
	{"net.inet.tcp.insecure_rst", "1 turns RFC 5961 §3 off: an in-window RST resets (ChallengeRST = !v)",
		boolSet(func(c *endpoint.Config, on bool) { c.ChallengeRST = !on })},
	{"net.inet.tcp.insecure_syn", "1 turns RFC 5961 §4 off: a SYN in a synchronized state resets (ChallengeSYN = !v)",
		boolSet(func(c *endpoint.Config, on bool) { c.ChallengeSYN = !on })},
	{"net.inet.tcp.rfc1323", "timestamps and window scaling (RFC 7323) on or off",
		boolSet(func(c *endpoint.Config, on bool) { c.Timestamps, c.WindowScale = on, on })},
	{"net.inet.tcp.sack.enable", "SACK-permitted offered (RFC 2018)",
		boolSet(func(c *endpoint.Config, on bool) { c.SACK = on })},
	{"net.inet.tcp.ecn.enable", "ECN negotiation (RFC 3168 §6.1.1): 0 off, 1 ask and accept, 2 accept only (ECN)",
		func(c *endpoint.Config, v int64) error {
			if v < 0 || v > 2 {
				return skipf("ecn", "net.inet.tcp.ecn.enable=%d is not 0, 1 or 2", v)
			}
			c.ECN = endpoint.ECNMode(v)
			return nil
		}},
	{"net.inet.tcp.ecn.maxretries", "SYN retransmissions that still ask for ECN (ECNSynRetries)", func(c *endpoint.Config, v int64) error {
		if v < 0 {
			return skipf("ecn", "net.inet.tcp.ecn.maxretries=%d", v)
		}
		c.ECNSynRetries = int(v)
		return nil
	}},
	{"net.inet.tcp.blackhole", "only 0: closed ports answer with RST", only(0, "closed ports always answer")},
	{"net.inet.tcp.hostcache.purgenow", "no host cache is simulated, so there is nothing to purge", noop("no host cache")},
	{"kern.ipc.maxsockbuf", "largest socket buffer: the window scale offered is the smallest shift that covers it (WScale)", func(c *endpoint.Config, v int64) error {
		if v < 1 {
			return skipf("sysctl", "buffer %d", v)
		}
		c.WScale = endpoint.WScaleFor(v)
		return nil
	}},
	{"net.inet.tcp.recvspace", "receive buffer (RcvBuf)", func(c *endpoint.Config, v int64) error {
		if v < 1 {
			return skipf("sysctl", "buffer %d", v)
		}
		c.RcvBuf = int(v)
		return nil
	}},
	{"net.inet.tcp.sendspace", "send buffer (SndBuf)", func(c *endpoint.Config, v int64) error {
		if v < 1 {
			return skipf("sysctl", "buffer %d", v)
		}
		c.SndBuf = int(v)
		return nil
	}},
	{"net.inet.tcp.rexmit_initial", "initial RTO in ms (InitialRTO, SynRTO, SynAckRTO)",
		msSet(func(c *endpoint.Config, d time.Duration) { c.InitialRTO, c.SynRTO, c.SynAckRTO = d, d, d })},
	{"net.inet.tcp.rexmit_slop", "ms added to retransmission timeouts after the first (RTOSlop)",
		msSet(func(c *endpoint.Config, d time.Duration) { c.RTOSlop = d })},
	{"net.inet.tcp.rexmit_drop_options", "1: SYNs from the third timeout on carry the MSS option alone (SynDropOptionsAfter = 3)",
		boolSet(func(c *endpoint.Config, on bool) {
			c.SynDropOptionsAfter = 0
			if on {
				c.SynDropOptionsAfter = 3
			}
		})},
	{"net.inet.tcp.keepinit", "connection-establishment bound in ms (ConnectTimeout)",
		msSet(func(c *endpoint.Config, d time.Duration) { c.ConnectTimeout = d })},
	{"net.inet.tcp.drop_synfin", "1: segments with SYN and FIN are dropped silently (DropSynFin)",
		boolSet(func(c *endpoint.Config, on bool) { c.DropSynFin = on })},
	{"net.ipv4.tcp_syn_retries", "SYN retransmissions (SynRetries)", func(c *endpoint.Config, v int64) error {
		c.SynRetries = int(v)
		return nil
	}},
	{"net.ipv4.tcp_synack_retries", "SYN-ACK retransmissions (SynAckRetries)", func(c *endpoint.Config, v int64) error {
		c.SynAckRetries = int(v)
		return nil
	}},
	{"net.ipv4.tcp_timestamps", "timestamps (RFC 7323)", boolSet(func(c *endpoint.Config, on bool) { c.Timestamps = on })},
	{"net.ipv4.tcp_sack", "SACK-permitted offered", boolSet(func(c *endpoint.Config, on bool) { c.SACK = on })},
	{"net.ipv4.tcp_window_scaling", "window scaling offered", boolSet(func(c *endpoint.Config, on bool) { c.WindowScale = on })},
	{"net.ipv4.tcp_rfc1337", "RST ignored in TIME-WAIT (RFC1337)", boolSet(func(c *endpoint.Config, on bool) { c.RFC1337 = on })},
	{"net.ipv4.tcp_fin_timeout", "FIN-WAIT-2 timeout in seconds (FinWait2Timeout)", func(c *endpoint.Config, v int64) error {
		if v < 0 || v > int64(maxScriptTime/time.Second) {
			return skipf("sysctl", "time %d s out of range", v)
		}
		c.FinWait2Timeout = time.Duration(v) * time.Second
		return nil
	}},
	{"net.ipv4.tcp_abort_on_overflow", "a full accept queue answers with RST (ListenOverflow)", boolSet(func(c *endpoint.Config, on bool) {
		c.ListenOverflow = endpoint.OverflowDrop
		if on {
			c.ListenOverflow = endpoint.OverflowReset
		}
	})},
	{"net.ipv4.tcp_invalid_ratelimit", "ms between ACKs answering unacceptable segments (OOWAckInterval)",
		msSet(func(c *endpoint.Config, d time.Duration) { c.OOWAckInterval = d })},
}

var (
	sysctlRe   = regexp.MustCompile(`^sysctl\s+(?:-q\s+)?-w\s+([\w.]+)\s*=\s*(-?\d+)$`)
	sockstatRe = regexp.MustCompile(`^sockstat\s+[^|]*\|(.*)\|\s*grep\s+-c\s+(\w+)\s*\|\s*grep\s+(\d+)$`)
	sockstat2  = regexp.MustCompile(`^sockstat\s+([^|]*)\|\s*grep\s+-c\s+(\w+)\s*\|\s*grep\s+(\d+)$`)
	tcpdropRe  = regexp.MustCompile(`^tcpdrop\s+-s\s+(\w+)$`)
	portRe     = regexp.MustCompile(`-p\s+(\d+)`)
)

// shell runs a backquoted command through the table.
func (r *runner) shell(cmd string) error {
	if m := sysctlRe.FindStringSubmatch(cmd); m != nil {
		v, _ := strconv.ParseInt(m[2], 10, 64)
		for _, s := range Sysctls {
			if s.name == m[1] {
				cfg := r.cfg
				if err := s.set(&cfg, v); err != nil {
					if vd, ok := err.(*verdict); ok {
						vd.reason = fmt.Sprintf("sysctl %s=%d: %s", m[1], v, vd.reason)
					}
					return err
				}
				if err := r.st.SetConfig(cfg); err != nil {
					return failf("sysctl %s=%d: rejected: %v", m[1], v, err)
				}
				r.cfg = cfg
				return nil
			}
		}
		return skipf("sysctl", "sysctl %s is not in the table", m[1])
	}
	if m := sockstat2.FindStringSubmatch(cmd); m != nil {
		return r.sockstat(m[1], "", m[2], m[3])
	}
	if m := sockstatRe.FindStringSubmatch(cmd); m != nil {
		i := strings.Index(cmd, "|")
		return r.sockstat(cmd[:i], m[1], m[2], m[3])
	}
	if m := tcpdropRe.FindStringSubmatch(cmd); m != nil {
		st, ok := stateNames[m[1]]
		if !ok {
			return failf("tcpdrop -s %s: unknown state", m[1])
		}
		for _, c := range r.allConn {
			if c.State() == st {
				c.Abort()
			}
		}
		return nil
	}
	return skipf("shell", "command `%s` is not in the table", cmd)
}

// stateNames maps FreeBSD's and Linux's state spellings to endpoint's.
var stateNames = map[string]endpoint.State{
	"CLOSED": endpoint.Closed, "CLOSE": endpoint.Closed, "LISTEN": endpoint.Listen, "SYN_SENT": endpoint.SynSent,
	"SYN_RCVD": endpoint.SynReceived, "SYN_RECEIVED": endpoint.SynReceived, "SYN_RECV": endpoint.SynReceived,
	"ESTABLISHED": endpoint.Established, "CLOSE_WAIT": endpoint.CloseWait, "FIN_WAIT_1": endpoint.FinWait1,
	"FIN_WAIT1": endpoint.FinWait1, "CLOSING": endpoint.Closing, "LAST_ACK": endpoint.LastAck,
	"FIN_WAIT_2": endpoint.FinWait2, "FIN_WAIT2": endpoint.FinWait2, "TIME_WAIT": endpoint.TimeWait,
}

// sockstat counts sockets in a state. With "grep packetdril" it counts the
// script's own file descriptors (a socket whose connection is gone shows
// CLOSED); otherwise every connection of the host, optionally on a port.
func (r *runner) sockstat(args, filter, state, want string) error {
	st, ok := stateNames[state]
	if !ok {
		return skipf("shell", "sockstat state %s is not known", state)
	}
	filter = strings.TrimSpace(filter)
	own := false
	if filter != "" {
		if !regexp.MustCompile(`^grep\s+packetdril\w*$`).MatchString(filter) {
			return skipf("shell", "sockstat filter %q is not in the table", filter)
		}
		own = true
	}
	port := -1
	if m := portRe.FindStringSubmatch(args); m != nil {
		port, _ = strconv.Atoi(m[1])
	}
	n := 0
	if own {
		for _, s := range r.socks {
			if r.sockState(s) == st {
				n++
			}
		}
	} else {
		seen := map[endpoint.Incarnation]bool{}
		for _, c := range r.st.Conns() {
			id := c.ID()
			if c.State() == st && (port < 0 || int(id.Local.Port) == port) {
				n++
			}
			seen[c.Incarnation()] = true
		}
		for _, c := range r.allConn {
			if !seen[c.Incarnation()] && c.State() == endpoint.TimeWait && st == endpoint.TimeWait {
				n++
			}
		}
		for _, s := range r.socks {
			if s.l != nil && st == endpoint.Listen && (port < 0 || int(s.port) == port) {
				n++
			}
		}
	}
	if strconv.Itoa(n) != want {
		return failf("`sockstat | grep -c %s`: expected %s, got %d", state, want, n)
	}
	return nil
}

// sockState is the state sockstat and tcpi_state show for a descriptor.
func (r *runner) sockState(s *sock) endpoint.State {
	switch {
	case s.l != nil:
		return endpoint.Listen
	case s.conn.Valid():
		return s.conn.State()
	}
	return endpoint.Closed
}

var assertRe = regexp.MustCompile(`^assert\s+tcpi_state\s*==\s*(?:TCPI_|TCP_)(\w+)$`)

// code runs a %{ }% block: only "assert tcpi_state == TCP_X" is in the
// subset, checked on the socket under test.
func (r *runner) code(text string) error {
	m := assertRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return skipf("code", "python code %q is not in the subset", text)
	}
	name := m[1]
	if name == "SYN_RECV" {
		name = "SYN_RCVD"
	}
	st, ok := stateNames[name]
	if !ok {
		return failf("tcpi_state %s: unknown state", m[1])
	}
	if r.cur == nil {
		return failf("assert tcpi_state: no socket")
	}
	if got := r.sockState(r.cur); got != st {
		return failf("assert tcpi_state == %s: got %s", m[1], got)
	}
	return nil
}

// ApplySet applies "Field=value" overrides to an endpoint config: Field is
// an exported field of endpoint.Config (Features included), value a
// number, a duration ("200ms"), a boolean, or an enum's name. A name with
// dots is a sysctl of the table (Sysctls) with an integer value.
func ApplySet(cfg *endpoint.Config, sets []string) error {
	v := reflect.ValueOf(cfg).Elem()
	for _, kv := range sets {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("packetdrill: --set %q: want Field=value", kv)
		}
		if strings.Contains(name, ".") {
			if err := setSysctl(cfg, name, val); err != nil {
				return fmt.Errorf("packetdrill: --set %s: %w", kv, err)
			}
			continue
		}
		f := v.FieldByName(name)
		if !f.IsValid() || !f.CanSet() {
			return fmt.Errorf("packetdrill: --set %s: endpoint.Config has no field %s", kv, name)
		}
		if err := setField(f, val); err != nil {
			return fmt.Errorf("packetdrill: --set %s: %w", kv, err)
		}
	}
	return cfg.Validate()
}

func setField(f reflect.Value, val string) error {
	if f.Type() == reflect.TypeOf(time.Duration(0)) {
		d, err := time.ParseDuration(val)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
		return nil
	}
	if s, ok := f.Addr().Interface().(interface{ String() string }); ok && f.Kind() == reflect.Uint8 {
		_ = s
		for i := range 256 {
			f.SetUint(uint64(i))
			if fmt.Sprint(f.Interface()) == val {
				return nil
			}
			if fmt.Sprint(f.Interface()) == strconv.Itoa(i) {
				break
			}
		}
	}
	switch f.Kind() {
	case reflect.Bool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(val, 0, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		n, err := strconv.ParseUint(val, 0, f.Type().Bits())
		if err != nil {
			return err
		}
		f.SetUint(n)
	case reflect.String:
		f.SetString(val)
	default:
		return fmt.Errorf("fields of type %s cannot be set", f.Type())
	}
	return nil
}

// setSysctl applies one row of the sysctl table to cfg.
func setSysctl(cfg *endpoint.Config, name, val string) error {
	n, err := strconv.ParseInt(val, 10, 64)
	if err != nil {
		return err
	}
	for _, s := range Sysctls {
		if s.name == name {
			return s.set(cfg, n)
		}
	}
	return fmt.Errorf("sysctl %s is not in the table", name)
}
