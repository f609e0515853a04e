package main

import (
	"bufio"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

// The YAML examples of README.md and docs/*.md are executed: each is
// validated as `tcpsim validate` would (config.ParseChecked with
// sim.Check). docs/README.md describes the convention; in short, an
// HTML comment on the line before a ```yaml fence says what the block is:
//
//	(none)                          a whole experiment: must validate
//	<!-- invalid -->                a whole experiment that must fail
//	<!-- invalid: TEXT -->          ... with TEXT in the error message
//	<!-- fragment -->               some top-level sections: put over
//	                                fragmentBase, the result must validate
//	<!-- fragment of PATH -->       the same, over the experiment file PATH
//	                                (relative to the repository root)
//	<!-- not an experiment -->      other YAML (a Kubernetes Job): it must
//	                                parse, nothing more
//
// Putting a fragment over a base replaces each top-level key the fragment
// gives, except lists of named entries (hosts, links, workloads, plots,
// injections), where an entry replaces the base's entry of the same name
// and any other is added.

// fragmentBase is the experiment a <!-- fragment --> goes over: the hosts,
// links and workload the format doc's examples name, and a sweep over the
// paths its plots example draws.
const fragmentBase = `name: doc-fragment
hosts:
  - name: client
  - name: server
  - name: router
  - name: attacker
links:
  - {name: wan, between: [router, server]}
  - {between: [client, router]}
  - {between: [attacker, router]}
workloads:
  - {name: web, client: client, server: "server:80", arrivals: {interval: 100ms}, count: 10}
record: {occupancy: {interval: 1s}}
sweep:
  grid:
    links[0].loss: [0.1%, 1%]
    hosts[0].tcp.handshake: [three-way, two-way]
`

// docBlock is one ```yaml block of a Markdown file.
type docBlock struct {
	file   string // relative to the repository root
	line   int    // of the opening fence
	marker string // the comment before the fence, "" for none
	text   string
	after  string // the first non-blank line after the closing fence
}

var (
	markerRE = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)
	// sameAsRE finds the sentence after an example that names the file it
	// copies.
	sameAsRE = regexp.MustCompile("^This is `([^`]+\\.yaml)`")
)

// yamlBlocks returns the ```yaml blocks of a Markdown file.
func yamlBlocks(t *testing.T, root, file string) []docBlock {
	t.Helper()
	f, err := os.Open(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docBlock
	var cur *docBlock
	prev := ""      // the last non-blank line outside a block
	needAfter := -1 // the block of out waiting for the line after it
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if needAfter >= 0 && cur == nil && strings.TrimSpace(line) != "" {
			out[needAfter].after, needAfter = line, -1
		}
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur, needAfter = nil, len(out)-1
		case cur != nil:
			cur.text += line + "\n"
		case strings.TrimSpace(line) == "```yaml":
			cur = &docBlock{file: file, line: n}
			if m := markerRE.FindStringSubmatch(strings.TrimSpace(prev)); m != nil {
				cur.marker = m[1]
			}
		case strings.TrimSpace(line) != "":
			prev = line
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Errorf("%s:%d: a ```yaml block that never ends", file, cur.line)
	}
	return out
}

// overlay puts a fragment's top-level keys over base (both YAML texts)
// and returns the merged text.
func overlay(base, fragment string) (string, error) {
	var b, f yaml.Node
	if err := yaml.Unmarshal([]byte(base), &b); err != nil {
		return "", err
	}
	if err := yaml.Unmarshal([]byte(fragment), &f); err != nil {
		return "", err
	}
	bm, fm := b.Content[0], f.Content[0]
	for i := 0; i+1 < len(fm.Content); i += 2 {
		k, v := fm.Content[i], fm.Content[i+1]
		j := keyIndex(bm, k.Value)
		switch {
		case j < 0:
			bm.Content = append(bm.Content, k, v)
		case v.Kind == yaml.SequenceNode && bm.Content[j+1].Kind == yaml.SequenceNode:
			mergeNamed(bm.Content[j+1], v)
		default:
			bm.Content[j+1] = v
		}
	}
	out, err := yaml.Marshal(&b)
	return string(out), err
}

// keyIndex returns the index of key k in mapping m's content, or -1.
func keyIndex(m *yaml.Node, k string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return i
		}
	}
	return -1
}

// mergeNamed puts the entries of list over base's: an entry replaces the
// base entry of the same name, and any other is added.
func mergeNamed(base, list *yaml.Node) {
	name := func(n *yaml.Node) string {
		if n.Kind == yaml.MappingNode {
			if i := keyIndex(n, "name"); i >= 0 {
				return n.Content[i+1].Value
			}
		}
		return ""
	}
	for _, e := range list.Content {
		replaced := false
		for i, b := range base.Content {
			if n := name(e); n != "" && n == name(b) {
				base.Content[i], replaced = e, true
				break
			}
		}
		if !replaced {
			base.Content = append(base.Content, e)
		}
	}
}

// docFiles are the Markdown files whose examples are executed.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		out = append(out, rel)
	}
	return out
}

// TestDocExamples validates every YAML example of the README and docs/,
// as the convention above says.
func TestDocExamples(t *testing.T) {
	const root = "../.."
	kinds := map[string]int{}
	for _, file := range docFiles(t, root) {
		for _, b := range yamlBlocks(t, root, file) {
			where := b.file + ":" + strconv.Itoa(b.line)
			// Whole files keep their lines: the errors point into the
			// Markdown file.
			text := strings.Repeat("\n", b.line) + b.text
			kind, arg, _ := strings.Cut(b.marker, ":")
			if k, rest, ok := strings.Cut(b.marker, " of "); ok && k == "fragment" {
				kind, arg = "fragment of", rest
			}
			kind, arg = strings.TrimSpace(kind), strings.TrimSpace(arg)
			kinds[kind]++
			switch kind {
			case "not an experiment":
				var n yaml.Node
				if err := yaml.Unmarshal([]byte(b.text), &n); err != nil {
					t.Errorf("%s: the block is not YAML: %v", where, err)
				}
				continue
			case "fragment", "fragment of":
				base := fragmentBase
				if kind == "fragment of" {
					data, err := os.ReadFile(filepath.Join(root, arg))
					if err != nil {
						t.Errorf("%s: the fragment's base: %v", where, err)
						continue
					}
					base = string(data)
				}
				merged, err := overlay(base, b.text)
				if err != nil {
					t.Errorf("%s: the fragment is not YAML: %v", where, err)
					continue
				}
				text = merged
			case "", "invalid":
			default:
				t.Errorf("%s: unknown marker <!-- %s -->; want invalid, fragment, fragment of PATH or not an experiment", where, b.marker)
				continue
			}
			name := b.file
			if strings.HasPrefix(kind, "fragment") {
				name = where + " (the fragment over its base)"
			}
			e, err := config.ParseChecked(name, []byte(text), sim.Check)
			if m := sameAsRE.FindStringSubmatch(b.after); m != nil && err == nil {
				// "This is `experiments/catalog/x.yaml`": the example must
				// be that file, comments and spelling aside.
				f, ferr := config.Load(filepath.Join(root, m[1]))
				if ferr != nil {
					t.Errorf("%s: %v", where, ferr)
				} else if string(f.Normalized()) != string(e.Normalized()) {
					t.Errorf("%s: the example says it is %s, but the two differ:\n%s\nand\n%s", where, m[1], e.Normalized(), f.Normalized())
				}
			}
			switch {
			case kind == "invalid" && err == nil:
				t.Errorf("%s: the block is marked invalid but validates", where)
			case kind == "invalid" && !strings.Contains(err.Error(), arg):
				t.Errorf("%s: the block fails with\n%v\nwhich does not say %q", where, err, arg)
			case kind != "invalid" && err != nil:
				if strings.HasPrefix(kind, "fragment") {
					t.Errorf("%s: the fragment, over its base, does not validate:\n%v\n%s", where, err, numbered(text))
				} else {
					t.Errorf("%s: the example does not validate:\n%v", where, err)
				}
			}
		}
	}
	// The test must see every kind of block it knows, or a change to the
	// docs (or to this parser) silently left them unchecked.
	for _, k := range []string{"", "fragment", "fragment of", "not an experiment", "invalid"} {
		if kinds[k] == 0 {
			t.Errorf("no %q block found in the docs; want at least one", k)
		}
	}
}

// numbered returns text with line numbers, for a failing fragment.
func numbered(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(strconv.Itoa(i+1) + "\t" + l + "\n")
	}
	return b.String()
}

// TestOverlay: a fragment replaces the top-level keys it gives, and an
// entry of a named list replaces the entry of its name or is added.
func TestOverlay(t *testing.T) {
	base := "name: b\nseed: 1\nhosts: [{name: a}, {name: s, addr: 10.0.0.9}]\nrecord: {connections: true}\n"
	for _, tc := range []struct{ fragment, want string }{
		{"seed: 2\n", "name: b\nseed: 2\nhosts: [{name: a}, {name: s, addr: 10.0.0.9}]\nrecord: {connections: true}\n"},
		{"hosts: [{name: s}]\n", "name: b\nseed: 1\nhosts: [{name: a}, {name: s}]\nrecord: {connections: true}\n"},
		{"hosts: [{name: r}]\n", "name: b\nseed: 1\nhosts: [{name: a}, {name: s, addr: 10.0.0.9}, {name: r}]\nrecord: {connections: true}\n"},
		{"record: {trace: {}}\nplots: []\n", "name: b\nseed: 1\nhosts: [{name: a}, {name: s, addr: 10.0.0.9}]\nrecord: {trace: {}}\nplots: []\n"},
	} {
		got, err := overlay(base, tc.fragment)
		if err != nil || got != tc.want {
			t.Errorf("overlay(%q) = %q, %v; want %q", tc.fragment, got, err, tc.want)
		}
	}
}

// mdLinkRE finds Markdown link and image targets: [text](target).
var mdLinkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocLinks: the README and docs stand alone. Every relative link points
// at a file of the repository that exists; none leaves it.
func TestDocLinks(t *testing.T) {
	const root = "../.."
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLinkRE.FindAllStringSubmatch(string(data), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			n++
			p := filepath.Join(abs, filepath.Dir(file), target)
			if rel, err := filepath.Rel(abs, p); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: link %s leaves the repository", file, m[1])
				continue
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: link %s: %v", file, m[1], err)
			}
		}
	}
	if n < 5 {
		t.Errorf("found %d relative links; the parser is broken", n)
	}
}

// archRowRE finds a row of docs/architecture.md's package table:
// | `package` | owns | imports |.
var archRowRE = regexp.MustCompile("^\\| `([a-z/]+)` \\|[^|]*\\|([^|]*)\\|$")

// TestArchitecture keeps docs/architecture.md true: every package of the
// module has a row, every row is a package, and the tcpsim packages a row
// says its package imports are exactly those its non-test files import.
func TestArchitecture(t *testing.T) {
	const root = "../.."
	data, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := archRowRE.FindStringSubmatch(line); m != nil {
			rows[m[1]] = m[2]
		}
	}
	pkgs := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkgs[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for pkg := range pkgs {
		cell, ok := rows[pkg]
		if !ok {
			t.Errorf("docs/architecture.md: package %s has no row", pkg)
			continue
		}
		got := map[string]bool{}
		files, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				if p, ok := strings.CutPrefix(strings.Trim(im.Path.Value, `"`), "tcpsim/"); ok {
					got[p] = true
				}
			}
		}
		said := map[string]bool{}
		for _, m := range regexp.MustCompile("`([a-z/]+)`").FindAllStringSubmatch(cell, -1) {
			if pkgs[m[1]] {
				said[m[1]] = true
			}
		}
		for p := range got {
			if !said[p] {
				t.Errorf("docs/architecture.md: %s imports %s; its row does not say so", pkg, p)
			}
		}
		for p := range said {
			if !got[p] {
				t.Errorf("docs/architecture.md: %s's row says it imports %s; it does not", pkg, p)
			}
		}
	}
	for pkg := range rows {
		if !pkgs[pkg] {
			t.Errorf("docs/architecture.md: a row for %s, which is not a package", pkg)
		}
	}
}
