package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const formatDoc = "../../docs/experiment-format.md"

// docSection returns the text of the "## name" section of the format doc.
func docSection(t *testing.T, doc, name string) string {
	t.Helper()
	_, s, ok := strings.Cut(doc, "\n## "+name+"\n")
	if !ok {
		t.Fatalf("%s has no section %q", formatDoc, name)
	}
	if i := strings.Index(s, "\n## "); i >= 0 {
		s = s[:i]
	}
	return s
}

// keys returns the keys of a YAML mapping node, in order.
func keys(n *yaml.Node) []string {
	var out []string
	for i := 0; n != nil && n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// child returns the value of key k in mapping n, or nil.
func child(n *yaml.Node, k string) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

func fieldNamesOf[T any]() []string {
	var out []string
	for _, f := range fieldsOf(reflect.TypeFor[T]()) {
		out = append(out, f.name)
	}
	return out
}

// TestDocsMatchSchema checks docs/experiment-format.md against the schema:
// the hosts example shows every TCP knob in schema order and no other, the
// metric list is Metrics, and the plot table gives each kind the fields
// plotKinds says it needs and takes.
func TestDocsMatchSchema(t *testing.T) {
	data, err := os.ReadFile(formatDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)

	hosts := docSection(t, doc, "hosts")
	_, block, _ := strings.Cut(hosts, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(block), &root); err != nil {
		t.Fatalf("the hosts example is not YAML: %v", err)
	}
	hs := child(root.Content[0], "hosts")
	if hs == nil || len(hs.Content) == 0 {
		t.Fatalf("%s: the hosts example has no host", formatDoc)
	}
	tcp := child(hs.Content[0], "tcp")
	for _, tt := range []struct {
		what      string
		got, want []string
	}{
		{"tcp", keys(tcp), fieldNamesOf[TCP]()},
		{"tcp.keepalive", keys(child(tcp, "keepalive")), fieldNamesOf[Keepalive]()},
		{"tcp.backlog", keys(child(tcp, "backlog")), fieldNamesOf[Backlog]()},
	} {
		if strings.Join(tt.got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: the hosts example's %s keys are\n%v\nwant the schema's\n%v", formatDoc, tt.what, tt.got, tt.want)
		}
	}

	plots := docSection(t, doc, "plots")
	// The metric list lives in docs/metrics.md, made from the metric table
	// (experiments/metric checks it); the format points there.
	if !strings.Contains(plots, "Metrics: ") || !strings.Contains(plots, "(metrics.md)") {
		t.Errorf("%s: the plots section should point to docs/metrics.md for the metric names", formatDoc)
	}

	tick := regexp.MustCompile("`([a-z_.]+)`")
	ticked := func(cell string, keep func(string) bool) []string {
		var out []string
		for _, m := range tick.FindAllStringSubmatch(cell, -1) {
			if keep(m[1]) {
				out = append(out, m[1])
			}
		}
		return out
	}
	isField := func(s string) bool { return contains(fieldNamesOf[Plot](), s) }
	rows := map[string][]string{}
	for _, line := range strings.Split(plots, "\n") {
		if cells := strings.Split(line, "|"); len(cells) == 6 && strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = cells
		}
	}
	if len(rows) != len(plotKinds) {
		t.Errorf("%s: the plot table has %d kinds, want %d", formatDoc, len(rows), len(plotKinds))
	}
	for kind, k := range plotKinds {
		cells, ok := rows[kind]
		if !ok {
			t.Errorf("%s: the plot table has no row for %s", formatDoc, kind)
			continue
		}
		if got := ticked(cells[3], isField); strings.Join(got, " ") != strings.Join(k.needs, " ") {
			t.Errorf("%s: plot %s needs %v, want %v", formatDoc, kind, got, k.needs)
		}
		if got := ticked(cells[4], isField); strings.Join(got, " ") != strings.Join(k.takes, " ") {
			t.Errorf("%s: plot %s may take %v, want %v", formatDoc, kind, got, k.takes)
		}
	}
}
