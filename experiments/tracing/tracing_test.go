package tracing

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

var updateTraces = flag.Bool("update", false, "rewrite the golden trace under testdata")

// tinyExperiment is experiments/testdata/tiny.yaml: a small sweep with
// loss (so SYNs are retransmitted), both record outputs, and one plot of
// every kind.
func tinyExperiment(t *testing.T) *config.Experiment {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "tiny.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := config.Parse("tiny.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestTraceGolden traces a run of the tiny experiment and compares the
// text with testdata/tiny-run3.trace; a second trace must be
// identical, and the pcap must hold as many packets as the summary says.
func TestTraceGolden(t *testing.T) {
	e := tinyExperiment(t)
	trace := func() ([]byte, []byte, *TraceResult) {
		var text, pcap bytes.Buffer
		res, err := Trace(context.Background(), e, TraceOptions{Run: 3, Text: &text, Pcap: &pcap, Ladder: true, Conn: 1})
		if err != nil {
			t.Fatal(err)
		}
		return text.Bytes(), pcap.Bytes(), res
	}
	text, pcap, res := trace()
	text2, pcap2, _ := trace()
	if !bytes.Equal(text, text2) || !bytes.Equal(pcap, pcap2) {
		t.Error("two traces of the same run differ")
	}
	if res.Counts.Packets == 0 || res.Counts.SYN == 0 || res.Counts.FIN == 0 {
		t.Errorf("counts %v: want SYNs, FINs and packets", res.Counts)
	}
	// 24-byte file header, then per packet a 16-byte record header whose
	// third word is the captured length.
	n := 0
	for off := 24; off < len(pcap); n++ {
		caplen := int(pcap[off+8]) | int(pcap[off+9])<<8 | int(pcap[off+10])<<16 | int(pcap[off+11])<<24
		off += 16 + caplen
	}
	if n != res.Counts.Packets {
		t.Errorf("pcap has %d packets, summary says %d", n, res.Counts.Packets)
	}
	if !strings.HasSuffix(string(text), res.Counts.String()+"\n") {
		t.Error("the text trace does not end with the summary line")
	}
	if len(res.Segments) == 0 || len(res.Timelines) != 2 || len(res.Transitions) == 0 {
		t.Errorf("ladder %d segments, %d timelines; %d transitions", len(res.Segments), len(res.Timelines), len(res.Transitions))
	}
	path := filepath.Join("testdata", "tiny-run3.trace")
	if *updateTraces {
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(text, want) {
		t.Errorf("trace of run 3 differs from %s (run with -update to accept):\n%s", path, text)
	}
}

func TestTraceErrors(t *testing.T) {
	e := tinyExperiment(t)
	for _, tc := range []struct {
		name string
		opts TraceOptions
		want string
	}{
		{"run", TraceOptions{Run: 99}, "run 99"},
		{"host", TraceOptions{Host: "nobody"}, `no host named "nobody"`},
		{"conn", TraceOptions{Ladder: true, Conn: 50}, "opened 6 connections, not 50"},
	} {
		_, err := Trace(context.Background(), e, tc.opts)
		if !errors.Is(err, ErrTrace) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Trace error %v, want an ErrTrace containing %q", tc.name, err, tc.want)
		}
	}
}

// An injection's name labels what it did in the text trace.
func TestInjectionNamedInTrace(t *testing.T) {
	text := `name: named
hosts: [{name: c}, {name: s}]
links: [{name: wire, between: [c, s], delay: 5ms}]
workloads:
  - {name: w, client: c, server: s:80, arrivals: {times: [0]}, connection: {close: client}}
injections:
  - {name: cut-synack, drop: {match: {flags: S., conn: 1}}}
  - {name: blink, link: {name: wire, down: 2s, up: 3s}}
`
	e, err := config.ParseChecked("named.yaml", []byte(text), sim.Check)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Trace(context.Background(), e, TraceOptions{Run: 0, Text: &out}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"injection cut-synack: dropped this segment", "injection blink: link wire/s->c down", "injection blink: link wire/s->c up"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the trace lacks %q:\n%s", want, out.String())
		}
	}
}
