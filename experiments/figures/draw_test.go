package figures

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

	"tcpsim/experiments"
	"tcpsim/experiments/config"
	"tcpsim/experiments/tracing"
)

var update = flag.Bool("update", false, "run the catalog and redraw docs/figures.md and its images")

// tinyExperiment is experiments/testdata/tiny.yaml, the tiny experiment of
// package experiments' and tracing's tests: a small sweep with loss, both record
// outputs, and one plot of every kind.
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

// TestDrawPlots runs the tiny experiment, traces run 0 into its
// transitions.csv, and draws every plot from the result directory.
func TestDrawPlots(t *testing.T) {
	e := tinyExperiment(t)
	dir := t.TempDir()
	if _, err := experiments.Run(context.Background(), e, experiments.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	_, err := DrawPlots(dir, "")
	if err == nil || !strings.Contains(err.Error(), "tcpsim trace") {
		t.Fatalf("DrawPlots without transitions.csv: %v, want advice to run tcpsim trace", err)
	}
	res, err := tracing.Trace(context.Background(), e, tracing.TraceOptions{Run: 0})
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
	res, err := tracing.Trace(context.Background(), tinyExperiment(t), tracing.TraceOptions{Run: 1})
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
