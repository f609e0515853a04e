package packetdrill

import (
	"errors"
	"fmt"
	"time"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// sock is a file descriptor of the script's process: a TCP socket that is
// fresh, bound, listening or connected.
type sock struct {
	fd       int
	nonblock bool
	bound    bool
	port     uint16
	l        *endpoint.Listener
	conn     endpoint.Conn
	shutWR   bool
	shutRD   bool
	// Socket options as set (SO_LINGER, buffer sizes, TCP_MAXSEG, ...).
	linger      bool
	lingerTime  int64
	rcvBuf      int64
	sndBuf      int64
	rcvBufSet   bool
	userTimeout time.Duration
	keepInit    time.Duration
	maxSeg      int64
	noDelay     bool
	noOpt       bool
}

// connState is what the socket layer knows about a connection, kept by
// incarnation so a connection that has not been accepted yet has one too.
type connState struct {
	established bool
	unread      int
	peerClosed  bool
	// soError is the pending SO_ERROR ("" for none); closed the end
	// reason once the connection is gone.
	soError string
	closed  bool
	reason  endpoint.Reason
}

// The runner is the handler of every connection and listener.

// OnEstablished marks an active open done.
func (r *runner) OnEstablished(c endpoint.Conn) {
	r.state(c).established = true
	r.wake()
}

// OnAccept is not used: listeners are opened with ManualAccept.
func (r *runner) OnAccept(*endpoint.Listener, endpoint.Conn) { r.wake() }

// OnData counts unread bytes.
func (r *runner) OnData(c endpoint.Conn, n, _ int) {
	r.state(c).unread += n
	r.wake()
}

// OnPeerClose records the peer's FIN.
func (r *runner) OnPeerClose(c endpoint.Conn) {
	r.state(c).peerClosed = true
	r.wake()
}

// OnClosed records how the connection ended and the error a socket
// reports for it.
func (r *runner) OnClosed(c endpoint.Conn, reason endpoint.Reason) {
	cs := r.state(c)
	cs.closed, cs.reason = true, reason
	switch reason {
	case endpoint.ReasonRefused:
		cs.soError = "ECONNREFUSED"
	case endpoint.ReasonReset:
		cs.soError = "ECONNRESET"
	case endpoint.ReasonTimedOut:
		cs.soError = "ETIMEDOUT"
	}
	r.wake()
}

func (r *runner) wake() {
	if r.blockWake {
		r.sim.Stop()
	}
}

func (r *runner) state(c endpoint.Conn) *connState {
	cs := r.conns[c.Incarnation()]
	if cs == nil {
		cs = &connState{}
		r.conns[c.Incarnation()] = cs
		r.allConn = append(r.allConn, c)
	}
	return cs
}

// blocked is a system call that has not returned yet.
type blocked struct {
	ev     *Event
	ret    engine.Time // when the script says it returns
	hasRet bool
	poll   func() (done bool, ret int64, errno string)
}

// errno is an error result of a system call.
type errno string

func (e errno) Error() string { return string(e) }

// args checks the argument count.
func args(c *Call, n int) error {
	if len(c.Args) != n {
		return failf("%s() takes %d arguments, the script gives %d", c.Name, n, len(c.Args))
	}
	return nil
}

// fdArg returns the socket named by the first argument.
func (r *runner) fdArg(c *Call) (*sock, error) {
	if len(c.Args) == 0 || c.Args[0].Kind != ExprInt {
		return nil, failf("%s(): the first argument must be a file descriptor", c.Name)
	}
	s := r.socks[int(c.Args[0].Int)]
	if s == nil {
		return nil, errno("EBADF")
	}
	return s, nil
}

// call runs a system call line.
func (r *runner) call(ev *Event) error {
	c := ev.Call
	if r.block != nil {
		return skipf("syscall", "%s() while a blocking call is outstanding: one thread only", c.Name)
	}
	ret, err := r.syscall(ev)
	if v := (*verdict)(nil); errors.As(err, &v) {
		return err
	}
	if b, ok := err.(*blocked); ok {
		b.ev = ev
		r.block = b
		return r.pollBlocked()
	}
	en := ""
	if e, ok := err.(errno); ok {
		ret, en = -1, string(e)
	} else if err != nil {
		return err
	}
	if ev.Time.Blocking {
		// The call returned at once; it must have been expected to.
		if at, _, ok := r.target(Time{Kind: ev.Time.Kind, At: ev.Time.Return}); ok && r.sim.Now().Sub(at) < -r.tol {
			return failf("%s returned at %s, expected it to block until %s", c.Name, fmtTime(r.sim.Now()), fmtTime(at))
		}
	}
	return r.checkResult(c, ret, en)
}

func (r *runner) checkResult(c *Call, ret int64, en string) error {
	if c.AnyResult {
		return nil
	}
	if ret != c.Result.Int || en != c.Errno && c.Errno != "" || en != "" && c.Errno == "" {
		return failf("%s: expected %s, got %s", c.Name, fmtRet(c.Result.Int, c.Errno), fmtRet(ret, en))
	}
	return nil
}

func fmtRet(ret int64, en string) string {
	if en != "" {
		return fmt.Sprintf("%d %s", ret, en)
	}
	return fmt.Sprint(ret)
}

// pollBlocked checks whether the blocked call returned, and whether it did
// so when the script said.
func (r *runner) pollBlocked() error {
	b := r.block
	done, ret, en := b.poll()
	now := r.sim.Now()
	if !done {
		if b.hasRet && now > b.ret.Add(r.tol) {
			r.line = b.ev.Line
			return failf("%s: expected it to return at %s, still blocked at %s", b.ev.Call.Name, fmtTime(b.ret), fmtTime(now))
		}
		return nil
	}
	r.block = nil
	line := r.line
	r.line = b.ev.Line
	if b.hasRet && (now < b.ret.Add(-r.tol) || now > b.ret.Add(r.tol)) {
		return failf("%s: expected it to return at %s, returned at %s", b.ev.Call.Name, fmtTime(b.ret), fmtTime(now))
	}
	if err := r.checkResult(b.ev.Call, ret, en); err != nil {
		return err
	}
	r.line = line
	return nil
}

// finishBlocked runs until the blocked call returns or limit.
func (r *runner) finishBlocked(limit engine.Time) error {
	if r.block.hasRet && r.block.ret.Add(r.tol) < limit {
		limit = r.block.ret.Add(r.tol)
	}
	if err := r.advance(limit); err != nil {
		return err
	}
	if r.block != nil {
		r.line = r.block.ev.Line
		return failf("%s: still blocked at %s", r.block.ev.Call.Name, fmtTime(r.sim.Now()))
	}
	return nil
}

// newBlocked returns the pending form of a call that would block, or
// EAGAIN on a non-blocking socket.
func (r *runner) newBlocked(ev *Event, s *sock, poll func() (bool, int64, string)) error {
	if s.nonblock {
		return errno("EAGAIN")
	}
	b := &blocked{poll: poll}
	if ev.Time.Blocking {
		at, _, ok := r.target(Time{Kind: ev.Time.Kind, At: ev.Time.Return})
		if ok {
			if ev.Time.Kind == Relative {
				// Both ends of "+a...b" count from the same origin, the
				// previous event; r.last is already this call's start.
				at = r.last.Add(ev.Time.Return - ev.Time.At)
			}
			b.ret, b.hasRet = at, true
		}
	}
	return b
}

func (b *blocked) Error() string { return "blocked" }

func (r *runner) syscall(ev *Event) (int64, error) {
	c := ev.Call
	switch c.Name {
	case "socket":
		return r.sysSocket(c)
	case "fcntl":
		return r.sysFcntl(c)
	case "setsockopt":
		return r.sysSetsockopt(c)
	case "getsockopt":
		return r.sysGetsockopt(c)
	case "bind":
		s, err := r.fdArg(c)
		if err != nil {
			return 0, err
		}
		if s.bound {
			return 0, errno("EINVAL")
		}
		s.bound, s.port = true, defaultPort
		return 0, nil
	case "listen":
		return r.sysListen(c)
	case "accept":
		return r.sysAccept(ev)
	case "connect":
		return r.sysConnect(ev)
	case "write", "send":
		return r.sysWrite(c)
	case "read", "recv":
		return r.sysRead(ev)
	case "shutdown":
		return r.sysShutdown(c)
	case "close":
		return r.sysClose(c)
	}
	return 0, skipf("syscall", "system call %s() is not in the subset", c.Name)
}

func (r *runner) sysSocket(c *Call) (int64, error) {
	if err := args(c, 3); err != nil {
		return 0, err
	}
	if c.Args[1].Kind != ExprIdent || c.Args[1].Ident != "SOCK_STREAM" {
		return 0, skipf("syscall", "socket(%s): only SOCK_STREAM is simulated", c.Args[1])
	}
	if p := c.Args[2]; !(p.Kind == ExprIdent && p.Ident == "IPPROTO_TCP" || p.Kind == ExprInt && p.Int == 0 || p.Kind == ExprEllipsis) {
		return 0, skipf("syscall", "socket(..., %s): only TCP is simulated", p)
	}
	fd := 3
	for r.socks[fd] != nil {
		fd++
	}
	s := &sock{fd: fd}
	r.socks[fd] = s
	r.cur = s
	return int64(fd), nil
}

func (r *runner) sysListen(c *Call) (int64, error) {
	if err := args(c, 2); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	if s.conn.Valid() {
		return 0, errno("EINVAL")
	}
	if s.l != nil {
		return 0, nil
	}
	backlog, err := r.intArg(c.Args[1])
	if err != nil {
		return 0, err
	}
	if !s.bound {
		s.bound, s.port = true, defaultPort
	}
	if err := r.applySockOpts(s); err != nil {
		return 0, err
	}
	// The accept queue holds backlog+1 connections, as Linux's
	// sk_acceptq_is_full (a queue is full when its length exceeds the
	// backlog).
	l, err := r.st.Listen(s.port, endpoint.ListenOptions{AcceptQueue: int(max(backlog, 0)) + 1, ManualAccept: true}, r)
	if err != nil {
		return 0, errno("EADDRINUSE")
	}
	s.l = l
	r.cur = s
	r.lport, r.rport = s.port, peerPort
	return 0, nil
}

func (r *runner) sysAccept(ev *Event) (int64, error) {
	c := ev.Call
	if err := args(c, 3); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	if s.l == nil {
		return 0, errno("EINVAL")
	}
	try := func() (bool, int64, string) {
		conn, ok := s.l.Accept()
		if !ok {
			return false, 0, ""
		}
		fd := 3
		for r.socks[fd] != nil {
			fd++
		}
		ns := &sock{fd: fd, bound: true, port: s.port, conn: conn, linger: s.linger, lingerTime: s.lingerTime,
			rcvBuf: s.rcvBuf, rcvBufSet: s.rcvBufSet, sndBuf: s.sndBuf}
		r.state(conn)
		conn.SetHandler(r)
		r.socks[fd] = ns
		r.cur = ns
		return true, int64(fd), ""
	}
	if done, fd, _ := try(); done {
		return fd, nil
	}
	return 0, r.newBlocked(ev, s, try)
}

func (r *runner) sysConnect(ev *Event) (int64, error) {
	c := ev.Call
	if err := args(c, 3); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	if s.l != nil {
		return 0, errno("EINVAL")
	}
	if s.conn.Valid() {
		cs := r.state(s.conn)
		switch {
		case cs.established:
			return 0, errno("EISCONN")
		case cs.closed:
			return 0, errno("EINVAL")
		}
		return 0, errno("EALREADY")
	}
	if err := r.applySockOpts(s); err != nil {
		return 0, err
	}
	var conn endpoint.Conn
	if s.bound {
		conn, err = r.st.ConnectFrom(s.port, remoteAddr, defaultPort, r)
	} else {
		conn, err = r.st.Connect(remoteAddr, defaultPort, r)
	}
	if err != nil {
		return 0, errno("EADDRNOTAVAIL")
	}
	s.conn = conn
	r.state(conn)
	r.cur = s
	r.lport, r.rport = conn.ID().Local.Port, defaultPort
	r.isnKnown = false
	poll := func() (bool, int64, string) {
		cs := r.state(conn)
		if cs.established {
			return true, 0, ""
		}
		if cs.closed {
			e := cs.soError
			cs.soError = ""
			if e == "" {
				e = "ECONNABORTED"
			}
			return true, -1, e
		}
		return false, 0, ""
	}
	if s.nonblock {
		return 0, errno("EINPROGRESS")
	}
	return 0, r.newBlocked(ev, s, poll)
}

func (r *runner) sysWrite(c *Call) (int64, error) {
	if err := args(c, 3); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	n, err := r.intArg(c.Args[2])
	if err != nil {
		return 0, err
	}
	if n < 0 || n > 1<<40 {
		return 0, errno("EINVAL")
	}
	if !s.conn.Valid() {
		return 0, errno("ENOTCONN")
	}
	cs := r.state(s.conn)
	if cs.closed || s.shutWR {
		if e := cs.soError; e != "" {
			cs.soError = ""
			return 0, errno(e)
		}
		return 0, errno("EPIPE")
	}
	if !cs.established && s.conn.State() == endpoint.SynSent {
		return 0, errno("EAGAIN")
	}
	if err := s.conn.Send(int(n)); err != nil {
		return 0, errno("EPIPE")
	}
	return n, nil
}

func (r *runner) sysRead(ev *Event) (int64, error) {
	c := ev.Call
	if len(c.Args) < 3 {
		return 0, args(c, 3)
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	n, err := r.intArg(c.Args[2])
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, errno("EINVAL")
	}
	if !s.conn.Valid() {
		return 0, errno("ENOTCONN")
	}
	try := func() (bool, int64, string) {
		cs := r.state(s.conn)
		if cs.unread > 0 {
			k := min(int64(cs.unread), n)
			cs.unread -= int(k)
			return true, k, ""
		}
		if cs.soError != "" {
			e := cs.soError
			cs.soError = ""
			return true, -1, e
		}
		if cs.peerClosed || cs.closed || s.shutRD {
			return true, 0, ""
		}
		return false, 0, ""
	}
	if done, k, e := try(); done {
		if e != "" {
			return 0, errno(e)
		}
		return k, nil
	}
	return 0, r.newBlocked(ev, s, try)
}

func (r *runner) sysShutdown(c *Call) (int64, error) {
	if err := args(c, 2); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	how := c.Args[1]
	if how.Kind != ExprIdent {
		return 0, failf("shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got %s", how)
	}
	if !s.conn.Valid() {
		return 0, errno("ENOTCONN")
	}
	switch how.Ident {
	case "SHUT_RD":
		s.shutRD = true
		return 0, nil
	case "SHUT_WR", "SHUT_RDWR":
		s.shutRD = s.shutRD || how.Ident == "SHUT_RDWR"
		if s.shutWR {
			return 0, nil
		}
		s.shutWR = true
		if s.conn.State() == endpoint.Closed {
			return 0, errno("ENOTCONN")
		}
		if err := s.conn.Close(); err != nil && !errors.Is(err, endpoint.ErrClosing) {
			return 0, errno("ENOTCONN")
		}
		return 0, nil
	}
	return 0, failf("shutdown(): unknown how %s", how.Ident)
}

func (r *runner) sysClose(c *Call) (int64, error) {
	if err := args(c, 1); err != nil {
		return 0, err
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	delete(r.socks, s.fd)
	if r.cur == s {
		r.cur = nil
	}
	switch {
	case s.l != nil:
		s.l.Close()
	case s.conn.Valid():
		cs := r.state(s.conn)
		switch {
		case s.linger && s.lingerTime == 0:
			// SO_LINGER with a zero timeout: the close aborts (RFC 9293
			// §3.10.5 ABORT; 4.4BSD and Linux send a RST).
			s.conn.Abort()
		case cs.unread > 0 && r.cfg.CloseUnreadReset:
			// RFC 2525 §2.17 (Linux tcp_close): unread data makes close
			// an abort.
			s.conn.Abort()
		case !s.shutWR:
			s.conn.Close()
		}
	}
	return 0, nil
}

func (r *runner) intArg(e Expr) (int64, error) {
	switch e.Kind {
	case ExprInt:
		return e.Int, nil
	case ExprList:
		if len(e.Elems) == 1 {
			return r.intArg(e.Elems[0])
		}
	case ExprIdent:
		if v, ok := r.os.symbol(e.Ident); ok {
			return v, nil
		}
		return 0, skipf("symbol", "unknown symbol %s", e.Ident)
	case ExprOr:
		var v int64
		for _, x := range e.Elems {
			y, err := r.intArg(x)
			if err != nil {
				return 0, err
			}
			v |= y
		}
		return v, nil
	}
	return 0, failf("expected a number, got %s", e)
}

func (r *runner) sysFcntl(c *Call) (int64, error) {
	if len(c.Args) < 2 {
		return 0, args(c, 2)
	}
	s, err := r.fdArg(c)
	if err != nil {
		return 0, err
	}
	cmd := c.Args[1]
	switch {
	case cmd.Kind == ExprIdent && cmd.Ident == "F_GETFL":
		v := r.os.oRDWR
		if s.nonblock {
			v |= r.os.oNONBLOCK
		}
		return v, nil
	case cmd.Kind == ExprIdent && cmd.Ident == "F_SETFL" && len(c.Args) == 3:
		v, err := r.intArg(c.Args[2])
		if err != nil {
			return 0, err
		}
		if v&^(r.os.oNONBLOCK|r.os.oRDWR) != 0 {
			return 0, skipf("syscall", "fcntl(F_SETFL, %s): only O_NONBLOCK is simulated", c.Args[2])
		}
		s.nonblock = v&r.os.oNONBLOCK != 0
		return 0, nil
	}
	return 0, skipf("syscall", "fcntl(%s) is not in the subset", cmd)
}
