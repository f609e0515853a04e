package plots

import "fmt"

// ladderHandshake is one connection: the first SYN is lost and
// retransmitted after the 1 s RTO, a network duplicate of the SYN and a
// stale ACK from an earlier incarnation reach the server, then an active
// close by the client. One-way delay 30 ms.
func ladderHandshake() ([]Timeline, []Segment) {
	const c, s = "10.0.0.1:40000", "10.0.0.2:80"
	tls := []Timeline{
		{Name: c, States: []StateChange{{0, "CLOSED"}, {0, "SYN-SENT"}, {1.060, "ESTABLISHED"}, {1.5, "FIN-WAIT-1"}, {1.56, "FIN-WAIT-2"}, {1.63, "TIME-WAIT"}}},
		{Name: s, States: []StateChange{{0, "LISTEN"}, {1.030, "SYN-RECEIVED"}, {1.090, "ESTABLISHED"}, {1.53, "CLOSE-WAIT"}, {1.6, "LAST-ACK"}, {1.66, "CLOSED"}}},
	}
	segs := []Segment{
		{From: c, To: s, Send: 0, Lost: true, Label: "SYN seq=100"},
		{From: c, To: s, Send: 1.0, Recv: 1.030, Label: "SYN seq=100", Kind: Retransmission},
		{From: s, To: c, Send: 1.030, Recv: 1.060, Label: "SYN,ACK seq=300 ack=101"},
		{From: c, To: s, Send: 1.060, Recv: 1.090, Label: "ACK seq=101 ack=301"},
		{From: c, To: s, Send: 1.0, Recv: 1.2, Label: "SYN seq=100", Kind: Duplicate},
		{From: s, To: c, Send: 1.2, Recv: 1.23, Label: "ACK seq=301 ack=101"},
		{From: c, To: s, Send: 1.27, Recv: 1.3, Label: "ACK seq=7 ack=9", Kind: Stale},
		{From: s, To: c, Send: 1.3, Recv: 1.33, Label: "ACK seq=301 ack=101"},
		{From: c, To: s, Send: 1.5, Recv: 1.53, Label: "FIN,ACK seq=101 ack=301"},
		{From: s, To: c, Send: 1.53, Recv: 1.56, Label: "ACK seq=301 ack=102"},
		{From: s, To: c, Send: 1.6, Recv: 1.63, Label: "FIN,ACK seq=301 ack=102"},
		{From: c, To: s, Send: 1.63, Recv: 1.66, Label: "ACK seq=102 ack=302"},
	}
	return tls, segs
}

// ladderBusy is a 40-segment exchange: handshake, 14 data segments acked
// one by one with three losses and their retransmissions, and a close.
func ladderBusy() ([]Timeline, []Segment) {
	const c, s = "client", "server"
	const d = 20 // ms
	var segs []Segment
	t := 0 // ms, so that times are exact as from the simulator's nanoseconds
	sec := func(ms int) float64 { return float64(ms) / 1000 }
	add := func(from, to string, at int, lost bool, kind SegmentKind, label string) {
		segs = append(segs, Segment{From: from, To: to, Send: sec(at), Recv: sec(at + d), Lost: lost, Kind: kind, Label: label})
	}
	add(c, s, t, false, Normal, "SYN seq=1000")
	add(s, c, t+d, false, Normal, "SYN,ACK seq=5000 ack=1001")
	add(c, s, t+2*d, false, Normal, "ACK seq=1001 ack=5001")
	t += 2 * d
	seq := 1001
	for k := 0; k < 14; k++ {
		lost := k == 3 || k == 8 || k == 11
		add(c, s, t, lost, Normal, fmt.Sprintf("ACK seq=%d ack=5001 len=500", seq))
		if lost {
			t += 300
			add(c, s, t, false, Retransmission, fmt.Sprintf("ACK seq=%d ack=5001 len=500", seq))
		}
		add(s, c, t+d, false, Normal, fmt.Sprintf("ACK seq=5001 ack=%d", seq+500))
		seq += 500
		t += 2 * d
	}
	add(c, s, t, false, Normal, fmt.Sprintf("FIN,ACK seq=%d ack=5001", seq))
	add(s, c, t+d, false, Normal, fmt.Sprintf("FIN,ACK seq=5001 ack=%d", seq+1))
	add(c, s, t+2*d, false, Normal, fmt.Sprintf("ACK seq=%d ack=5002", seq+1))
	tls := []Timeline{
		{Name: c, States: []StateChange{{0, "SYN-SENT"}, {sec(2 * d), "ESTABLISHED"}, {sec(t), "FIN-WAIT-1"}, {sec(t + 2*d), "TIME-WAIT"}}},
		{Name: s, States: []StateChange{{0, "LISTEN"}, {sec(d), "SYN-RECEIVED"}, {sec(3 * d), "ESTABLISHED"}, {sec(t + d), "CLOSE-WAIT"}, {sec(t + d), "LAST-ACK"}, {sec(t + 3*d), "CLOSED"}}},
	}
	return tls, segs
}

// ladderThree is two clients opening connections to one server at the same
// time, the server in the middle; client B's SYN-ACK is lost and the server
// retransmits it.
func ladderThree() ([]Timeline, []Segment) {
	const a, s, b = "client A", "server", "client B"
	tls := []Timeline{
		{Name: a, States: []StateChange{{0, "SYN-SENT"}, {0.1, "ESTABLISHED"}}},
		{Name: s, States: []StateChange{{0, "LISTEN"}}},
		{Name: b, States: []StateChange{{0.01, "SYN-SENT"}, {1.11, "ESTABLISHED"}}},
	}
	segs := []Segment{
		{From: a, To: s, Send: 0, Recv: 0.05, Label: "SYN seq=100"},
		{From: b, To: s, Send: 0.01, Recv: 0.06, Label: "SYN seq=700"},
		{From: s, To: a, Send: 0.05, Recv: 0.1, Label: "SYN,ACK seq=300 ack=101"},
		{From: s, To: b, Send: 0.06, Lost: true, Label: "SYN,ACK seq=900 ack=701"},
		{From: a, To: s, Send: 0.1, Recv: 0.15, Label: "ACK seq=101 ack=301"},
		{From: s, To: b, Send: 1.06, Recv: 1.11, Label: "SYN,ACK seq=900 ack=701", Kind: Retransmission},
		{From: b, To: s, Send: 1.11, Recv: 1.16, Label: "ACK seq=701 ack=901"},
	}
	return tls, segs
}
