package experiments

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/tracing"
)

// record.trace writes, for each listed run, the capture host's text trace
// (cut at limit lines), a pcap and a ladder per listed connection, and
// record.occupancy.states limits timeseries.csv's columns to those states.
func TestRecordTraceAndOccupancyStates(t *testing.T) {
	text := `name: recorded
hosts: [{name: c}, {name: s}]
links: [{between: [c, s], delay: 5ms}]
workloads:
  - {name: w, client: c, server: s:80, arrivals: {interval: 100ms}, count: 3, connection: {send: 100, close: client}}
replications: 2
record:
  trace: {runs: [1], conns: [1, 2], pcap: true, ladder: true, limit: 12}
  occupancy: {interval: 50ms, states: [TIME-WAIT, ESTABLISHED]}
`
	e, err := config.ParseChecked("recorded.yaml", []byte(text), sim.Check)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Run(context.Background(), e, Options{Dir: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := filepath.Glob(filepath.Join(dir, tracesDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"run-1-conn-1.png", "run-1-conn-2.png", "run-1.pcap", "run-1.txt"}
	var names []string
	for _, g := range got {
		names = append(names, filepath.Base(g))
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("traces/ holds %v, want %v", names, want)
	}
	tr, _ := os.ReadFile(filepath.Join(dir, tracesDir, "run-1.txt"))
	lines := strings.Split(strings.TrimSuffix(string(tr), "\n"), "\n")
	if len(lines) != 13 || !strings.HasPrefix(lines[12], "… cut here") {
		t.Errorf("run-1.txt has %d lines ending %q, want 12 and the cut notice", len(lines), lines[len(lines)-1])
	}
	// The same run traced by hand gives the same first lines.
	var full bytes.Buffer
	if _, err := tracing.Trace(context.Background(), e, tracing.TraceOptions{Run: 1, Text: &full}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(full.String(), strings.Join(lines[:12], "\n")) {
		t.Errorf("run-1.txt is not the start of run 1's trace:\n%s\nwant the start of\n%s", tr, full.String())
	}
	pcap, _ := os.ReadFile(filepath.Join(dir, tracesDir, "run-1.pcap"))
	if len(pcap) < 24+16 || !bytes.Equal(pcap[:4], []byte{0xd4, 0xc3, 0xb2, 0xa1}) && !bytes.Equal(pcap[:4], []byte{0x4d, 0x3c, 0xb2, 0xa1}) {
		t.Errorf("run-1.pcap (%d bytes) does not start like a pcap file", len(pcap))
	}
	ts, _ := os.ReadFile(filepath.Join(dir, "timeseries.csv"))
	if head, _, _ := strings.Cut(string(ts), "\n"); head != "point,replication,time_s,established,time_wait" {
		t.Errorf("timeseries.csv header %q, want the two states asked for", head)
	}
}
