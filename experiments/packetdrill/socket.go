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

// Error returns the errno's name.
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

// Error makes a pending call travel as an error from syscall.
func (b *blocked) Error() string { return "blocked" }
