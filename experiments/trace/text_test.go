package trace

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	cli = endpoint.AddrFrom4(10, 0, 0, 1)
	srv = endpoint.AddrFrom4(10, 0, 0, 2)
)

func TestFormatSegment(t *testing.T) {
	for _, tc := range []struct {
		name string
		seg  endpoint.Segment
		want string
	}{
		{"syn", endpoint.Segment{SrcPort: 49152, DstPort: 80, Seq: 100, Flags: endpoint.SYN, Window: 65535, Options: endpoint.OptMSS, MSS: 1460},
			"IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [S], seq 100, win 65535, options [mss 1460], length 0"},
		{"synack-ts", endpoint.Segment{SrcPort: 49152, DstPort: 80, Seq: 300, Ack: 101, Flags: endpoint.SYN | endpoint.ACK, Window: 65535,
			Options: endpoint.OptMSS | endpoint.OptTimestamp, MSS: 1460, TSVal: 7, TSEcr: 5},
			"IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [S.], seq 300, ack 101, win 65535, options [mss 1460,nop,nop,TS val 7 ecr 5], length 0"},
		{"data", endpoint.Segment{SrcPort: 49152, DstPort: 80, Seq: 101, Ack: 301, Flags: endpoint.PSH | endpoint.ACK, Window: 1000, Len: 1024},
			"IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [P.], seq 101:1125, ack 301, win 1000, length 1024"},
		{"rst", endpoint.Segment{SrcPort: 49152, DstPort: 80, Seq: 7, Flags: endpoint.RST},
			"IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [R], seq 7, win 0, length 0"},
		{"fin-wrap", endpoint.Segment{SrcPort: 49152, DstPort: 80, Seq: 4294967295, Ack: 1, Flags: endpoint.FIN | endpoint.ACK, Len: 2},
			"IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [F.], seq 4294967295:1, ack 1, win 0, length 2"},
	} {
		if got := FormatSegment(cli, srv, &tc.seg); got != tc.want {
			t.Errorf("%s: FormatSegment = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		t    engine.Time
		want string
	}{{0, "0.000000000"}, {10_000_000, "0.010000000"}, {12_345_678_901, "12.345678901"}, {-1, "-0.000000001"}} {
		if got := FormatTime(tc.t); got != tc.want {
			t.Errorf("FormatTime(%d) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// TestTextHandshake writes a scripted handshake with a lost and
// retransmitted SYN, a duplicate copy and a dropped replay, and compares it
// with testdata/handshake.trace.
func TestTextHandshake(t *testing.T) {
	ms := func(n int64) engine.Time { return engine.Time(n * 1e6) }
	syn := endpoint.Segment{SrcPort: 40000, DstPort: 80, Seq: 100, Flags: endpoint.SYN, Window: 65535, Options: endpoint.OptMSS, MSS: 1460}
	synack := endpoint.Segment{SrcPort: 80, DstPort: 40000, Seq: 300, Ack: 101, Flags: endpoint.SYN | endpoint.ACK, Window: 65535, Options: endpoint.OptMSS, MSS: 1460}
	ack := endpoint.Segment{SrcPort: 40000, DstPort: 80, Seq: 101, Ack: 301, Flags: endpoint.ACK, Window: 65535}
	replay := syn
	replay.Seq, replay.Replay = 7, true
	conn := endpoint.ConnID{Local: endpoint.Endpoint{Addr: srv, Port: 80}, Remote: endpoint.Endpoint{Addr: cli, Port: 40000}, Incarnation: 2}
	var c Counts
	var buf bytes.Buffer
	tx := NewText(&buf)
	tx.State(endpoint.StateEvent{Time: 0, Conn: endpoint.ConnID{Local: endpoint.Endpoint{Addr: srv, Port: 80}, Incarnation: 1},
		From: endpoint.Closed, To: endpoint.Listen, Cause: endpoint.CausePassiveOpen})
	tx.Packet(ms(1010), cli, srv, &syn, "retransmission")
	c.Add(&syn, true)
	tx.State(endpoint.StateEvent{Time: ms(1010), Conn: conn, From: endpoint.Listen, To: endpoint.SynReceived, Cause: endpoint.CauseRcvSyn, Passive: true})
	tx.Packet(ms(1010), srv, cli, &synack)
	c.Add(&synack, false)
	tx.Note(ms(1010), "duplicated on link server->client; the copy arrives at 3.000000000")
	tx.Packet(ms(1030), cli, srv, &ack)
	c.Add(&ack, false)
	conn.Peer = 5
	tx.State(endpoint.StateEvent{Time: ms(1030), Conn: conn, From: endpoint.SynReceived, To: endpoint.Established, Cause: endpoint.CauseRcvAck, Passive: true})
	ev := endpoint.SegmentEvent{Time: ms(2000), Host: srv, Peer: cli, Dir: endpoint.Dropped, Note: endpoint.NoteChallenge, Seg: replay}
	tx.Packet(ms(2000), cli, srv, &replay, Marks(ev)...)
	c.Add(&replay, false)
	tx.Summary(c)
	if err := tx.Flush(); err != nil {
		t.Fatal(err)
	}
	golden(t, "handshake.trace", buf.Bytes())
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
