package packetdrill

import (
	"fmt"
	"strings"
)

// preprocess removes comments, resolves #ifdef/#ifndef/#else/#endif with
// the defines, and joins "%{ ... }%" blocks into one line.
func preprocess(src string, defines []string) ([]srcLine, error) {
	defined := map[string]bool{}
	for _, d := range defines {
		defined[d] = true
	}
	type cond struct {
		line           int
		active, parent bool
		sawElse        bool
	}
	var stack []cond
	active := true
	var out []srcLine
	var code *srcLine // an open %{ block
	inBlockComment := false
	for i, raw := range strings.Split(src, "\n") {
		num := i + 1
		raw = strings.TrimRight(raw, "\r")
		if code != nil {
			if j := strings.Index(raw, "}%"); j >= 0 {
				code.text += "\n" + raw[:j+2]
				if active {
					out = append(out, *code)
				}
				code = nil
				if rest := strings.TrimSpace(raw[j+2:]); rest != "" && !strings.HasPrefix(rest, "//") {
					return nil, &SyntaxError{num, "text after }%"}
				}
			} else {
				code.text += "\n" + raw
			}
			continue
		}
		line, stillOpen := stripComments(raw, inBlockComment)
		inBlockComment = stillOpen
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			fields := strings.Fields(t)
			switch fields[0] {
			case "#ifdef", "#ifndef":
				if len(fields) != 2 {
					return nil, &SyntaxError{num, fields[0] + " needs one name"}
				}
				on := defined[fields[1]] == (fields[0] == "#ifdef")
				stack = append(stack, cond{line: num, active: active && on, parent: active})
			case "#else":
				if len(stack) == 0 || stack[len(stack)-1].sawElse {
					return nil, &SyntaxError{num, "#else without #ifdef"}
				}
				c := &stack[len(stack)-1]
				c.sawElse = true
				c.active = c.parent && !c.active
			case "#endif":
				if len(stack) == 0 {
					return nil, &SyntaxError{num, "#endif without #ifdef"}
				}
				stack = stack[:len(stack)-1]
			default:
				return nil, &SyntaxError{num, fmt.Sprintf("unknown directive %s", fields[0])}
			}
			active = len(stack) == 0 || stack[len(stack)-1].active
			continue
		}
		if t == "" || !active {
			if !active && strings.Contains(t, "%{") && !strings.Contains(t, "}%") {
				// An inactive code block still has to be skipped whole.
				code = &srcLine{num: num, text: t}
			}
			continue
		}
		if j := strings.Index(t, "%{"); j >= 0 && !strings.Contains(t[j:], "}%") {
			code = &srcLine{num: num, text: t}
			continue
		}
		out = append(out, srcLine{num: num, text: t})
	}
	if inBlockComment {
		return nil, &SyntaxError{len(strings.Split(src, "\n")), "unterminated /* comment"}
	}
	if code != nil {
		return nil, &SyntaxError{code.num, "unterminated %{ block"}
	}
	if len(stack) > 0 {
		return nil, &SyntaxError{stack[len(stack)-1].line, "#ifdef without #endif"}
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
