package plots

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

const (
	// goldenDPI keeps the golden images small; the figures are vector
	// drawings, so a lower resolution tests the same thing.
	goldenDPI = 150
	// pixelDelta is the largest per-channel difference (of 255) at which
	// two pixels still count as equal: anti-aliasing and font rasterising
	// may differ slightly between platforms.
	pixelDelta = 48
	// maxDiffFraction is the fraction of pixels that may differ by more
	// than pixelDelta.
	maxDiffFraction = 0.0005
)

// checkGolden renders fig as PNG and compares it with
// testdata/<name>_golden.png pixel by pixel, within the tolerance above. With
// -update it rewrites the golden image instead.
func checkGolden(t *testing.T, name string, fig *Figure) {
	t.Helper()
	fig.DPI = goldenDPI
	if strings.HasSuffix(name, "_slides") {
		fig.DPI = goldenDPI / 2 // slides are more than twice as large
	}
	var buf bytes.Buffer
	if err := fig.Encode(&buf, PNG); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	path := filepath.Join("testdata", name+"_golden.png")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plots -run %s -update to create it)", err, t.Name())
	}
	want, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	got, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("decoding the rendered image: %v", err)
	}
	n, total, msg := imageDiff(got, want)
	if msg == "" && float64(n) <= maxDiffFraction*float64(total) {
		return
	}
	out := filepath.Join(os.TempDir(), "tcpsim-plots-"+name+"_got.png")
	_ = os.WriteFile(out, buf.Bytes(), 0o644)
	if msg != "" {
		t.Fatalf("%s: %s; got image written to %s", path, msg, out)
	}
	t.Fatalf("%s: %d of %d pixels differ by more than %d; got image written to %s (rerun with -update if the change is intended)",
		path, n, total, pixelDelta, out)
}

// imageDiff counts the pixels of a and b whose channels differ by more than
// pixelDelta, or says why they cannot be compared.
func imageDiff(a, b image.Image) (n, total int, msg string) {
	if a.Bounds() != b.Bounds() {
		return 0, 0, "size " + a.Bounds().String() + ", want " + b.Bounds().String()
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if chanDiff(r1, r2) > pixelDelta || chanDiff(g1, g2) > pixelDelta ||
				chanDiff(b1, b2) > pixelDelta || chanDiff(a1, a2) > pixelDelta {
				n++
			}
		}
	}
	return n, r.Dx() * r.Dy(), ""
}

// chanDiff returns |a − b| of two 16-bit channels in 8-bit units.
func chanDiff(a, b uint32) uint32 {
	if a > b {
		return (a - b) >> 8
	}
	return (b - a) >> 8
}
