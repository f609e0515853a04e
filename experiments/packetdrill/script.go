package packetdrill

import (
	"strconv"
	"strings"
	"time"
)

// Script is a parsed packetdrill script: its header flags and its events in
// file order, with the #ifdef blocks of the defines it was parsed with
// already resolved.
type Script struct {
	// Path is the file the script came from ("" for a string).
	Path string
	// Flags are the "--name=value" header lines.
	Flags []Flag
	// Events are the timed lines.
	Events []Event
}

// Flag is a header line "--name=value" (or "--name").
type Flag struct {
	Line        int
	Name, Value string
}

// TimeKind says how an event's time is given.
type TimeKind uint8

// The event time kinds.
const (
	// Absolute times count from the start of the script: "0.100".
	Absolute TimeKind = iota
	// Relative times count from the previous event's actual time: "+0.1".
	Relative
	// Any is "*": the event may happen at any time.
	Any
)

// Time is an event's time: a point, a range "a~b" (the event may happen
// anywhere in it), or for a blocking system call "start...end" (the call
// starts at start and returns at end).
type Time struct {
	Kind TimeKind
	// At is the time (or the start of a range).
	At time.Duration
	// End is the end of a range "a~b" when Range is set.
	End   time.Duration
	Range bool
	// Return is when a blocking call "start...end" returns, in the same
	// frame as At, when Blocking is set.
	Return   time.Duration
	Blocking bool
}

// EventKind says what an event does.
type EventKind uint8

// The event kinds.
const (
	// PacketEvent is a segment line ("<" inbound, ">" outbound).
	PacketEvent EventKind = iota
	// CallEvent is a system call line.
	CallEvent
	// ShellEvent is a backquoted command line.
	ShellEvent
	// CodeEvent is a "%{ ... }%" block.
	CodeEvent
)

// Event is one timed line of a script.
type Event struct {
	// Line is the line number of the event's time in the file (1-based).
	Line int
	Time Time
	Kind EventKind
	// Packet is set for PacketEvent, Call for CallEvent.
	Packet *Packet
	Call   *Call
	// Text is the command of a ShellEvent or the code of a CodeEvent,
	// trimmed.
	Text string
}

// Dir is a packet's direction as the script sees it.
type Dir uint8

// The directions.
const (
	// Inbound: "<", the script sends to the host.
	Inbound Dir = iota
	// Outbound: ">", the host must send.
	Outbound
)

// TCP control bits beyond those endpoint models: the ECN bits of RFC 3168
// and URG, as a script writes them.
const (
	FlagFIN uint16 = 1 << iota
	FlagSYN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
)

var flagChars = [...]struct {
	c byte
	f uint16
}{{'S', FlagSYN}, {'F', FlagFIN}, {'R', FlagRST}, {'P', FlagPSH}, {'.', FlagACK}, {'U', FlagURG}, {'E', FlagECE}, {'W', FlagCWR}}

// FormatFlags writes flags as packetdrill does: "S", "S.", "F.", "SEW", "R".
func FormatFlags(f uint16) string {
	var b strings.Builder
	for _, x := range [...]struct {
		c byte
		f uint16
	}{{'S', FlagSYN}, {'F', FlagFIN}, {'R', FlagRST}, {'P', FlagPSH}, {'U', FlagURG}, {'E', FlagECE}, {'W', FlagCWR}, {'.', FlagACK}} {
		if f&x.f != 0 {
			b.WriteByte(x.c)
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// ECN is the IP header's ECN field as a script names it in brackets after
// the direction: "[noecn]", "[ect0]", "[ect1]", "[ce]", or "[ect01]" for
// either ECT codepoint.
type ECN uint8

// The ECN codepoints a script can name; ECNUnspecified when it names none.
const (
	ECNUnspecified ECN = iota
	ECNNotECT
	ECNECT0
	ECNECT1
	ECNECT01
	ECNCE
)

var ecnNames = map[string]ECN{"noecn": ECNNotECT, "ect0": ECNECT0, "ect1": ECNECT1, "ect01": ECNECT01, "ce": ECNCE}

// Packet is a TCP segment line. Sequence numbers are as written, relative
// to the ISN of the side that sends them (see docs/packetdrill.md).
type Packet struct {
	Dir   Dir
	Flags uint16
	ECN   ECN
	// AnySeq is "...": any sequence number; otherwise Seq:End(Len).
	AnySeq   bool
	Seq, End uint32
	Len      uint32
	// HasAck and Ack are "ack N".
	HasAck bool
	Ack    uint32
	// HasWin and Win are "win N".
	HasWin bool
	Win    uint32
	// Options is the "<...>" list in order; HasOptions says whether the
	// line gave one, AnyOptions whether it was "<...>".
	Options    []Option
	HasOptions bool
	AnyOptions bool
}

// OptKind is a TCP option kind as a script names it.
type OptKind uint8

// The TCP options of the subset.
const (
	OptEOL OptKind = iota
	OptNOP
	OptMSS
	OptWScale
	OptSACKOK
	OptSACK
	OptTS
)

// Option is one TCP option of a packet line.
type Option struct {
	Kind OptKind
	// Val is the MSS, the shift count, or the TS val; Ecr the TS ecr.
	Val, Ecr uint32
	// Blocks are the SACK blocks as left:right pairs.
	Blocks [][2]uint32
}

// String writes the option as a script does.
func (o Option) String() string {
	switch o.Kind {
	case OptEOL:
		return "eol"
	case OptNOP:
		return "nop"
	case OptMSS:
		return "mss " + strconv.FormatUint(uint64(o.Val), 10)
	case OptWScale:
		return "wscale " + strconv.FormatUint(uint64(o.Val), 10)
	case OptSACKOK:
		return "sackOK"
	case OptTS:
		return "TS val " + strconv.FormatUint(uint64(o.Val), 10) + " ecr " + strconv.FormatUint(uint64(o.Ecr), 10)
	}
	var b strings.Builder
	b.WriteString("sack")
	for _, bl := range o.Blocks {
		b.WriteString(" ")
		b.WriteString(strconv.FormatUint(uint64(bl[0]), 10))
		b.WriteString(":")
		b.WriteString(strconv.FormatUint(uint64(bl[1]), 10))
	}
	return b.String()
}

// FormatOptions writes an option list as "<mss 1460,sackOK,eol,eol>".
func FormatOptions(opts []Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.String()
	}
	return "<" + strings.Join(parts, ",") + ">"
}

// String writes the packet as a script line would (without the time).
func (p *Packet) String() string {
	var b strings.Builder
	if p.Dir == Inbound {
		b.WriteString("< ")
	} else {
		b.WriteString("> ")
	}
	b.WriteString(FormatFlags(p.Flags))
	b.WriteByte(' ')
	if p.AnySeq {
		b.WriteString("...")
	} else {
		b.WriteString(strconv.FormatUint(uint64(p.Seq), 10) + ":" + strconv.FormatUint(uint64(p.End), 10))
	}
	b.WriteString("(" + strconv.FormatUint(uint64(p.Len), 10) + ")")
	if p.HasAck {
		b.WriteString(" ack " + strconv.FormatUint(uint64(p.Ack), 10))
	}
	if p.HasWin {
		b.WriteString(" win " + strconv.FormatUint(uint64(p.Win), 10))
	}
	if p.AnyOptions {
		b.WriteString(" <...>")
	} else if p.HasOptions {
		b.WriteString(" " + FormatOptions(p.Options))
	}
	return b.String()
}

// ExprKind says what an argument or result expression is.
type ExprKind uint8

// The expression kinds of system call arguments.
const (
	// ExprEllipsis is "...": any value, or the default address.
	ExprEllipsis ExprKind = iota
	// ExprInt is an integer (decimal or 0x hex, possibly negative).
	ExprInt
	// ExprIdent is a symbol such as SOL_SOCKET or ECONNRESET.
	ExprIdent
	// ExprList is "[a, b]" (a pointer to a value, as packetdrill writes it).
	ExprList
	// ExprStruct is "{name=value, ...}".
	ExprStruct
	// ExprOr is "a | b | c".
	ExprOr
	// ExprString is a double-quoted string.
	ExprString
)

// Expr is a system call argument.
type Expr struct {
	Kind  ExprKind
	Int   int64
	Ident string
	// Elems are the members of a list or an "|" expression; Names the field
	// names of a struct, parallel to Elems.
	Elems []Expr
	Names []string
}

// String writes the expression as a script does.
func (e Expr) String() string {
	switch e.Kind {
	case ExprEllipsis:
		return "..."
	case ExprInt:
		return strconv.FormatInt(e.Int, 10)
	case ExprIdent:
		return e.Ident
	case ExprString:
		return strconv.Quote(e.Ident)
	}
	parts := make([]string, len(e.Elems))
	for i, x := range e.Elems {
		parts[i] = x.String()
		if e.Kind == ExprStruct {
			parts[i] = e.Names[i] + "=" + parts[i]
		}
	}
	switch e.Kind {
	case ExprList:
		return "[" + strings.Join(parts, ", ") + "]"
	case ExprStruct:
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return strings.Join(parts, " | ")
}

// Call is a system call line: name(args) = result [ERRNO] [(note)].
type Call struct {
	Name string
	Args []Expr
	// Result is the expected return value; AnyResult is "= ...".
	Result    Expr
	AnyResult bool
	// Errno is the expected errno name ("" when none is given).
	Errno string
	// Note is the parenthesised text after the result, kept for messages.
	Note string
}

// String writes the call as a script does.
func (c *Call) String() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.String()
	}
	s := c.Name + "(" + strings.Join(parts, ", ") + ") = " + c.Result.String()
	if c.Errno != "" {
		s += " " + c.Errno
	}
	return s
}
