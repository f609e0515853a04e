package experiments

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
)

var updateTraces = flag.Bool("update", false, "rewrite golden traces under trace/testdata")

// tinyExperiment is testdata/tiny.yaml: a small sweep with loss (so SYNs
// are retransmitted), both record outputs, and one plot of every kind.
func tinyExperiment(t *testing.T) *config.Experiment {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "tiny.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := config.Parse("tiny.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRunJobIsPointMajor(t *testing.T) {
	e := tinyExperiment(t)
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {1, 0, 1}, {2, 1, 0}, {7, 3, 1}} {
		j, err := runJob(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep || j.Index != tc.k {
			t.Errorf("runJob(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := runJob(e, 8); err == nil {
		t.Error("runJob(8) of 8 runs: no error")
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

// With adaptive replication a point has Max run indices, as in the sweep
// package: run (p, r) is p·Max + r.
func TestRunJobAdaptive(t *testing.T) {
	e := tinyExperiment(t)
	e.Replications = config.Replications{Min: 2, Max: 5, Until: &config.Until{Metric: "handshake_mean_s", CIHalfWidthRel: 0.1}}
	for _, tc := range []struct{ k, point, rep int }{{0, 0, 0}, {4, 0, 4}, {5, 1, 0}, {19, 3, 4}} {
		j, err := runJob(e, tc.k)
		if err != nil || j.Point != tc.point || j.Replication != tc.rep {
			t.Errorf("runJob(%d) = point %d, replication %d, %v; want %d, %d", tc.k, j.Point, j.Replication, err, tc.point, tc.rep)
		}
	}
	if _, err := runJob(e, 20); err == nil {
		t.Error("runJob(20) of 4 points × at most 5 replications: no error")
	}
}
