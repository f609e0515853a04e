package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Crafted injects one crafted segment into a live connection: delivered to
// one end of connection Conn of Workload as if the other end had sent it,
// with the given flags, and sequence and acknowledgment numbers absolute
// or relative to the receiving end's state at that instant. RFC 5961's
// cases (a RST or SYN at the left edge, in the window, outside it; data
// with an old ACK) are each one entry.
type Crafted struct {
	// Workload and Conn name the connection (1-based ordinal). Required.
	Workload string `yaml:"workload" cfg:"required"`
	// Conn is the connection's ordinal in the workload. Default 1.
	Conn Count `yaml:"conn" default:"1"`
	// To is the end that receives the segment: server (forged from the
	// client's address and port) or client. Default server.
	To string `yaml:"to" default:"server" enum:"server|client"`
	// Flags is the flag set in tcpdump notation (R, S, ., P., F., R.).
	// Required.
	Flags Flags `yaml:"flags" cfg:"required"`
	// Seq is the sequence number: a number, or an expression over the
	// receiving end's rcv_nxt, rcv_wnd, snd_una, snd_nxt, snd_wnd, iss and
	// irs with + and − (rcv_nxt + 10, rcv_nxt + rcv_wnd, snd_una - 1),
	// modulo 2^32. Default rcv_nxt.
	Seq SeqExpr `yaml:"seq" default:"rcv_nxt"`
	// Ack is the acknowledgment number, the same way. Default snd_nxt.
	Ack SeqExpr `yaml:"ack" default:"snd_nxt"`
	// Len is the payload length. Default 0.
	Len Size `yaml:"len"`
	// Window is the window field. Default 65535.
	Window Count `yaml:"window" default:"65535"`
	// At is the time of the injection, or with AfterState its delay after
	// the receiving end first enters that state. Default 0.
	At Duration `yaml:"at"`
	// AfterState, if given, times the injection from the moment the
	// receiving end first enters this RFC 9293 state.
	AfterState string `yaml:"after_state" enum:"SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|CLOSING|LAST-ACK|TIME-WAIT"`
}

// SeqExpr is a sequence number written as a sum of terms, each a number
// or a variable of the receiving end's state.
type SeqExpr struct {
	// Terms are the terms in order; Neg marks a subtracted one.
	Terms []SeqTerm
}

// SeqTerm is one term of a SeqExpr: Var ("" for a number) or Num.
type SeqTerm struct {
	Var string
	Num uint32
	Neg bool
}

// SeqVars are the variables a SeqExpr may name.
var SeqVars = []string{"rcv_nxt", "rcv_wnd", "snd_una", "snd_nxt", "snd_wnd", "iss", "irs"}

const seqExprWant = "want a number 0-4294967295 or an expression such as rcv_nxt + 10 over " +
	"rcv_nxt, rcv_wnd, snd_una, snd_nxt, snd_wnd, iss, irs"

// ParseSeqExpr parses "rcv_nxt + 10", "snd_una - 1", "12345".
func ParseSeqExpr(s string) (SeqExpr, error) {
	var e SeqExpr
	f := strings.Fields(strings.NewReplacer("+", " + ", "-", " - ").Replace(s))
	neg, want := false, true // want: a term comes next
	for _, tok := range f {
		switch {
		case tok == "+" || tok == "-":
			if want {
				return SeqExpr{}, fmt.Errorf("got %q, %s", clip(s), seqExprWant)
			}
			neg, want = tok == "-", true
		case !want:
			return SeqExpr{}, fmt.Errorf("got %q, %s", clip(s), seqExprWant)
		default:
			t := SeqTerm{Neg: neg}
			if n, err := strconv.ParseUint(tok, 10, 32); err == nil {
				t.Num = uint32(n)
			} else if contains(SeqVars, tok) {
				t.Var = tok
			} else {
				return SeqExpr{}, fmt.Errorf("got %q, unknown term %q%s; %s", clip(s), clip(tok), didYouMean(tok, SeqVars), seqExprWant)
			}
			e.Terms = append(e.Terms, t)
			want = false
		}
	}
	if want {
		return SeqExpr{}, fmt.Errorf("got %q, %s", clip(s), seqExprWant)
	}
	return e, nil
}

// String formats e as ParseSeqExpr reads it.
func (e SeqExpr) String() string {
	var b strings.Builder
	for i, t := range e.Terms {
		switch {
		case i > 0 && t.Neg:
			b.WriteString(" - ")
		case i > 0:
			b.WriteString(" + ")
		case t.Neg:
			b.WriteString("-")
		}
		if t.Var != "" {
			b.WriteString(t.Var)
		} else {
			b.WriteString(strconv.FormatUint(uint64(t.Num), 10))
		}
	}
	return b.String()
}

// Eval returns the expression's value modulo 2^32, looking variables up
// with v.
func (e SeqExpr) Eval(v func(name string) uint32) uint32 {
	var x uint32
	for _, t := range e.Terms {
		y := t.Num
		if t.Var != "" {
			y = v(t.Var)
		}
		if t.Neg {
			x -= y
		} else {
			x += y
		}
	}
	return x
}

func (e *SeqExpr) decodeNode(d *decoder, n *yaml.Node, path string) {
	decodeScalar(d, n, path, seqExprWant, e, ParseSeqExpr)
}

// validateCrafted checks a crafted segment's connection reference.
func (d *decoder) validateCrafted(c *Crafted, p string, ws []Workload) {
	for _, w := range ws {
		if w.Name != c.Workload {
			continue
		}
		if w.Kind != KindConnections {
			d.errorAt(p+".workload", "workload %s is an attacker (%s); a crafted segment goes into a connection", w.Name, w.Kind)
		}
		if w.Count > 0 && c.Conn > w.Count {
			d.errorAt(p+".conn", "got %d, but workload %s opens %d connections", c.Conn, w.Name, w.Count)
		}
		if c.Conn < 1 {
			d.errorAt(p+".conn", "got %d, want a connection ordinal ≥ 1", c.Conn)
		}
		return
	}
	known := make([]string, 0, len(ws))
	for _, w := range ws {
		known = append(known, w.Name)
	}
	d.errorAt(p+".workload", "unknown workload %q%s", clip(c.Workload), didYouMean(c.Workload, known))
}

// validateCraftedAll checks every crafted segment of is.
func (d *decoder) validateCraftedAll(is []Injection, ws []Workload) {
	for i := range is {
		if c := is[i].Segment; c != nil {
			d.validateCrafted(c, indexPath("injections", i)+".segment", ws)
		}
	}
}
