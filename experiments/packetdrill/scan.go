package packetdrill

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// scanner reads one line.
type scanner struct {
	s    string
	i    int
	line int
}

func (sc *scanner) errf(format string, args ...any) error {
	return &SyntaxError{sc.line, fmt.Sprintf(format, args...)}
}

func (sc *scanner) skip() {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

func (sc *scanner) eof() bool { sc.skip(); return sc.i >= len(sc.s) }

func (sc *scanner) peek() byte {
	sc.skip()
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

// accept consumes tok if the input continues with it.
func (sc *scanner) accept(tok string) bool {
	sc.skip()
	if strings.HasPrefix(sc.s[sc.i:], tok) {
		sc.i += len(tok)
		return true
	}
	return false
}

func (sc *scanner) expect(tok string) error {
	if !sc.accept(tok) {
		return sc.errf("expected %q at %q", tok, sc.rest())
	}
	return nil
}

func (sc *scanner) rest() string {
	sc.skip()
	r := sc.s[sc.i:]
	if len(r) > 30 {
		r = r[:30] + "..."
	}
	return r
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c)
}

// word returns the next identifier ("" if none).
func (sc *scanner) word() string {
	sc.skip()
	j := sc.i
	for j < len(sc.s) && isIdent(sc.s[j]) {
		j++
	}
	w := sc.s[sc.i:j]
	sc.i = j
	return w
}

// uint32 reads an unsigned decimal number that must fit 32 bits.
func (sc *scanner) uint32() (uint32, error) {
	sc.skip()
	j := sc.i
	for j < len(sc.s) && isDigit(sc.s[j]) {
		j++
	}
	if j == sc.i {
		return 0, sc.errf("expected a number at %q", sc.rest())
	}
	v, err := strconv.ParseUint(sc.s[sc.i:j], 10, 32)
	if err != nil {
		return 0, sc.errf("number %s out of range", sc.s[sc.i:j])
	}
	sc.i = j
	return uint32(v), nil
}

// duration reads seconds with an optional fraction, "1", "0.25", ".1",
// exactly (no floating point), to the microsecond.
func (sc *scanner) duration() (time.Duration, error) {
	sc.skip()
	j := sc.i
	for j < len(sc.s) && isDigit(sc.s[j]) {
		j++
	}
	intPart := sc.s[sc.i:j]
	frac := ""
	if j < len(sc.s) && sc.s[j] == '.' && !strings.HasPrefix(sc.s[j:], "...") {
		k := j + 1
		for k < len(sc.s) && isDigit(sc.s[k]) {
			k++
		}
		frac = sc.s[j+1 : k]
		j = k
	}
	if intPart == "" && frac == "" {
		return 0, sc.errf("expected a time at %q", sc.rest())
	}
	if len(intPart) > 9 || len(frac) > 9 {
		return 0, sc.errf("time %s out of range", sc.s[sc.i:j])
	}
	sc.i = j
	var d time.Duration
	if intPart != "" {
		n, _ := strconv.Atoi(intPart)
		d = time.Duration(n) * time.Second
	}
	if frac != "" {
		n, _ := strconv.Atoi(frac)
		for range 9 - len(frac) {
			n *= 10
		}
		d += time.Duration(n)
	}
	return d, nil
}
