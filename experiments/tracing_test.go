package experiments

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tcpsim/experiments/config"
)

var updateTraces = flag.Bool("update", false, "rewrite golden traces under trace/testdata")

// tinyYAML is a small sweep with loss (so SYNs are retransmitted), both
// record outputs, and one plot of every kind.
const tinyYAML = `
name: tiny
seed: 3
replications: 2
hosts:
  - name: client
  - name: server
links:
  - between: [client, server]
    delay: 5ms
    loss: 5%
workloads:
  - name: web
    client: client
    server: server:80
    arrivals: {interval: 50ms}
    count: 6
    connection: {send: 1KiB, receive: 1KiB, close: client}
record:
  connections: true
  occupancy: {interval: 50ms}
sweep:
  grid:
    links[0].loss: [2%, 20%]
    links[0].delay: [5ms, 20ms]
plots:
  - name: hs
    kind: metric
    metric: handshake_mean_s
    x: links[0].loss
    series: links[0].delay
  - {name: hs-delay, kind: metric, metric: syn_retransmits, x: 'links[0].delay', log_x: true, format: svg}
  - {name: hs-cdf, kind: cdf, metric: handshake_mean_s, style: slides}
  - {name: syn-cdf, kind: cdf, metric: syn_retransmits, format: svg, label: SYNs sent again, y_label: Share of runs}
  - {name: occ, kind: occupancy, run: 1}
  - name: heat
    kind: heatmap
    metric: segments_sent
    x: links[0].loss
    y: links[0].delay
  - name: fsm
    kind: coverage
  - {name: ladder, kind: ladder, run: 2, conn: 2, format: pdf}
`

func tinyExperiment(t *testing.T) *config.Experiment {
	t.Helper()
	e, err := config.Parse("tiny.yaml", []byte(tinyYAML))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRunJobIsPointMajor(t *testing.T) {
	e := tinyExperiment(t)
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {1, 0, 1}, {2, 1, 0}, {7, 3, 1}} {
		j, err := RunJob(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep || j.Index != tc.k {
			t.Errorf("RunJob(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := RunJob(e, 8); err == nil {
		t.Error("RunJob(8) of 8 runs: no error")
	}
}

// TestTraceGolden traces a run of the tiny experiment and compares the
// text with trace/testdata/tiny-run3.trace; a second trace must be
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
	path := filepath.Join("trace", "testdata", "tiny-run3.trace")
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
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Trace error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestDrawPlots runs the tiny experiment, traces run 0 into its
// transitions.csv, and draws every plot from the result directory.
func TestDrawPlots(t *testing.T) {
	e := tinyExperiment(t)
	dir := t.TempDir()
	if _, err := Run(context.Background(), e, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	_, err := DrawPlots(dir, "")
	if err == nil || !strings.Contains(err.Error(), "tcpsim trace") {
		t.Fatalf("DrawPlots without transitions.csv: %v, want advice to run tcpsim trace", err)
	}
	res, err := Trace(context.Background(), e, TraceOptions{Run: 0})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "transitions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTransitions(f, res.Transitions); err != nil {
		t.Fatal(err)
	}
	f.Close()
	files, err := DrawPlots(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v, size 0", f, err)
		}
		names = append(names, filepath.Base(f))
	}
	want := []string{"hs.png", "hs-delay.svg", "hs-cdf.png", "syn-cdf.svg", "occ.png", "heat.png", "fsm.png", "ladder.pdf"}
	if !slices.Equal(names, want) {
		t.Errorf("DrawPlots wrote %v, want %v", names, want)
	}
	// A log axis of durations says "10 ms", not 10000000ns or 0.01; the
	// metric is named by the metric table.
	if svg, err := os.ReadFile(filepath.Join(dir, "plots", "hs-delay.svg")); err != nil ||
		!strings.Contains(string(svg), ">10\u00a0ms<") || !strings.Contains(string(svg), ">SYN retransmissions per run<") ||
		!strings.Contains(string(svg), ">One-way delay<") {
		t.Errorf("hs-delay.svg lacks the tick 10 ms or its axis labels (%v)", err)
	}
	// style: slides draws 8 in × 4.5 in; label and y_label name the axes.
	if img, err := os.Open(filepath.Join(dir, "plots", "hs-cdf.png")); err != nil {
		t.Error(err)
	} else {
		cfg, err := png.DecodeConfig(img)
		img.Close()
		if err != nil || cfg.Width != 2400 || cfg.Height != 1350 {
			t.Errorf("hs-cdf.png (style: slides) is %d×%d, %v; want 2400×1350", cfg.Width, cfg.Height, err)
		}
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "plots", "syn-cdf.svg")); err != nil ||
		!strings.Contains(string(svg), ">SYNs sent again<") || !strings.Contains(string(svg), ">Share of runs<") {
		t.Errorf("syn-cdf.svg lacks the YAML's label and y_label (%v)", err)
	}
	if files, err := DrawPlots(dir, "svg"); err != nil || len(files) != len(want) || filepath.Ext(files[0]) != ".svg" {
		t.Errorf("DrawPlots(svg) = %v, %v", files, err)
	}
	if _, err := DrawPlots(dir, "gif"); err == nil {
		t.Error("DrawPlots(gif): no error")
	}
}

func TestTransitionsRoundTrip(t *testing.T) {
	res, err := Trace(context.Background(), tinyExperiment(t), TraceOptions{Run: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTransitions(&b, res.Transitions); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTransitions(&b)
	if err != nil || !slices.Equal(got, res.Transitions) {
		t.Errorf("ReadTransitions = %v, %v; want %v", got, err, res.Transitions)
	}
	for _, bad := range []string{"", "a,b,c\n", "from_state,to_state,count\nLISTEN,NOPE,1\n", "from_state,to_state,count\nLISTEN,CLOSED,-1\n"} {
		if _, err := ReadTransitions(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadTransitions(%q): no error", bad)
		}
	}
}

// With adaptive replication a point has Max run indices, as in the sweep
// package: run (p, r) is p·Max + r.
func TestRunJobAdaptive(t *testing.T) {
	e := tinyExperiment(t)
	e.Replications = config.Replications{Min: 2, Max: 5, Until: &config.Until{Metric: "handshake_mean_s", CIHalfWidthRel: 0.1}}
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {4, 0, 4}, {5, 1, 0}, {19, 3, 4}} {
		j, err := RunJob(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep {
			t.Errorf("RunJob(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := RunJob(e, 20); err == nil {
		t.Error("RunJob(20) of 4 points × at most 5 replications: no error")
	}
}
