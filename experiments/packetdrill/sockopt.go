package packetdrill

import (
	"time"

	"tcpsim/endpoint"
)

// osFlavor holds the constants whose values differ between the systems the
// scripts were written on.
type osFlavor struct {
	name             string
	oRDWR, oNONBLOCK int64
	doubleSetBuf     bool // Linux doubles SO_RCVBUF/SO_SNDBUF values (socket(7))
	symbols          map[string]int64
}

var (
	freebsdOS = osFlavor{
		name: "freebsd", oRDWR: 0x2, oNONBLOCK: 0x4,
		symbols: map[string]int64{"O_RDWR": 0x2, "O_NONBLOCK": 0x4, "O_RDONLY": 0, "O_WRONLY": 1},
	}
	linuxOS = osFlavor{
		name: "linux", oRDWR: 0x2, oNONBLOCK: 0x800, doubleSetBuf: true,
		symbols: map[string]int64{"O_RDWR": 0x2, "O_NONBLOCK": 0x800, "O_RDONLY": 0, "O_WRONLY": 1},
	}
)

// flavorOf picks the system constants for a profile: Linux's for "linux",
// FreeBSD's otherwise (the reference suite was written on FreeBSD).
func flavorOf(profile string) osFlavor {
	if profile == "linux" {
		return linuxOS
	}
	return freebsdOS
}

func (o osFlavor) symbol(name string) (int64, bool) {
	v, ok := o.symbols[name]
	return v, ok
}

// applySockOpts carries the per-socket options that endpoint keeps per host
// into the host's config before the socket opens a connection. A script
// with several sockets that set different values is outside the subset.
func (r *runner) applySockOpts(s *sock) error {
	cfg := r.cfg
	if s.maxSeg > 0 {
		cfg.MSS = uint16(s.maxSeg)
	}
	if s.userTimeout > 0 {
		cfg.UserTimeout = s.userTimeout
	}
	if s.keepInit > 0 {
		cfg.ConnectTimeout = s.keepInit
	}
	if s.noOpt {
		// No option offered, so none negotiated either.
		cfg.NoOptions = true
		cfg.Timestamps, cfg.SACK, cfg.WindowScale = false, false, false
	}
	if s.rcvBufSet {
		cfg.RcvBuf = int(s.rcvBuf)
	}
	if cfg == r.cfg {
		return nil
	}
	if len(r.socks) > 1 {
		return skipf("sockopt", "per-socket options on one of several sockets: endpoint keeps them per host")
	}
	return r.setConfig(cfg)
}

func (r *runner) setConfig(cfg endpoint.Config) error {
	if err := r.st.SetConfig(cfg); err != nil {
		return failf("%v", err)
	}
	r.cfg = cfg
	return nil
}

// optName returns the (level, name) of a socket option call.
func optName(c *Call) (level, name string, err error) {
	if len(c.Args) != 5 || c.Args[1].Kind != ExprIdent || c.Args[2].Kind != ExprIdent {
		return "", "", failf("%s(fd, level, name, value, len): wrong arguments", c.Name)
	}
	return c.Args[1].Ident, c.Args[2].Ident, nil
}

func (r *runner) sysSetsockopt(c *Call) (int64, error) {
	level, name, err := optName(c)
	if err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	val := c.Args[3]
	if name == "SO_LINGER" {
		if val.Kind != ExprStruct || len(val.Elems) != 2 {
			return 0, failf("setsockopt(SO_LINGER): value must be {onoff, linger}")
		}
		on, err := r.intArg(val.Elems[0])
		if err != nil {
			return 0, err
		}
		t, err := r.intArg(val.Elems[1])
		if err != nil {
			return 0, err
		}
		if on != 0 && t != 0 {
			return 0, skipf("sockopt", "SO_LINGER with a non-zero timeout: a lingering close is not simulated")
		}
		s.linger, s.lingerTime = on != 0, t
		return 0, nil
	}
	v, err := r.intArg(val)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > 1<<31-1 {
		return 0, errno("EINVAL")
	}
	switch level + "/" + name {
	case "SOL_SOCKET/SO_REUSEADDR", "SOL_SOCKET/SO_REUSEPORT":
		// Binding is never refused in a simulated host with one process.
		return 0, nil
	case "SOL_SOCKET/SO_RCVBUF":
		if v == 0 {
			return 0, errno("EINVAL")
		}
		s.rcvBuf, s.rcvBufSet = v, true
		return 0, nil
	case "SOL_SOCKET/SO_SNDBUF":
		s.sndBuf = v
		return 0, nil
	case "IPPROTO_TCP/TCP_NODELAY":
		if v == 0 {
			return 0, skipf("sockopt", "TCP_NODELAY 0: Nagle's algorithm is not simulated (segments always go at once)")
		}
		s.noDelay = true
		return 0, nil
	case "IPPROTO_TCP/TCP_MAXSEG":
		if v < 1 || v > 65535 {
			return 0, errno("EINVAL")
		}
		s.maxSeg = v
		return 0, nil
	case "IPPROTO_TCP/TCP_USER_TIMEOUT":
		s.userTimeout = time.Duration(v) * time.Millisecond
		return 0, nil
	case "IPPROTO_TCP/TCP_KEEPINIT":
		// FreeBSD's TCP_KEEPINIT is in seconds (tcp(4)).
		s.keepInit = time.Duration(v) * time.Second
		return 0, nil
	case "IPPROTO_TCP/TCP_NOOPT":
		s.noOpt = v != 0
		return 0, nil
	}
	return 0, skipf("sockopt", "setsockopt(%s, %s) is not in the subset", level, name)
}

func (r *runner) sysGetsockopt(c *Call) (int64, error) {
	level, name, err := optName(c)
	if err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	want := c.Args[3]
	if want.Kind == ExprList && len(want.Elems) == 1 {
		want = want.Elems[0]
	}
	switch level + "/" + name {
	case "SOL_SOCKET/SO_ERROR":
		got := ""
		if s.conn.Valid() {
			cs := r.state(s.conn)
			got, cs.soError = cs.soError, ""
		}
		exp := ""
		switch {
		case want.Kind == ExprIdent:
			exp = want.Ident
		case want.Kind == ExprInt && want.Int == 0:
		case want.Kind == ExprEllipsis:
			return 0, nil
		default:
			return 0, failf("getsockopt(SO_ERROR): expected value %s is not an errno", want)
		}
		if got != exp {
			return 0, failf("getsockopt(SO_ERROR): expected %s, got %s", errName(exp), errName(got))
		}
		return 0, nil
	case "SOL_SOCKET/SO_RCVBUF", "SOL_SOCKET/SO_SNDBUF":
		if want.Kind == ExprEllipsis {
			return 0, nil
		}
		exp, err := r.intArg(want)
		if err != nil {
			return 0, err
		}
		got := r.bufSize(s, name == "SO_RCVBUF")
		if r.strict && got != exp {
			return 0, failf("getsockopt(%s): expected %d, got %d", name, exp, got)
		}
		if !r.strict && name == "SO_RCVBUF" && got != exp && s.conn.Valid() && exp > 0 {
			// RFC mode: the receive buffer, and so RCV.WND, is the stack's
			// choice (RFC 9293 §3.8.6); a script that states it is telling
			// the host which window its later segments are placed against.
			// The host adopts it; what happens at the window's edges is
			// still the RFCs' and is compared.
			s.conn.SetRcvBuf(int(exp))
		}
		return 0, nil
	}
	return 0, skipf("sockopt", "getsockopt(%s, %s) is not in the subset", level, name)
}

func errName(e string) string {
	if e == "" {
		return "0"
	}
	return e
}

// bufSize is a socket's SO_RCVBUF or SO_SNDBUF as the host reports it.
func (r *runner) bufSize(s *sock, rcv bool) int64 {
	if !rcv {
		if s.sndBuf > 0 {
			return s.sndBuf
		}
		return int64(r.cfg.SndBuf)
	}
	size := int64(r.cfg.RcvBuf)
	if s.rcvBufSet {
		size = s.rcvBuf
	}
	if s.conn.Valid() && !s.rcvBufSet {
		if b := s.conn.RcvBuf(); b > 0 {
			return int64(b)
		}
	}
	return size
}
