package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// dropNulls removes every mapping key whose value is null, recursively.
func dropNulls(n *yaml.Node) {
	for _, c := range n.Content {
		dropNulls(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isNull(n.Content[i+1]) {
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
	}
	n.Content = kept
}

// TestNullMeansNotGiven: a null (key: or key: ~) decodes as if the key were
// absent, for pointer and plain fields, structs, lists and the
// exactly-one-of choices alike, as docs/experiment-format.md says. Each
// file with nulls normalizes to the same experiment as itself with every
// null key removed.
func TestNullMeansNotGiven(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testdata, "good", "nulls.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, text string }{
		{"nulls.yaml", string(data)},
		{"top level", "name: x\nseed:\nreplications: ~\nhosts: [{name: a}, {name: b}]\nlinks:\nplots: ~\n"},
		{"inside a link", "name: x\nhosts: [{name: a}, {name: b}]\nlinks: [{between: [a, b], delay: ~, queue: {packets: ~}, corrupt: null}]\n"},
		{"arrivals", "name: x\nhosts: [{name: a}, {name: b}]\nlinks: [{between: [a, b]}]\n" +
			"workloads: [{client: a, server: 'b:80', arrivals: {times: [1s], poisson: ~, interval: ~}, count: ~}]\n"},
		{"overlay keeps the shared value", "name: x\nhosts: [{name: a}, {name: b}]\nlinks: [{between: [a, b], delay: 5ms, forward: {delay: ~}}]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var root yaml.Node
			if err := yaml.Unmarshal([]byte(tc.text), &root); err != nil {
				t.Fatal(err)
			}
			dropNulls(&root)
			stripped, err := yaml.Marshal(&root)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(stripped, []byte(tc.text)) {
				t.Fatal("the case has no null to test")
			}
			with, err := Parse("with.yaml", []byte(tc.text))
			if err != nil {
				t.Fatalf("with nulls: %v", err)
			}
			without, err := Parse("without.yaml", stripped)
			if err != nil {
				t.Fatalf("without them: %v\n%s", err, stripped)
			}
			if a, b := with.Normalized(), without.Normalized(); !bytes.Equal(a, b) {
				t.Errorf("with nulls the experiment normalizes to\n%s\nwithout them to\n%s", a, b)
			}
		})
	}
}

// A null where a value is required is reported at the null, as missing.
func TestNullRequired(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"name: ~\nhosts: [{name: a}]\n", "n.yaml:1:7: name: got nothing (null), want a string"},
		{"name: x\nhosts: [{name: null}]\n", "n.yaml:2:16: hosts[0].name: got nothing (null), want a string"},
		{"name: x\nhosts: ~\n", "hosts"},
	} {
		_, err := Parse("n.yaml", []byte(tc.text))
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.text, err, tc.want)
		}
	}
}
