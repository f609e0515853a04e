package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest experiment file accepted (8 MiB).
const MaxFileSize = 8 << 20

// source is the parsed text an Experiment came from.
type source struct {
	file   string
	root   *yaml.Node // the top-level mapping, --set overrides applied
	points []Point
	// sets are the --set overrides applied to root, in order.
	sets []string
	// check is the model packages' check of each point (nil: none).
	check Check
}

// Problem is one problem a Check finds: the YAML path it is about
// ("links[0].forward.loss.p_gb") and what is wrong, in the file's terms.
// Alt is where the value comes from when the file does not give Path
// itself (links[0].loss.p_gb, which the forward direction inherits).
type Problem struct {
	Path, Alt, Msg string
}

// Check inspects one decoded point of an experiment (the experiment
// itself when there is no sweep) and returns its problems. The rules of
// the model packages (endpoint, link) enter the format through it: Parse
// reports each problem at the line and column that gave the value, so that
// a file that passes validation builds at every point.
type Check func(e *Experiment) []Problem

// Load reads and parses the experiment file at path, applying --set
// overrides ("path=value") before decoding. See [Parse].
func Load(path string, sets ...string) (*Experiment, error) {
	return LoadChecked(path, nil, sets...)
}

// LoadChecked is Load with a Check run on every point. See [ParseChecked].
func LoadChecked(path string, check Check, sets ...string) (*Experiment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err.Error())
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileError(path, err.Error())
	}
	return ParseChecked(path, data, check, sets...)
}

func fileError(file, msg string) error {
	return &Errors{List: []Error{{File: file, Line: 1, Col: 1, Msg: msg}}}
}

// Parse decodes, defaults and validates an experiment file. file names the
// text in error messages. sets are --set overrides ("links[0].delay=20ms"),
// applied to the YAML tree before decoding so that they are checked like the
// file itself. If the file has a sweep: section, every point is expanded and
// validated too. On any problem Parse returns a *Errors listing all of them.
func Parse(file string, data []byte, sets ...string) (e *Experiment, err error) {
	return ParseChecked(file, data, nil, sets...)
}

// ParseChecked is Parse, running check on every point that decoded and
// validated cleanly (on the experiment itself when there is no sweep) and
// reporting its problems like its own.
func ParseChecked(file string, data []byte, check Check, sets ...string) (e *Experiment, err error) {
	errs := &errorList{}
	defer func() {
		// A panic here is a bug in the parser or in yaml.v3; the user still
		// gets an error, never a stack trace.
		if r := recover(); r != nil {
			e, err = nil, fileError(file, fmt.Sprintf("internal error while parsing (please report): %v", r))
		}
	}()
	root := readTree(file, data, errs)
	if root == nil {
		return nil, errs.err()
	}
	for i, s := range sets {
		root = applySet(root, i, s, errs)
	}
	src := &source{file: file, root: root, sets: sets, check: check}
	e = decodeExperiment(src, root, errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return e, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// readTree checks the raw bytes and parses them into a node tree, returning
// the top-level mapping or nil after recording the problem.
func readTree(file string, data []byte, errs *errorList) *yaml.Node {
	at := func(line, col int, format string, args ...any) *yaml.Node {
		errs.add(Error{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
		return nil
	}
	if len(data) > MaxFileSize {
		return at(1, 1, "file is larger than %d MiB; refusing to read it", MaxFileSize>>20)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		l, c := lineCol(data, i)
		return at(l, c, "file contains a NUL byte: this is not a YAML text file")
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		l, c := lineCol(data, i)
		return at(l, c, "file is not UTF-8 text (invalid byte 0x%02x)", data[i])
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return at(1, 1, "empty file: want a mapping with at least name and hosts")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return at(1, 1, "the file holds no YAML document: want a mapping with at least name and hosts")
		}
		return yamlError(file, data, err, errs)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return at(max(next.Line, 1), max(next.Column, 1), "a second YAML document starts here; an experiment file holds exactly one")
	} else if !errors.Is(err, io.EOF) {
		return yamlError(file, data, err, errs)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return at(1, 1, "empty document: want a mapping with at least name and hosts")
		}
		root = root.Content[0]
	}
	if n, bad := expandedSize(root, map[*yaml.Node]int{}); bad != nil {
		return at(max(bad.Line, 1), max(bad.Column, 1), "alias *%s refers to a node that contains it; YAML aliases must not form cycles", bad.Value)
	} else if n > maxNodes {
		return at(1, 1, "the document expands to more than %d nodes through aliases (an alias bomb?); refusing it", maxNodes)
	}
	if root.Kind != yaml.MappingNode {
		return at(max(root.Line, 1), max(root.Column, 1), "got %s at the top level, want a mapping with at least name and hosts", describe(root))
	}
	return root
}

// yamlError turns a yaml.v3 syntax error into an Error with a line.
func yamlError(file string, data []byte, err error, errs *errorList) *yaml.Node {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if strings.HasPrefix(msg, "did not find expected") {
		// yaml.v3 reports parser (not scanner) errors at the 0-based line of
		// the construct being parsed.
		line++
		msg += " (in the construct starting here)"
	}
	text := lineText(data, line)
	lead := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	if i := strings.IndexByte(lead, '\t'); i >= 0 || strings.Contains(msg, "cannot start any token") && strings.Contains(text, "\t") {
		col = strings.IndexByte(text, '\t') + 1
		msg += " (a tab: YAML indents with spaces only)"
	}
	errs.add(Error{File: file, Line: line, Col: col, Msg: "YAML syntax: " + msg})
	return nil
}

// lineCol converts a byte offset into a 1-based line and column (in runes).
func lineCol(data []byte, off int) (int, int) {
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}

// lineText returns the 1-based line of data.
func lineText(data []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// expandedSize counts the nodes of the tree with every alias expanded,
// saturating above maxNodes, and returns an alias that forms a cycle if any.
// memo holds finished counts (-1 while a node is being counted).
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) (int, *yaml.Node) {
	if c, ok := memo[n]; ok {
		if c < 0 {
			return 0, n
		}
		return c, nil
	}
	memo[n] = -1
	total := 1
	kids := n.Content
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		kids = []*yaml.Node{n.Alias}
	}
	for _, k := range kids {
		c, bad := expandedSize(k, memo)
		if bad != nil {
			if n.Kind == yaml.AliasNode {
				bad = n
			}
			return 0, bad
		}
		total = min(total+c, maxNodes+1)
	}
	memo[n] = total
	return total, nil
}
