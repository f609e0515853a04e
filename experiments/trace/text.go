package trace

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// FormatTime formats a simulated time as tcpdump's -ttt style would print
// seconds since the start: "12.345678901", always nine decimals.
func FormatTime(t engine.Time) string {
	ns := int64(t)
	sign := ""
	if ns < 0 {
		sign, ns = "-", -ns
	}
	return fmt.Sprintf("%s%d.%09d", sign, ns/1e9, ns%1e9)
}

// FormatSegment formats one packet as `tcpdump -n -S` prints it, without
// the time: "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 100, win
// 65535, options [mss 1460], length 0". Sequence numbers are absolute; the
// options appear in the order the pcap writer puts them on the wire.
func FormatSegment(src, dst endpoint.Addr, seg *endpoint.Segment) string {
	var b strings.Builder
	b.WriteString("IP ")
	b.WriteString(src.String())
	b.WriteByte('.')
	b.WriteString(strconv.Itoa(int(seg.SrcPort)))
	b.WriteString(" > ")
	b.WriteString(dst.String())
	b.WriteByte('.')
	b.WriteString(strconv.Itoa(int(seg.DstPort)))
	b.WriteString(": Flags [")
	b.WriteString(seg.Flags.String())
	b.WriteString("], seq ")
	b.WriteString(strconv.FormatUint(uint64(seg.Seq), 10))
	if seg.Len > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(uint64(seg.Seq.Add(seg.Len)), 10))
	}
	if seg.Flags&endpoint.ACK != 0 {
		b.WriteString(", ack ")
		b.WriteString(strconv.FormatUint(uint64(seg.Ack), 10))
	}
	b.WriteString(", win ")
	b.WriteString(strconv.Itoa(int(seg.Window)))
	var opts []string
	if seg.Options&endpoint.OptMSS != 0 {
		opts = append(opts, "mss "+strconv.Itoa(int(seg.MSS)))
	}
	if seg.Options&endpoint.OptTimestamp != 0 {
		opts = append(opts, "nop", "nop", fmt.Sprintf("TS val %d ecr %d", seg.TSVal, seg.TSEcr))
	}
	if len(opts) > 0 {
		b.WriteString(", options [")
		b.WriteString(strings.Join(opts, ","))
		b.WriteByte(']')
	}
	b.WriteString(", length ")
	b.WriteString(strconv.FormatUint(uint64(seg.Len), 10))
	return b.String()
}

// Counts are what a capture saw, for the summary line that ends a text
// trace: packets, and among them those with SYN, RST and FIN set, and the
// retransmissions (segments their sender sent again after a timeout, as
// the sending stack reported them).
type Counts struct {
	Packets, SYN, RST, FIN, Retransmissions int
}

// Add counts one captured packet.
func (c *Counts) Add(seg *endpoint.Segment, retransmission bool) {
	c.Packets++
	if seg.Flags&endpoint.SYN != 0 {
		c.SYN++
	}
	if seg.Flags&endpoint.RST != 0 {
		c.RST++
	}
	if seg.Flags&endpoint.FIN != 0 {
		c.FIN++
	}
	if retransmission {
		c.Retransmissions++
	}
}

// String formats the summary line: "# captured 12 packets: S=2 R=0 F=2
// retransmissions=1".
func (c Counts) String() string {
	return fmt.Sprintf("# captured %d packets: S=%d R=%d F=%d retransmissions=%d",
		c.Packets, c.SYN, c.RST, c.FIN, c.Retransmissions)
}

// Text writes a text trace: one line per packet, reading like `tcpdump -n
// -S` prefixed by the simulated time in seconds, with markers in square
// brackets after it (retransmission, replay, duplicate copy, dropped and
// why), and below it, indented, the state changes at the capture host. A
// line without a time of its own happened at the time of the line above.
// The first write error is kept and returned by Err.
type Text struct {
	w    *bufio.Writer
	last engine.Time
	err  error
}

// NewText returns a Text writing to w. Call Flush at the end.
func NewText(w io.Writer) *Text { return &Text{w: bufio.NewWriter(w), last: -1} }

// stamp returns the time column: the time, or blanks of the same width
// when the previous line had the same time.
func (t *Text) stamp(at engine.Time) string {
	s := FormatTime(at)
	if at == t.last {
		return strings.Repeat(" ", len(s))
	}
	t.last = at
	return s
}

func (t *Text) printf(format string, a ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, a...)
	}
}

// Packet writes one packet line: seg from src to dst at time at, followed
// by markers such as "retransmission" or "dropped: unacceptable".
func (t *Text) Packet(at engine.Time, src, dst endpoint.Addr, seg *endpoint.Segment, marks ...string) {
	line := t.stamp(at) + " " + FormatSegment(src, dst, seg)
	if len(marks) > 0 {
		line += " [" + strings.Join(marks, "; ") + "]"
	}
	t.printf("%s\n", line)
}

// State writes a state change of a TCB at the capture host:
// "    10.0.0.2.80 LISTEN -> SYN-RECEIVED (rcv SYN)".
func (t *Text) State(e endpoint.StateEvent) {
	t.printf("%s     %s.%d %s -> %s (%s)\n", t.stamp(e.Time), e.Conn.Local.Addr, e.Conn.Local.Port, e.From, e.To, e.Cause)
}

// Note writes a free-form remark at time at, such as what the network did
// to a packet after it left the capture host: "    ^ lost on link c->s".
func (t *Text) Note(at engine.Time, text string) {
	t.printf("%s     ^ %s\n", t.stamp(at), text)
}

// Summary writes the summary line of Counts.
func (t *Text) Summary(c Counts) { t.printf("%s\n", c) }

// Flush writes out what is buffered and returns the first error.
func (t *Text) Flush() error {
	if t.err == nil {
		t.err = t.w.Flush()
	}
	return t.err
}

// Marks returns the markers of a segment event: why it was dropped, or what
// its sender meant it as (a retransmission, a challenge ACK, a reset for a
// connection that does not exist, a keep-alive or window probe), and
// "replay" for a segment an experiment injected as a replay of an old one.
func Marks(e endpoint.SegmentEvent) []string {
	var m []string
	switch {
	case e.Dir == endpoint.Dropped:
		m = append(m, "dropped: "+e.Note.String())
	case e.Note != endpoint.NoteNone:
		m = append(m, e.Note.String())
	}
	if e.Seg.Replay {
		m = append(m, "replay")
	}
	return m
}
