package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTraceAndPlotCommands runs `tcpsim trace` with every output, then
// `tcpsim run` and `tcpsim plot` on a tiny experiment.
func TestTraceAndPlotCommands(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(yaml, []byte(`name: tiny
replications: 2
hosts: [{name: c}, {name: s}]
links: [{between: [c, s], delay: 5ms, loss: 10%}]
workloads:
  - {name: w, client: c, server: "s:80", arrivals: {interval: 20ms}, count: 4, connection: {close: client}}
plots:
  - {name: syn, kind: cdf, metric: syn_retransmits}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"trace", []string{"trace", yaml, "--run", "1", "--pcap", filepath.Join(dir, "t.pcap"), "--ladder", filepath.Join(dir, "l.svg"), "--window", "0..1s"},
			0, "# captured", "ladder: "},
		{"quiet", []string{"trace", yaml, "--quiet", "--host", "c", "--transitions", filepath.Join(dir, "transitions.csv")}, 0, "# captured", "transitions: "},
		{"bad run", []string{"trace", yaml, "--run", "9"}, exitUsage, "", "run 9"},
		{"bad window", []string{"trace", yaml, "--window", "2..1"}, exitUsage, "", "T1 < T2"},
		{"bad ladder", []string{"trace", yaml, "--ladder", "x.gif"}, exitUsage, "", ".png, .svg or .pdf"},
		{"run", []string{"run", yaml, "-o", filepath.Join(dir, "out"), "--quiet"}, 0, "results:", ""},
		{"plot", []string{"plot", filepath.Join(dir, "out"), "--format", "svg"}, 0, "syn.svg", ""},
		{"plot format", []string{"plot", filepath.Join(dir, "out"), "--format", "gif"}, exitUsage, "", "png, svg or pdf"},
		{"plot missing", []string{"plot", filepath.Join(dir, "none")}, exitUsage, "", "manifest.json"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.err) {
			t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", tc.name, code, tc.code, stdout.String(), stderr.String())
		}
	}
	for _, f := range []string{"t.pcap", "l.svg", "transitions.csv", "out/plots/syn.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// --absolute-seq labels the ladder with the sequence numbers on the wire.
func TestTraceAbsoluteSeq(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "one.yaml")
	if err := os.WriteFile(yaml, []byte(`name: one
hosts: [{name: c}, {name: s}]
links: [{between: [c, s], delay: 5ms}]
workloads:
  - {name: w, client: c, server: "s:80", arrivals: {times: [0]}, connection: {send: 100, close: client}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	svg := func(extra ...string) string {
		out := filepath.Join(dir, "l"+strings.Join(extra, "")+".svg")
		var stdout, stderr bytes.Buffer
		args := append([]string{"trace", yaml, "--quiet", "--conn", "1", "--ladder", out}, extra...)
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("tcpsim %v: exit %d: %s", args, code, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	rel, abs, again := svg(), svg("--absolute-seq"), svg()
	if rel == abs {
		t.Error("the ladder is the same with and without --absolute-seq")
	}
	if rel != again {
		t.Error("the same trace drew two different ladders")
	}
}
