package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in an experiment file: where it is and what is
// wrong with it. File is the file name as given to [Parse] or [Load], or
// "--set" for a problem in a command-line override, in which case Line is the
// 1-based index of the --set flag and Col the column within its argument.
type Error struct {
	File string
	Line int
	Col  int
	Path string // dotted YAML path, e.g. links[0].loss.p; empty for the whole file
	Msg  string
}

// Error formats the problem as FILE:LINE:COL: PATH: message.
func (e Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Path, e.Msg)
}

// Errors is every problem found in one experiment file, sorted by position.
// Parse and Load return a *Errors whenever the file is not valid.
type Errors struct {
	List []Error
}

// Error prints one problem per line.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, x := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

// maxErrors bounds the number of problems collected from one file, so that a
// pathological input cannot make the report itself enormous.
const maxErrors = 200

// errorList collects problems, drops exact duplicates (the same bad value
// seen through several sweep points) and sorts them.
type errorList struct {
	list      []Error
	seen      map[Error]bool
	truncated bool
}

func (l *errorList) add(e Error) {
	if l.seen == nil {
		l.seen = map[Error]bool{}
	}
	if l.seen[e] {
		return
	}
	if len(l.list) >= maxErrors {
		l.truncated = true
		return
	}
	l.seen[e] = true
	l.list = append(l.list, e)
}

// full reports whether the list holds maxErrors problems. The decoder
// asks before it checks more of the file, so a full list means problems
// may go unreported: err then says so.
func (l *errorList) full() bool {
	if len(l.list) >= maxErrors {
		l.truncated = true
	}
	return l.truncated
}

// err returns nil when nothing was collected, else a sorted *Errors.
func (l *errorList) err() error {
	if len(l.list) == 0 {
		return nil
	}
	out := append([]Error(nil), l.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := fileRank(a.File), fileRank(b.File); ra != rb {
			return ra < rb // the file's own problems first, then the --set ones
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
	if l.truncated {
		last := out[len(out)-1]
		out = append(out, Error{File: last.File, Line: last.Line, Col: last.Col,
			Msg: fmt.Sprintf("too many problems; stopped after %d", maxErrors)})
	}
	return &Errors{List: out}
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// characters each cost 1 (so "dealy" is one edit from "delay").
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// suggest returns the candidate closest to s by edit distance if it is close
// enough to be a plausible typo, else "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 0
	ls := strings.ToLower(s)
	if len(s) > 64 {
		return "" // no typo is that long; keep the comparison cheap
	}
	for _, c := range candidates {
		if len(c) > 64 {
			continue
		}
		d := editDistance(ls, strings.ToLower(c))
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(1, min(len(s), len(best))/3) {
		return ""
	}
	return best
}

// didYouMean formats a suggestion as " (did you mean "x"?)" or "".
func didYouMean(s string, candidates []string) string {
	if c := suggest(s, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

func fileRank(f string) int {
	if f == setFile {
		return 1
	}
	return 0
}
