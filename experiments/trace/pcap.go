package trace

import (
	"encoding/binary"
	"fmt"
	"io"

	"tcpsim/endpoint"
	"tcpsim/engine"
)

// The pcap file format (the classic libpcap format, which every version of
// Wireshark and tcpdump reads) is a 24-byte file header and a 16-byte header
// per packet. We write it ourselves rather than add gopacket: the format is
// three fixed little structures, and our packets are built from segments
// that never exist as bytes anywhere else.
const (
	pcapMagicNanos = 0xa1b23c4d // nanosecond-resolution timestamps
	linkTypeRaw    = 101        // LINKTYPE_RAW: packets begin with the IP header
	snapLen        = 262144
	ipHeaderLen    = 20
)

// PcapWriter writes IPv4+TCP packets built from segments to a pcap file with
// nanosecond timestamps. Payload bytes are zero-filled to the segment's
// length; IP and TCP checksums are correct.
type PcapWriter struct {
	w    io.Writer
	id   uint16
	buf  []byte
	err  error
	nPkt int
}

// NewPcapWriter writes the file header and returns the writer.
func NewPcapWriter(w io.Writer) (*PcapWriter, error) {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagicNanos)
	binary.LittleEndian.PutUint16(h[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], snapLen)
	binary.LittleEndian.PutUint32(h[20:], linkTypeRaw)
	if _, err := w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("trace: pcap: %w", err)
	}
	return &PcapWriter{w: w}, nil
}

// Packets returns the number of packets written.
func (p *PcapWriter) Packets() int { return p.nPkt }

// Write appends one packet: seg from src to dst, captured at time t. The
// first error is kept and returned by every later call.
func (p *PcapWriter) Write(t engine.Time, src, dst endpoint.Addr, seg *endpoint.Segment) error {
	if p.err != nil {
		return p.err
	}
	p.buf = appendPacket(p.buf[:0], p.id, src, dst, seg)
	p.id++
	var rec [16]byte
	binary.LittleEndian.PutUint32(rec[0:], uint32(t/1e9))
	binary.LittleEndian.PutUint32(rec[4:], uint32(t%1e9))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(p.buf)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(p.buf)))
	if _, err := p.w.Write(rec[:]); err != nil {
		p.err = fmt.Errorf("trace: pcap: %w", err)
		return p.err
	}
	if _, err := p.w.Write(p.buf); err != nil {
		p.err = fmt.Errorf("trace: pcap: %w", err)
		return p.err
	}
	p.nPkt++
	return nil
}

// tcpFlagBits maps tcpsim's flags to the TCP header's bits (RFC 9293 §3.1).
func tcpFlagBits(f endpoint.Flags) byte {
	var b byte
	for _, m := range [...]struct {
		f   endpoint.Flags
		bit byte
	}{{endpoint.FIN, 0x01}, {endpoint.SYN, 0x02}, {endpoint.RST, 0x04},
		{endpoint.PSH, 0x08}, {endpoint.ACK, 0x10}, {endpoint.URG, 0x20},
		{endpoint.ECE, 0x40}, {endpoint.CWR, 0x80}} {
		if f&m.f != 0 {
			b |= m.bit
		}
	}
	return b
}

// appendPacket appends the IPv4 header, TCP header with options, and a
// zero-filled payload.
func appendPacket(b []byte, id uint16, src, dst endpoint.Addr, seg *endpoint.Segment) []byte {
	var opts []byte
	if seg.Options&endpoint.OptMSS != 0 {
		opts = append(opts, 2, 4, byte(seg.MSS>>8), byte(seg.MSS))
	}
	if seg.Options&endpoint.OptTimestamp != 0 {
		opts = append(opts, 1, 1, 8, 10)
		opts = binary.BigEndian.AppendUint32(opts, seg.TSVal)
		opts = binary.BigEndian.AppendUint32(opts, seg.TSEcr)
	}
	if seg.Options&endpoint.OptWScale != 0 {
		opts = append(opts, 1, 3, 3, seg.WScale)
	}
	if seg.Options&endpoint.OptSACKPerm != 0 {
		opts = append(opts, 1, 1, 4, 2)
	}
	if seg.NSACK > 0 {
		opts = append(opts, 1, 1, 5, 2+8*seg.NSACK)
		for _, blk := range seg.SACK[:seg.NSACK] {
			opts = binary.BigEndian.AppendUint32(opts, uint32(blk.Left))
			opts = binary.BigEndian.AppendUint32(opts, uint32(blk.Right))
		}
	}
	tcpLen := 20 + len(opts) + int(seg.Len)
	total := ipHeaderLen + tcpLen

	// IPv4 header (RFC 791), DF set, TTL 64.
	ip := len(b)
	var tos byte
	if seg.ECT {
		tos = 0x02 // ECT(0), RFC 3168 §5
	}
	b = append(b, 0x45, tos)
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	b = binary.BigEndian.AppendUint16(b, id)
	b = binary.BigEndian.AppendUint16(b, 0x4000)
	b = append(b, 64, 6, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(src))
	b = binary.BigEndian.AppendUint32(b, uint32(dst))
	binary.BigEndian.PutUint16(b[ip+10:], checksum(0, b[ip:ip+ipHeaderLen]))

	// TCP header (RFC 9293 §3.1).
	tcp := len(b)
	b = binary.BigEndian.AppendUint16(b, seg.SrcPort)
	b = binary.BigEndian.AppendUint16(b, seg.DstPort)
	b = binary.BigEndian.AppendUint32(b, uint32(seg.Seq))
	b = binary.BigEndian.AppendUint32(b, uint32(seg.Ack))
	b = append(b, byte((20+len(opts))/4)<<4, tcpFlagBits(seg.Flags))
	b = binary.BigEndian.AppendUint16(b, seg.Window)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	b = append(b, opts...)
	b = append(b, make([]byte, seg.Len)...)

	// Pseudo-header: source, destination, zero, protocol, TCP length.
	var ph [12]byte
	binary.BigEndian.PutUint32(ph[0:], uint32(src))
	binary.BigEndian.PutUint32(ph[4:], uint32(dst))
	ph[9] = 6
	binary.BigEndian.PutUint16(ph[10:], uint16(tcpLen))
	sum := checksum(sum16(0, ph[:]), b[tcp:])
	binary.BigEndian.PutUint16(b[tcp+16:], sum)
	return b
}

// sum16 adds data to a running ones'-complement sum of 16-bit words.
func sum16(s uint32, data []byte) uint32 {
	for len(data) >= 2 {
		s += uint32(data[0])<<8 | uint32(data[1])
		data = data[2:]
	}
	if len(data) == 1 {
		s += uint32(data[0]) << 8
	}
	return s
}

// checksum returns the Internet checksum (RFC 1071) of data, continuing the
// running sum s.
func checksum(s uint32, data []byte) uint16 {
	s = sum16(s, data)
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
