package packetdrill

import "testing"

// FuzzRun checks that no script, however malformed, crashes the runner:
// every input ends in a PASS, FAIL or SKIP.
func FuzzRun(f *testing.F) {
	f.Add(passiveOpen + "+0 close(4) = 0\n+0 > F. 1:1(0) ack 1 win 65535\n")
	f.Add(activeOpen + "+0.1 < R. 1:1(0) ack 1 win 0\n+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0\n")
	f.Add("0 `sysctl -w net.inet.tcp.keepinit=3000`\n+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n1.0...4.0 connect(3, ..., ...) = -1 ETIMEDOUT\n")
	f.Add(passiveOpen + "+0 < P. 101:201(100) ack 1 win 2\n+0 > . 1:1(0) ack 1 <nop,nop,sack 101:201>\n+0 read(4, ..., 1) = -1 EAGAIN\n")
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range []string{"freebsd", "rfc9293"} {
			r := RunSource(src, Options{Profile: p, Defines: []string{"FreeBSD"}})
			if r.Outcome > Skip {
				t.Fatalf("outcome %v", r.Outcome)
			}
		}
	})
}
