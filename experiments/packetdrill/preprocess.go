package packetdrill

import (
	"fmt"
	"strings"
)

// cond is one open #ifdef or #ifndef.
type cond struct {
	line           int
	active, parent bool
	sawElse        bool
}

// conds is the stack of open conditionals.
type conds struct {
	defined map[string]bool
	stack   []cond
}

// active reports whether lines are kept at this point.
func (c *conds) active() bool { return len(c.stack) == 0 || c.stack[len(c.stack)-1].active }

// directive applies one "#..." line.
func (c *conds) directive(num int, t string) error {
	fields := strings.Fields(t)
	switch fields[0] {
	case "#ifdef", "#ifndef":
		if len(fields) != 2 {
			return &SyntaxError{num, fields[0] + " needs one name"}
		}
		on := c.defined[fields[1]] == (fields[0] == "#ifdef")
		c.stack = append(c.stack, cond{line: num, active: c.active() && on, parent: c.active()})
	case "#else":
		if len(c.stack) == 0 || c.stack[len(c.stack)-1].sawElse {
			return &SyntaxError{num, "#else without #ifdef"}
		}
		top := &c.stack[len(c.stack)-1]
		top.sawElse = true
		top.active = top.parent && !top.active
	case "#endif":
		if len(c.stack) == 0 {
			return &SyntaxError{num, "#endif without #ifdef"}
		}
		c.stack = c.stack[:len(c.stack)-1]
	default:
		return &SyntaxError{num, fmt.Sprintf("unknown directive %s", fields[0])}
	}
	return nil
}

// preprocess removes comments, resolves #ifdef/#ifndef/#else/#endif with
// the defines, and joins "%{ ... }%" blocks into one line.
func preprocess(src string, defines []string) ([]srcLine, error) {
	c := &conds{defined: map[string]bool{}}
	for _, d := range defines {
		c.defined[d] = true
	}
	var out []srcLine
	var code *srcLine // an open %{ block
	inBlockComment := false
	lines := strings.Split(src, "\n")
	for i, raw := range lines {
		num := i + 1
		raw = strings.TrimRight(raw, "\r")
		if code != nil {
			j := strings.Index(raw, "}%")
			if j < 0 {
				code.text += "\n" + raw
				continue
			}
			code.text += "\n" + raw[:j+2]
			if c.active() {
				out = append(out, *code)
			}
			code = nil
			if rest := strings.TrimSpace(raw[j+2:]); rest != "" && !strings.HasPrefix(rest, "//") {
				return nil, &SyntaxError{num, "text after }%"}
			}
			continue
		}
		line, stillOpen := stripComments(raw, inBlockComment)
		inBlockComment = stillOpen
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "#"):
			if err := c.directive(num, t); err != nil {
				return nil, err
			}
		case strings.Contains(t, "%{") && !strings.Contains(t[strings.Index(t, "%{"):], "}%"):
			// A code block spans lines; an inactive one is skipped whole.
			code = &srcLine{num: num, text: t}
		case t != "" && c.active():
			out = append(out, srcLine{num: num, text: t})
		}
	}
	switch {
	case inBlockComment:
		return nil, &SyntaxError{len(lines), "unterminated /* comment"}
	case code != nil:
		return nil, &SyntaxError{code.num, "unterminated %{ block"}
	case len(c.stack) > 0:
		return nil, &SyntaxError{c.stack[len(c.stack)-1].line, "#ifdef without #endif"}
	}
	return out, nil
}

// stripComments removes "//" and "/* */" comments from one line, leaving
// backquoted commands and %{ }% code alone. open says whether a block
// comment is open at the start of the line; the result says whether one is
// open at its end.
func stripComments(s string, open bool) (string, bool) {
	var b strings.Builder
	inTick := false
	for i := 0; i < len(s); i++ {
		if open {
			if strings.HasPrefix(s[i:], "*/") {
				open = false
				i++
			}
			continue
		}
		c := s[i]
		if c == '`' {
			inTick = !inTick
		}
		if !inTick {
			if strings.HasPrefix(s[i:], "//") {
				break
			}
			if strings.HasPrefix(s[i:], "/*") {
				open = true
				i++
				continue
			}
			if strings.HasPrefix(s[i:], "%{") {
				b.WriteString(s[i:])
				break
			}
		}
		b.WriteByte(c)
	}
	return b.String(), open
}
