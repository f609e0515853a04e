package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParseFull parses the full example (6 sweep points).
func BenchmarkParseFull(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testdata, "good", "full.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("full.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepExpansion expands a 1000-point sweep.
func BenchmarkSweepExpansion(b *testing.B) {
	vals := "[" + strings.TrimSuffix(strings.Repeat("1ms, ", 10), ", ") + "]"
	src := []byte(sweepBase + "sweep:\n  grid:\n    links[0].delay: " + vals + "\n    links[0].jitter: " + vals +
		"\n  ranges:\n    links[0].loss: {from: 0, to: 10%, steps: 10}\n")
	b.ReportAllocs()
	for b.Loop() {
		e, err := Parse("sweep.yaml", src)
		if err != nil || len(e.Points()) != 1000 {
			b.Fatal(err)
		}
	}
}
