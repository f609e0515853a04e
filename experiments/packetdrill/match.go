package packetdrill

import (
	"fmt"
	"strings"

	"tcpsim/endpoint"
)

// Relative sequence numbers (packetdrill's convention): in a "<" line the
// sequence number counts from the peer's ISN and the acknowledgment number
// from the host's; in a ">" line the other way round. The host's ISN is
// learned from its first SYN (0 until then), the peer's is fixed per run.

// inject sends a "<" line's segment to the host.
func (r *runner) inject(p *Packet) error {
	if p.Flags&FlagURG != 0 {
		return skipf("urg", "inbound %s: urgent data is not simulated", FormatFlags(p.Flags))
	}
	if p.ECN == ECNCE {
		return skipf("ecn", "inbound [ce]: congestion marks are not acted on")
	}
	if p.AnySeq {
		return failf("an inbound packet needs a sequence number")
	}
	seg := endpoint.Segment{
		SrcPort: r.rport, DstPort: r.lport,
		Seq:    r.remoteISN + endpoint.Seq(p.Seq),
		Flags:  toFlags(p.Flags),
		Len:    p.Len,
		Window: uint16(p.Win),
		Origin: r.peerInc,
	}
	if p.HasAck && p.Flags&FlagACK != 0 {
		seg.Ack = r.localISN + endpoint.Seq(p.Ack)
	}
	if !p.HasWin {
		return failf("an inbound packet needs a window")
	}
	for _, o := range p.Options {
		switch o.Kind {
		case OptMSS:
			seg.Options |= endpoint.OptMSS
			seg.MSS = uint16(o.Val)
		case OptWScale:
			seg.Options |= endpoint.OptWScale
			seg.WScale = uint8(o.Val)
		case OptSACKOK:
			seg.Options |= endpoint.OptSACKPerm
		case OptTS:
			seg.Options |= endpoint.OptTimestamp
			seg.TSVal = o.Val
			seg.TSEcr = o.Ecr
			if o.Ecr != 0 && r.tsKnown {
				seg.TSEcr = o.Ecr + r.tsOff
			}
		case OptSACK:
			return skipf("sack", "inbound SACK blocks are not simulated (endpoint keeps no scoreboard)")
		}
	}
	r.st.Deliver(remoteAddr, localAddr, &seg)
	return nil
}

func toFlags(f uint16) endpoint.Flags {
	var g endpoint.Flags
	for _, x := range [...]struct {
		f uint16
		g endpoint.Flags
	}{{FlagFIN, endpoint.FIN}, {FlagSYN, endpoint.SYN}, {FlagRST, endpoint.RST}, {FlagPSH, endpoint.PSH}, {FlagACK, endpoint.ACK}, {FlagURG, endpoint.URG}, {FlagECE, endpoint.ECE}, {FlagCWR, endpoint.CWR}} {
		if f&x.f != 0 {
			g |= x.g
		}
	}
	return g
}

func fromFlags(g endpoint.Flags) uint16 {
	var f uint16
	for _, x := range [...]struct {
		f uint16
		g endpoint.Flags
	}{{FlagFIN, endpoint.FIN}, {FlagSYN, endpoint.SYN}, {FlagRST, endpoint.RST}, {FlagPSH, endpoint.PSH}, {FlagACK, endpoint.ACK}, {FlagURG, endpoint.URG}, {FlagECE, endpoint.ECE}, {FlagCWR, endpoint.CWR}} {
		if g&x.g != 0 {
			f |= x.f
		}
	}
	return f
}

// gotOptions lists a sent segment's options in the host's layout.
func (r *runner) gotOptions(seg *endpoint.Segment) []Option {
	var opts []Option
	for _, k := range r.cfg.OptionLayout.Layout(seg) {
		switch k {
		case endpoint.KindEOL:
			opts = append(opts, Option{Kind: OptEOL})
		case endpoint.KindNOP:
			opts = append(opts, Option{Kind: OptNOP})
		case endpoint.KindMSS:
			opts = append(opts, Option{Kind: OptMSS, Val: uint32(seg.MSS)})
		case endpoint.KindWScale:
			opts = append(opts, Option{Kind: OptWScale, Val: uint32(seg.WScale)})
		case endpoint.KindSACKPerm:
			opts = append(opts, Option{Kind: OptSACKOK})
		case endpoint.KindTS:
			opts = append(opts, Option{Kind: OptTS, Val: seg.TSVal, Ecr: seg.TSEcr})
		case endpoint.KindSACK:
			o := Option{Kind: OptSACK}
			for _, b := range seg.SACK[:seg.NSACK] {
				// SACK blocks name the peer's sequence numbers.
				o.Blocks = append(o.Blocks, [2]uint32{uint32(b.Left - r.remoteISN), uint32(b.Right - r.remoteISN)})
			}
			opts = append(opts, o)
		}
	}
	return opts
}

// relative renders a sent segment as a script line, with relative
// sequence numbers, for messages.
func (r *runner) relative(seg *endpoint.Segment) *Packet {
	p := &Packet{Dir: Outbound, Flags: fromFlags(seg.Flags), Seq: uint32(seg.Seq - r.localISN), Len: seg.Len, HasWin: true, Win: uint32(seg.Window)}
	p.End = p.Seq + p.Len
	if seg.Flags&endpoint.ACK != 0 {
		p.HasAck, p.Ack = true, uint32(seg.Ack-r.remoteISN)
	}
	if opts := r.gotOptions(seg); len(opts) > 0 {
		p.HasOptions, p.Options = true, opts
	}
	return p
}

// match compares a ">" line with the segment the host sent.
func (r *runner) match(want *Packet, got sent) error {
	seg := &got.seg
	if seg.Flags&endpoint.SYN != 0 && !r.isnKnown && !want.AnySeq {
		r.localISN = seg.Seq - endpoint.Seq(want.Seq)
		r.isnKnown = true
	}
	g := r.relative(seg)
	var diffs []string
	wantFlags := want.Flags
	if wantFlags != g.Flags {
		diffs = append(diffs, fmt.Sprintf("flags %s, got %s", FormatFlags(wantFlags), FormatFlags(g.Flags)))
	}
	// The IP ECN field: the host sends ECT(0) or Not-ECT (RFC 3168 §5).
	if want.ECN != ECNUnspecified {
		wantECT := want.ECN == ECNECT0 || want.ECN == ECNECT01
		if want.ECN == ECNECT1 || want.ECN == ECNCE || wantECT != seg.ECT {
			got := "noecn"
			if seg.ECT {
				got = "ect0"
			}
			diffs = append(diffs, fmt.Sprintf("IP ECN field [%s], got [%s]", ecnName(want.ECN), got))
		}
	}
	if !want.AnySeq && want.Seq != g.Seq {
		diffs = append(diffs, fmt.Sprintf("seq %d, got %d", want.Seq, g.Seq))
	}
	if want.Len != g.Len {
		diffs = append(diffs, fmt.Sprintf("length %d, got %d", want.Len, g.Len))
	}
	if want.HasAck && want.Flags&FlagACK != 0 && g.HasAck && want.Ack != g.Ack {
		diffs = append(diffs, fmt.Sprintf("ack %d, got %d", want.Ack, g.Ack))
	}
	if r.strict {
		if want.HasWin && want.Win != g.Win {
			diffs = append(diffs, fmt.Sprintf("win %d, got %d", want.Win, g.Win))
		}
		// As packetdrill: a line without options expects none; only
		// "<...>" lets any through.
		if !want.AnyOptions {
			if d := r.matchOptions(want.Options, g.Options); d != "" {
				diffs = append(diffs, d)
			}
		}
	} else if want.HasOptions && !want.AnyOptions {
		// RFC mode: the layout and which optional extensions are offered
		// are the stack's, but an option both sides carry must say what
		// the RFCs make it say.
		if d := r.matchRFCOptions(want.Options, g.Options); d != "" {
			diffs = append(diffs, d)
		}
	}
	if len(diffs) > 0 {
		return failf("expected %s, got %s at %s: %s", want, g, fmtTime(got.at), strings.Join(diffs, "; "))
	}
	return nil
}

// matchOptions compares option lists kind by kind in order. TS val is the
// host's clock and is not compared (packetdrill checks it only with
// --tcp_ts_tick_usecs); it maps the script's TS values of ">" lines to the
// host's for later "<" echoes.
func (r *runner) matchOptions(want, got []Option) string {
	if len(want) != len(got) {
		return fmt.Sprintf("options %s, got %s", FormatOptions(want), FormatOptions(got))
	}
	for i := range want {
		w, g := want[i], got[i]
		same := w.Kind == g.Kind
		switch {
		case !same:
		case w.Kind == OptTS:
			same = w.Ecr == g.Ecr
			if same && !r.tsKnown {
				r.tsOff, r.tsKnown = g.Val-w.Val, true
			}
		case w.Kind == OptMSS || w.Kind == OptWScale:
			same = w.Val == g.Val
		case w.Kind == OptSACK:
			same = len(w.Blocks) == len(g.Blocks)
			for j := 0; same && j < len(w.Blocks); j++ {
				same = w.Blocks[j] == g.Blocks[j]
			}
		}
		if !same {
			return fmt.Sprintf("options %s, got %s", FormatOptions(want), FormatOptions(got))
		}
	}
	return ""
}

// matchRFCOptions compares, option by option, what both lists carry and
// an RFC fixes: the MSS (RFC 9293 §3.7.1: the MTU less the headers, which
// the script sets with --mtu), the TS echo (RFC 7323 §4.3) and the SACK
// blocks (RFC 2018 §4). Order, padding and which options are offered are
// not compared.
func (r *runner) matchRFCOptions(want, got []Option) string {
	for _, w := range want {
		for _, g := range got {
			if w.Kind != g.Kind {
				continue
			}
			switch w.Kind {
			case OptMSS:
				if w.Val != g.Val {
					return fmt.Sprintf("mss %d, got %d", w.Val, g.Val)
				}
			case OptTS:
				if w.Ecr != g.Ecr {
					return fmt.Sprintf("TS ecr %d, got %d", w.Ecr, g.Ecr)
				}
				if !r.tsKnown {
					r.tsOff, r.tsKnown = g.Val-w.Val, true
				}
			case OptSACK:
				if fmt.Sprint(w.Blocks) != fmt.Sprint(g.Blocks) {
					return fmt.Sprintf("%s, got %s", w, g)
				}
			}
		}
	}
	return ""
}

func ecnName(e ECN) string {
	for name, v := range ecnNames {
		if v == e {
			return name
		}
	}
	return "?"
}
