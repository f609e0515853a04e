package packetdrill

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("packetdrill: syntax error")

// SyntaxError is a parse error at a line of a script.
type SyntaxError struct {
	Line int
	Msg  string
}

// Error formats the error as "line N: msg".
func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap makes errors.Is(err, ErrSyntax) hold.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// srcLine is one logical line after comments and #ifdef blocks are gone.
type srcLine struct {
	num  int
	text string
}

// Parse parses a script. defines are the names #ifdef tests (the -D flags).
func Parse(src string, defines []string) (*Script, error) {
	lines, err := preprocess(src, defines)
	if err != nil {
		return nil, err
	}
	s := &Script{}
	for _, l := range lines {
		if strings.HasPrefix(l.text, "--") {
			name, val, _ := strings.Cut(l.text[2:], "=")
			if name == "" || strings.ContainsAny(name, " \t") {
				return nil, &SyntaxError{l.num, fmt.Sprintf("bad header flag %q", l.text)}
			}
			s.Flags = append(s.Flags, Flag{Line: l.num, Name: name, Value: strings.TrimSpace(val)})
			continue
		}
		ev, err := parseEvent(l)
		if err != nil {
			return nil, err
		}
		s.Events = append(s.Events, ev)
	}
	return s, nil
}

// parseTime reads "*", "[+]t", "[+]a~[+]b" or "[+]a...[+]b".
func (sc *scanner) parseTime() (Time, error) {
	if sc.accept("*") {
		return Time{Kind: Any}, nil
	}
	var t Time
	if sc.accept("+") {
		t.Kind = Relative
	}
	at, err := sc.duration()
	if err != nil {
		return t, err
	}
	t.At = at
	switch {
	case sc.accept("~"):
		sc.accept("+")
		if t.End, err = sc.duration(); err != nil {
			return t, err
		}
		if t.End < t.At {
			return t, sc.errf("time range ends before it starts")
		}
		t.Range = true
	case sc.accept("..."):
		sc.accept("+")
		if t.Return, err = sc.duration(); err != nil {
			return t, err
		}
		if t.Return < t.At {
			return t, sc.errf("blocking call returns before it starts")
		}
		t.Blocking = true
	}
	return t, nil
}

func parseEvent(l srcLine) (Event, error) {
	sc := &scanner{s: l.text, line: l.num}
	ev := Event{Line: l.num}
	t, err := sc.parseTime()
	if err != nil {
		return ev, err
	}
	ev.Time = t
	switch c := sc.peek(); {
	case c == '<' || c == '>':
		ev.Kind = PacketEvent
		ev.Packet, err = sc.parsePacket()
		if err == nil && t.Blocking {
			err = sc.errf("a packet cannot block")
		}
	case c == '`':
		ev.Kind = ShellEvent
		sc.i++
		j := strings.IndexByte(sc.s[sc.i:], '`')
		if j < 0 {
			return ev, sc.errf("unterminated backquote")
		}
		ev.Text = strings.TrimSpace(sc.s[sc.i : sc.i+j])
		sc.i += j + 1
	case strings.HasPrefix(sc.s[sc.i:], "%{"):
		ev.Kind = CodeEvent
		end := strings.LastIndex(sc.s, "}%")
		if end < sc.i {
			return ev, sc.errf("unterminated %%{ block")
		}
		ev.Text = strings.TrimSpace(sc.s[sc.i+2 : end])
		sc.i = end + 2
	case isIdent(c):
		ev.Kind = CallEvent
		ev.Call, err = sc.parseCall()
	default:
		return ev, sc.errf("expected a packet, call, command or code at %q", sc.rest())
	}
	if err != nil {
		return ev, err
	}
	if !sc.eof() {
		return ev, sc.errf("unexpected %q", sc.rest())
	}
	return ev, nil
}

func (sc *scanner) parsePacket() (*Packet, error) {
	p := &Packet{}
	if sc.accept("<") {
		p.Dir = Inbound
	} else {
		sc.accept(">")
		p.Dir = Outbound
	}
	if sc.accept("[") {
		name := sc.word()
		e, ok := ecnNames[name]
		if !ok {
			return nil, sc.errf("unknown ECN field [%s]", name)
		}
		p.ECN = e
		if err := sc.expect("]"); err != nil {
			return nil, err
		}
	}
	var err error
	if p.Flags, err = sc.parseFlags(); err != nil {
		return nil, err
	}
	// Sequence: start:end(len) or ...(len).
	if sc.accept("...") {
		p.AnySeq = true
	} else {
		if p.Seq, err = sc.uint32(); err != nil {
			return nil, err
		}
		if err := sc.expect(":"); err != nil {
			return nil, err
		}
		if p.End, err = sc.uint32(); err != nil {
			return nil, err
		}
	}
	if err := sc.expect("("); err != nil {
		return nil, err
	}
	if p.Len, err = sc.uint32(); err != nil {
		return nil, err
	}
	if err := sc.expect(")"); err != nil {
		return nil, err
	}
	if !p.AnySeq && p.End-p.Seq != p.Len {
		return nil, sc.errf("%d:%d is not %d bytes long", p.Seq, p.End, p.Len)
	}
	for !sc.eof() {
		switch {
		case sc.accept("ack"):
			if p.HasAck {
				return nil, sc.errf("ack given twice")
			}
			p.HasAck = true
			if p.Ack, err = sc.uint32(); err != nil {
				return nil, err
			}
		case sc.accept("win"):
			if p.HasWin {
				return nil, sc.errf("win given twice")
			}
			p.HasWin = true
			if p.Win, err = sc.uint32(); err != nil {
				return nil, err
			}
			if p.Win > 65535 {
				return nil, sc.errf("win %d does not fit 16 bits", p.Win)
			}
		case sc.peek() == '<':
			if p.HasOptions {
				return nil, sc.errf("options given twice")
			}
			if err := sc.parseOptions(p); err != nil {
				return nil, err
			}
		default:
			return nil, sc.errf("unexpected %q in packet", sc.rest())
		}
	}
	return p, nil
}

// parseFlags reads a run of S F R P . U E W, or "-" for no flags.
func (sc *scanner) parseFlags() (uint16, error) {
	sc.skip()
	if sc.accept("-") {
		return 0, nil
	}
	var f uint16
	n := 0
flags:
	for sc.i < len(sc.s) && sc.s[sc.i] != ' ' && sc.s[sc.i] != '\t' {
		if strings.HasPrefix(sc.s[sc.i:], "...") {
			break
		}
		for _, x := range flagChars {
			if sc.s[sc.i] == x.c {
				if f&x.f != 0 {
					return 0, sc.errf("flag %c given twice", x.c)
				}
				f |= x.f
				sc.i++
				n++
				continue flags
			}
		}
		return 0, sc.errf("unknown TCP flag %q", sc.s[sc.i])
	}
	if n == 0 {
		return 0, sc.errf("expected TCP flags at %q", sc.rest())
	}
	return f, nil
}

func (sc *scanner) parseOptions(p *Packet) error {
	sc.accept("<")
	p.HasOptions = true
	if sc.accept("...") {
		p.AnyOptions = true
		return sc.expect(">")
	}
	if sc.accept(">") {
		return nil
	}
	for {
		var o Option
		var err error
		switch w := sc.word(); w {
		case "eol":
			o.Kind = OptEOL
		case "nop":
			o.Kind = OptNOP
		case "mss":
			o.Kind = OptMSS
			if o.Val, err = sc.uint32(); err == nil && o.Val > 65535 {
				err = sc.errf("mss %d does not fit 16 bits", o.Val)
			}
		case "wscale":
			o.Kind = OptWScale
			if o.Val, err = sc.uint32(); err == nil && o.Val > 255 {
				err = sc.errf("wscale %d does not fit 8 bits", o.Val)
			}
		case "sackOK":
			o.Kind = OptSACKOK
		case "TS":
			o.Kind = OptTS
			if err = sc.expect("val"); err == nil {
				if o.Val, err = sc.uint32(); err == nil {
					if err = sc.expect("ecr"); err == nil {
						o.Ecr, err = sc.uint32()
					}
				}
			}
		case "sack":
			o.Kind = OptSACK
			for isDigit(sc.peek()) {
				var l, r uint32
				if l, err = sc.uint32(); err != nil {
					break
				}
				if err = sc.expect(":"); err != nil {
					break
				}
				if r, err = sc.uint32(); err != nil {
					break
				}
				o.Blocks = append(o.Blocks, [2]uint32{l, r})
			}
			if err == nil && len(o.Blocks) == 0 {
				err = sc.errf("sack needs at least one block")
			}
		case "":
			return sc.errf("expected a TCP option at %q", sc.rest())
		default:
			return sc.errf("unsupported TCP option %q", w)
		}
		if err != nil {
			return err
		}
		p.Options = append(p.Options, o)
		if sc.accept(">") {
			return nil
		}
		if err := sc.expect(","); err != nil {
			return err
		}
	}
}

func (sc *scanner) parseCall() (*Call, error) {
	c := &Call{Name: sc.word()}
	if err := sc.expect("("); err != nil {
		return nil, err
	}
	if !sc.accept(")") {
		for {
			e, err := sc.parseExpr(0)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, e)
			if sc.accept(")") {
				break
			}
			if err := sc.expect(","); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.expect("="); err != nil {
		return nil, err
	}
	if sc.accept("...") {
		c.AnyResult = true
		c.Result = Expr{Kind: ExprEllipsis}
	} else {
		e, err := sc.parseExpr(0)
		if err != nil {
			return nil, err
		}
		if e.Kind != ExprInt {
			return nil, sc.errf("a call's result must be a number, got %s", e)
		}
		c.Result = e
	}
	if w := sc.word(); w != "" {
		c.Errno = w
	}
	if sc.accept("(") {
		depth := 1
		j := sc.i
		for ; j < len(sc.s) && depth > 0; j++ {
			switch sc.s[j] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if depth > 0 {
			return nil, sc.errf("unterminated note")
		}
		c.Note = strings.TrimSpace(sc.s[sc.i : j-1])
		sc.i = j
	}
	return c, nil
}

const maxExprDepth = 16

func (sc *scanner) parseExpr(depth int) (Expr, error) {
	if depth > maxExprDepth {
		return Expr{}, sc.errf("expression nested too deeply")
	}
	e, err := sc.parseTerm(depth)
	if err != nil {
		return e, err
	}
	if sc.peek() != '|' {
		return e, nil
	}
	or := Expr{Kind: ExprOr, Elems: []Expr{e}}
	for sc.accept("|") {
		t, err := sc.parseTerm(depth)
		if err != nil {
			return t, err
		}
		or.Elems = append(or.Elems, t)
	}
	return or, nil
}

func (sc *scanner) parseTerm(depth int) (Expr, error) {
	switch c := sc.peek(); {
	case sc.accept("..."):
		return Expr{Kind: ExprEllipsis}, nil
	case c == '[' || c == '{':
		sc.i++
		closing := "]"
		e := Expr{Kind: ExprList}
		if c == '{' {
			closing = "}"
			e.Kind = ExprStruct
		}
		if sc.accept(closing) {
			return e, nil
		}
		for {
			if e.Kind == ExprStruct {
				name := sc.word()
				if name == "" {
					return e, sc.errf("expected a field name at %q", sc.rest())
				}
				if err := sc.expect("="); err != nil {
					return e, err
				}
				e.Names = append(e.Names, name)
			}
			x, err := sc.parseExpr(depth + 1)
			if err != nil {
				return e, err
			}
			e.Elems = append(e.Elems, x)
			if sc.accept(closing) {
				return e, nil
			}
			if err := sc.expect(","); err != nil {
				return e, err
			}
		}
	case c == '"':
		sc.i++
		j := strings.IndexByte(sc.s[sc.i:], '"')
		if j < 0 {
			return Expr{}, sc.errf("unterminated string")
		}
		e := Expr{Kind: ExprString, Ident: sc.s[sc.i : sc.i+j]}
		sc.i += j + 1
		return e, nil
	case c == '-' || isDigit(c):
		j := sc.i
		if sc.s[j] == '-' {
			j++
		}
		k := j
		for k < len(sc.s) && (isIdent(sc.s[k])) {
			k++
		}
		v, err := strconv.ParseInt(sc.s[j:k], 0, 64)
		if err != nil {
			return Expr{}, sc.errf("bad number %q", sc.s[sc.i:k])
		}
		if sc.s[sc.i] == '-' {
			v = -v
		}
		sc.i = k
		return Expr{Kind: ExprInt, Int: v}, nil
	case isIdent(c):
		return Expr{Kind: ExprIdent, Ident: sc.word()}, nil
	}
	return Expr{}, sc.errf("expected an argument at %q", sc.rest())
}
