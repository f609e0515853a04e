package trace

import (
	"bytes"
	"encoding/binary"
	"testing"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// TestPcapPacketsVerify writes segments and checks, by recomputing the sums
// over the written bytes, that every checksum verifies (a verifying sum over
// a header including its checksum field is 0) and that lengths and fields
// are where a decoder looks for them.
func TestPcapPacketsVerify(t *testing.T) {
	segs := []endpoint.Segment{
		{SrcPort: 40000, DstPort: 80, Seq: 100, Flags: endpoint.SYN, Window: 65535, Options: endpoint.OptMSS, MSS: 1460},
		{SrcPort: 80, DstPort: 40000, Seq: 300, Ack: 101, Flags: endpoint.SYN | endpoint.ACK, Window: 65535,
			Options: endpoint.OptMSS | endpoint.OptTimestamp, MSS: 1460, TSVal: 7, TSEcr: 9},
		{SrcPort: 40000, DstPort: 80, Seq: 101, Ack: 301, Flags: endpoint.ACK | endpoint.PSH, Window: 512, Len: 1001},
		{SrcPort: 40000, DstPort: 80, Seq: 4294967295, Ack: 1, Flags: endpoint.RST},
	}
	var b bytes.Buffer
	w, err := NewPcapWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	src, dst := endpoint.AddrFrom4(10, 0, 0, 1), endpoint.AddrFrom4(10, 0, 0, 2)
	for i := range segs {
		if err := w.Write(engine.Time(1_500_000_123+i), src, dst, &segs[i]); err != nil {
			t.Fatal(err)
		}
	}
	data := b.Bytes()
	if binary.LittleEndian.Uint32(data) != 0xa1b23c4d || binary.LittleEndian.Uint32(data[20:]) != 101 {
		t.Fatalf("file header % x: want nanosecond magic and LINKTYPE_RAW", data[:24])
	}
	data = data[24:]
	for i, seg := range segs {
		sec, ns := binary.LittleEndian.Uint32(data), binary.LittleEndian.Uint32(data[4:])
		if sec != 1 || ns != 500_000_123+uint32(i) {
			t.Errorf("packet %d timestamp %d.%09d, want 1.%09d", i, sec, ns, 500_000_123+i)
		}
		n := int(binary.LittleEndian.Uint32(data[8:]))
		pkt := data[16 : 16+n]
		data = data[16+n:]
		if got := int(binary.BigEndian.Uint16(pkt[2:])); got != n {
			t.Errorf("packet %d: IP total length %d, captured %d", i, got, n)
		}
		if want := 20 + seg.WireSize(); n != want {
			t.Errorf("packet %d: %d bytes, want 20 + WireSize = %d", i, n, want)
		}
		if c := checksum(0, pkt[:20]); c != 0 {
			t.Errorf("packet %d: IP header checksum does not verify (%#x)", i, c)
		}
		tcp := pkt[20:]
		var ph [12]byte
		copy(ph[0:4], pkt[12:16])
		copy(ph[4:8], pkt[16:20])
		ph[9] = 6
		binary.BigEndian.PutUint16(ph[10:], uint16(len(tcp)))
		if c := checksum(sum16(0, ph[:]), tcp); c != 0 {
			t.Errorf("packet %d: TCP checksum does not verify (%#x)", i, c)
		}
		if got := binary.BigEndian.Uint32(tcp[4:]); got != uint32(seg.Seq) {
			t.Errorf("packet %d: seq %d, want %d", i, got, seg.Seq)
		}
		if off := int(tcp[12]>>4) * 4; off != seg.WireSize()-int(seg.Len) {
			t.Errorf("packet %d: data offset %d, want %d", i, off, seg.WireSize()-int(seg.Len))
		}
		if got := tcp[13]; got != tcpFlagBits(seg.Flags) {
			t.Errorf("packet %d: flags %#x, want %#x", i, got, tcpFlagBits(seg.Flags))
		}
	}
	if len(data) != 0 || w.Packets() != len(segs) {
		t.Errorf("%d trailing bytes, %d packets counted", len(data), w.Packets())
	}
}

func TestChecksumKnownValue(t *testing.T) {
	// The IPv4 header example from RFC 1071's companion literature: the
	// header 4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7 sums to
	// checksum 0xb861.
	h := []byte{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7}
	if got := checksum(0, h); got != 0xb861 {
		t.Errorf("checksum = %#x, want 0xb861", got)
	}
}
