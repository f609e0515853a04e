package packetdrill

import (
	"errors"

	"tcpsim/endpoint"
)

// syscall runs one system call of the subset and returns its result, an
// errno, a *blocked for a call that waits, or a verdict.
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
