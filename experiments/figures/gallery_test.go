package figures

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"tcpsim/experiments"
	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/tracing"
	"tcpsim/plots"
)

// The figure gallery, docs/figures.md: every plot of the catalog with the
// YAML that asks for it, drawn from the catalog experiment as it stands.
// TestGallery checks that the page is what the catalog says (fast: no
// simulation); with -update it runs the catalog experiments, draws their
// figures into docs/figures/ (and the README's into docs/) and rewrites
// the page.

const (
	galleryDoc = "../../docs/figures.md"
	galleryDir = "../../docs/figures"
	// galleryDPI keeps the committed images small; the figures are
	// vector drawings and print from SVG or PDF.
	galleryDPI = 150
)

// readmeFigures are the gallery figures the README shows, and where.
var readmeFigures = map[string]string{
	"old-duplicate-syn/ghosts-vs-handshake":      "../../docs/ghosts-vs-handshake.png",
	"handshake-under-loss/handshake-vs-loss":     "../../docs/handshake-vs-loss.png",
	"old-duplicate-syn/ladder-old-duplicate-syn": "../../docs/ladder-old-duplicate-syn.png",
}

// galleryPlot is one catalog plot and its YAML as the catalog writes it.
type galleryPlot struct {
	file string // catalog file stem
	exp  *config.Experiment
	plot config.Plot
	yaml string
}

// image is the plot's file under docs/figures.
func (g galleryPlot) image() string { return g.file + "-" + g.plot.Name + ".png" }

// catalogPlots returns every plot of every catalog experiment, in file
// and plot order.
func catalogPlots(t *testing.T) []galleryPlot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "catalog", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []galleryPlot
	for _, f := range files {
		e, err := config.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		items := plotItems(string(raw))
		if len(items) != len(e.Plots) {
			t.Fatalf("%s: %d plots, but %d items under plots:", f, len(e.Plots), len(items))
		}
		stem := strings.TrimSuffix(filepath.Base(f), ".yaml")
		for i, p := range e.Plots {
			out = append(out, galleryPlot{file: stem, exp: e, plot: p, yaml: items[i]})
		}
	}
	return out
}

// plotItems splits the plots: section of a catalog file (a top-level key,
// its items indented by two spaces) into the text of each item.
func plotItems(src string) []string {
	var items []string
	in := false
	for _, line := range strings.Split(src, "\n") {
		switch {
		case line == "plots:":
			in = true
		case !in:
		case line != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#"):
			in = false
		case strings.HasPrefix(line, "  - "):
			items = append(items, line[2:]+"\n")
		case strings.HasPrefix(line, "    ") && len(items) > 0:
			items[len(items)-1] += line[2:] + "\n"
		}
	}
	return items
}

// galleryMarkdown is docs/figures.md for the catalog plots.
func galleryMarkdown(ps []galleryPlot) string {
	var b strings.Builder
	b.WriteString(`# Figure gallery

Every figure the experiment catalog (experiments/catalog/*.yaml) draws, with the
plots: entry that asks for it, in the paper style (one column, 8–9 pt text; ` + "`style: slides`" + `
for talks). Axis labels and units come from the metric table and the swept parameter's
meaning; error bars of counts and durations are 95 % intervals on the log scale, so
they never go below zero; ladder labels are placed so that none hides another or a
state name. To make one: ` + "`tcpsim run experiments/catalog/FILE.yaml && tcpsim plot results/NAME`" + `.

This page is generated: ` + "`go test ./experiments/figures -run TestGallery`" + ` fails when it and the catalog
disagree, and ` + "`go test ./experiments/figures -run TestGallery -update`" + ` runs the catalog and redraws it.
`)
	last := ""
	for _, p := range ps {
		if p.file != last {
			fmt.Fprintf(&b, "\n## %s\n", p.file)
			last = p.file
		}
		// The marker makes cmd/tcpsim's TestDocExamples validate the block
		// over its catalog file.
		fmt.Fprintf(&b, "\n### %s\n\n![%s, %s](figures/%s)\n\n<!-- fragment of experiments/catalog/%s.yaml -->\n```yaml\nplots:\n  %s```\n",
			p.plot.Name, p.file, p.plot.Name, p.image(), p.file, strings.ReplaceAll(strings.TrimSuffix(p.yaml, "\n"), "\n", "\n  ")+"\n")
	}
	return b.String()
}

// TestGallery checks docs/figures.md against the catalog, and that every
// figure it shows exists; with -update it redraws them (see above).
func TestGallery(t *testing.T) {
	ps := catalogPlots(t)
	want := galleryMarkdown(ps)
	if *update {
		drawGallery(t, ps)
		if err := os.WriteFile(galleryDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(galleryDoc)
	if err != nil {
		t.Fatalf("%v (go test ./experiments/figures -run TestGallery -update makes it)", err)
	}
	if string(got) != want {
		t.Errorf("%s is not what the catalog says: run go test ./experiments/figures -run TestGallery -update", galleryDoc)
	}
	for _, p := range ps {
		if _, err := os.Stat(filepath.Join(galleryDir, p.image())); err != nil {
			t.Errorf("%s: %v", p.image(), err)
		}
	}
}

// TestCatalogLaddersDoNotOverlap draws every ladder of the catalog, in
// both styles, and checks that no label hides another or a state name.
func TestCatalogLaddersDoNotOverlap(t *testing.T) {
	for _, p := range catalogPlots(t) {
		if p.plot.Kind != "ladder" {
			continue
		}
		t.Run(p.file+"/"+p.plot.Name, func(t *testing.T) {
			res, err := tracing.Trace(context.Background(), p.exp, tracing.TraceOptions{Run: int(p.plot.Run), Ladder: true, Conn: int(p.plot.Conn)})
			if err != nil {
				t.Fatal(err)
			}
			for _, th := range []plots.Theme{plots.PaperTheme, plots.SlidesTheme} {
				fig, err := res.LadderFigureWith(plots.LadderOptions{Title: p.plot.Title, Theme: th})
				if err != nil {
					t.Fatal(err)
				}
				if err := fig.CheckLabels(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// drawGallery runs each catalog experiment that has plots and draws them
// into docs/figures, and the README's into docs.
func drawGallery(t *testing.T, ps []galleryPlot) {
	if err := os.MkdirAll(galleryDir, 0o755); err != nil {
		t.Fatal(err)
	}
	done := map[string]string{} // catalog file → result directory
	for _, p := range ps {
		dir, ok := done[p.file]
		if !ok {
			dir = t.TempDir()
			out, err := experiments.Run(context.Background(), p.exp, experiments.Options{Dir: dir, Workers: 2})
			if err != nil || !out.Complete {
				t.Fatalf("%s: %v (complete: %v)", p.file, err, out != nil && out.Complete)
			}
			done[p.file] = dir
		}
		d, err := loadResults(dir)
		if err != nil {
			t.Fatal(err)
		}
		fig, err := d.figure(p.plot)
		if err != nil {
			t.Fatalf("%s/%s: %v", p.file, p.plot.Name, err)
		}
		fig.DPI = galleryDPI
		paths := []string{filepath.Join(galleryDir, p.image())}
		if r, ok := readmeFigures[p.file+"/"+p.plot.Name]; ok {
			paths = append(paths, r)
		}
		for _, path := range paths {
			if err := results.SaveFigure(fig, path); err != nil {
				t.Fatal(err)
			}
		}
	}
}
