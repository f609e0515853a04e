package packetdrill

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTimes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Time
	}{
		{"0 close(3) = 0", Time{Kind: Absolute}},
		{"1.25 close(3) = 0", Time{Kind: Absolute, At: 1250 * time.Millisecond}},
		{".1 close(3) = 0", Time{Kind: Absolute, At: 100 * time.Millisecond}},
		{"+0.000001 close(3) = 0", Time{Kind: Relative, At: time.Microsecond}},
		{"* close(3) = 0", Time{Kind: Any}},
		{"0.1~0.3 close(3) = 0", Time{Kind: Absolute, At: 100 * time.Millisecond, End: 300 * time.Millisecond, Range: true}},
		{"+0.1~+0.3 close(3) = 0", Time{Kind: Relative, At: 100 * time.Millisecond, End: 300 * time.Millisecond, Range: true}},
		{"1.00...6.00 close(3) = 0", Time{Kind: Absolute, At: time.Second, Return: 6 * time.Second, Blocking: true}},
		{"+0...0.5 close(3) = 0", Time{Kind: Relative, Return: 500 * time.Millisecond, Blocking: true}},
	} {
		s, err := Parse(tc.in, nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := s.Events[0].Time; got != tc.want {
			t.Errorf("Parse(%q).Time = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParsePackets(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Packet
	}{
		{"0 < S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>", Packet{Dir: Inbound, Flags: FlagSYN, HasWin: true, Win: 32767, HasOptions: true,
			Options: []Option{{Kind: OptMSS, Val: 1460}, {Kind: OptSACKOK}, {Kind: OptEOL}, {Kind: OptEOL}}}},
		{"0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>", Packet{Dir: Outbound, Flags: FlagSYN | FlagACK, HasAck: true, Ack: 1,
			HasWin: true, Win: 65535, HasOptions: true, Options: []Option{{Kind: OptMSS, Val: 1460}, {Kind: OptNOP}, {Kind: OptWScale, Val: 6}, {Kind: OptSACKOK}, {Kind: OptTS, Val: 100}}}},
		{"0 >  .     1:1(0)     ack     1 win 65535", Packet{Dir: Outbound, Flags: FlagACK, Seq: 1, End: 1, HasAck: true, Ack: 1, HasWin: true, Win: 65535}},
		{"0 > P. 1:11(10) ack 1", Packet{Dir: Outbound, Flags: FlagPSH | FlagACK, Seq: 1, End: 11, Len: 10, HasAck: true, Ack: 1}},
		{"0 > S. ...(0) ack 65537 win 65535", Packet{Dir: Outbound, Flags: FlagSYN | FlagACK, AnySeq: true, HasAck: true, Ack: 65537, HasWin: true, Win: 65535}},
		{"0 < SEW 0:0(0) win 1", Packet{Dir: Inbound, Flags: FlagSYN | FlagECE | FlagCWR, HasWin: true, Win: 1}},
		{"0 <[noecn] . 1:1(0) ack 1 win 1", Packet{Dir: Inbound, ECN: ECNNotECT, Flags: FlagACK, Seq: 1, End: 1, HasAck: true, Ack: 1, HasWin: true, Win: 1}},
		{"0 > [ect0] P. 1:2(1) ack 1", Packet{Dir: Outbound, ECN: ECNECT0, Flags: FlagPSH | FlagACK, Seq: 1, End: 2, Len: 1, HasAck: true, Ack: 1}},
		{"0 < R 4294967295:4294967295(0) win 0", Packet{Dir: Inbound, Flags: FlagRST, Seq: 4294967295, End: 4294967295, HasWin: true}},
		{"0 < . 1:1(0) ack 1 win 1 <sack 5:10 20:30,nop,nop>", Packet{Dir: Inbound, Flags: FlagACK, Seq: 1, End: 1, HasAck: true, Ack: 1, HasWin: true, Win: 1, HasOptions: true,
			Options: []Option{{Kind: OptSACK, Blocks: [][2]uint32{{5, 10}, {20, 30}}}, {Kind: OptNOP}, {Kind: OptNOP}}}},
		{"0 > . 1:1(0) ack 1 <...>", Packet{Dir: Outbound, Flags: FlagACK, Seq: 1, End: 1, HasAck: true, Ack: 1, HasOptions: true, AnyOptions: true}},
		{"0 > R 0:0(0) <>", Packet{Dir: Outbound, Flags: FlagRST, HasOptions: true}},
	} {
		s, err := Parse(tc.in, nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := s.Events[0].Packet; !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("Parse(%q) =\n %+v, want\n %+v", tc.in, *got, tc.want)
		}
	}
}

func TestParseCalls(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want is Call.String()
		errno    string
		note     string
	}{
		{"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "", ""},
		{"0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)", "fcntl(3, F_GETFL) = 2", "", "flags O_RDWR"},
		{"0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0", "fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0", "", ""},
		{"0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)", "connect(3, ..., ...) = -1 EINPROGRESS", "EINPROGRESS", "Operation now in progress"},
		{"0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0", "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0", "", ""},
		{"0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0", "setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0", "", ""},
		{"0 write (3, ..., 10) = 10", "write(3, ..., 10) = 10", "", ""},
		{`0 send(3, "x", 1, 0) = 1`, `send(3, "x", 1, 0) = 1`, "", ""},
		{"0 close(3) = ...", "close(3) = ...", "", ""},
	} {
		s, err := Parse(tc.in, nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		c := s.Events[0].Call
		if got := c.String(); got != tc.want || c.Errno != tc.errno || c.Note != tc.note {
			t.Errorf("Parse(%q) = %q errno %q note %q, want %q errno %q note %q", tc.in, got, c.Errno, c.Note, tc.want, tc.errno, tc.note)
		}
	}
}

func TestParseShellCodeFlagsComments(t *testing.T) {
	src := `// a comment
/* a block
   comment */ --tolerance_usecs=25000
--ip_version=ipv4
 0.00 ` + "`sysctl -w net.inet.tcp.insecure_rst=1` // trailing" + `
+0 %{ assert tcpi_state == TCPI_LISTEN }%
+0 %{
assert tcpi_state == TCP_CLOSE
}%
`
	s, err := Parse(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := []Flag{{Line: 3, Name: "tolerance_usecs", Value: "25000"}, {Line: 4, Name: "ip_version", Value: "ipv4"}}
	if !reflect.DeepEqual(s.Flags, wantFlags) {
		t.Errorf("flags = %+v, want %+v", s.Flags, wantFlags)
	}
	if len(s.Events) != 3 {
		t.Fatalf("%d events, want 3", len(s.Events))
	}
	for i, want := range []struct {
		kind EventKind
		line int
		text string
	}{{ShellEvent, 5, "sysctl -w net.inet.tcp.insecure_rst=1"}, {CodeEvent, 6, "assert tcpi_state == TCPI_LISTEN"}, {CodeEvent, 7, "assert tcpi_state == TCP_CLOSE"}} {
		ev := s.Events[i]
		if ev.Kind != want.kind || ev.Line != want.line || ev.Text != want.text {
			t.Errorf("event %d = kind %d line %d %q, want kind %d line %d %q", i, ev.Kind, ev.Line, ev.Text, want.kind, want.line, want.text)
		}
	}
}

func TestParseIfdef(t *testing.T) {
	src := `0 close(1) = 0
#ifdef A
0 close(2) = 0
#ifndef B
0 close(3) = 0
#else
0 close(4) = 0
#endif
#else
0 close(5) = 0
0 %{
assert tcpi_state == TCP_CLOSE
}%
#endif
0 close(6) = 0
`
	for _, tc := range []struct {
		defines []string
		want    []int64
	}{
		{nil, []int64{1, 5, 6}},
		{[]string{"A"}, []int64{1, 2, 3, 6}},
		{[]string{"A", "B"}, []int64{1, 2, 4, 6}},
		{[]string{"B"}, []int64{1, 5, 6}},
	} {
		s, err := Parse(src, tc.defines)
		if err != nil {
			t.Fatalf("Parse with %v: %v", tc.defines, err)
		}
		var got []int64
		for _, ev := range s.Events {
			if ev.Kind == CallEvent {
				got = append(got, ev.Call.Args[0].Int)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse with %v: closes %v, want %v", tc.defines, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		msg  string
	}{
		{"0 < S 0:1(0) win 1", 1, "not 0 bytes"},
		{"0 < X 0:0(0) win 1", 1, "unknown TCP flag"},
		{"0 < SS 0:0(0) win 1", 1, "given twice"},
		{"0 < S 0:0(0) win 70000", 1, "16 bits"},
		{"0 < S 0:0(0) win 1 <mss 1460,bogus 3>", 1, "unsupported TCP option"},
		{"0 < S 0:0(0) win 1 <mss 1460", 1, "expected"},
		{"\n0 close(3 = 0", 2, "expected"},
		{"0 close(3) = x", 1, "must be a number"},
		{"#ifdef A\n0 close(3) = 0", 1, "without #endif"},
		{"#endif", 1, "without #ifdef"},
		{"#else", 1, "without #ifdef"},
		{"#include x", 1, "unknown directive"},
		{"0 `sysctl", 1, "unterminated backquote"},
		{"0 %{ x", 1, "unterminated %{"},
		{"/* open", 1, "unterminated /*"},
		{"0.5~0.1 close(3) = 0", 1, "ends before"},
		{"0 < S 0:0(0) win 1 ack 1 ack 2", 1, "given twice"},
		{"0 close(3) = 0 junk junk", 1, "unexpected"},
		{"--bad flag", 1, "bad header flag"},
		{"0 ? x", 1, "expected a packet"},
		{"0 < [bogus] S 0:0(0) win 1", 1, "unknown ECN"},
		{"0 < S 99999999999:0(0) win 1", 1, "out of range"},
		{"0 f(" + strings.Repeat("[", 40) + ") = 0", 1, "too deeply"},
	} {
		_, err := Parse(tc.in, nil)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", tc.in, err)
			continue
		}
		if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Parse(%q) = %v, want line %d containing %q", tc.in, err, tc.line, tc.msg)
		}
	}
}

// FuzzParse checks that no input makes the parser panic, and that what it
// accepts prints back as something it accepts again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"--tolerance_usecs=25000\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
		"+0.1 < S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,eol,eol>",
		"1.0...6.0 connect(3, ..., ...) = -1 ETIMEDOUT (Operation timed out)",
		"* > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>",
		"#ifdef X\n0 `tcpdrop -s TIME_WAIT`\n#else\n0 %{ assert tcpi_state == TCPI_LISTEN }%\n#endif",
		"0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0",
		"0 < . 1:1(0) ack 1 win 1 <sack 1:2 3:4>",
		"/* x */ 0 close(3) = 0 // y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src, []string{"X"})
		if err != nil {
			return
		}
		for _, ev := range s.Events {
			switch ev.Kind {
			case PacketEvent:
				line := "0 " + ev.Packet.String()
				if _, err := Parse(line, nil); err != nil {
					t.Errorf("packet %q prints as %q, which does not parse: %v", src, line, err)
				}
			case CallEvent:
				_ = ev.Call.String()
			}
		}
	})
}
