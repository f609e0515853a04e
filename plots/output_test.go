package plots

import (
	"bytes"
	"compress/zlib"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"png", PNG, true}, {".PNG", PNG, true}, {"svg", SVG, true}, {".pdf", PDF, true},
		{"", "", false}, {"eps", "", false}, {"jpg", "", false},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("ParseFormat(%q) error %v is not ErrFormat", tt.in, err)
		}
	}
}

// TestEncodeFormats checks each format's output: a PNG at 300 dpi of the
// figure's size, and SVG and PDF files that embed the fonts they use.
func TestEncodeFormats(t *testing.T) {
	fig, err := Sweep(sweepFixture(), SweepOptions{Title: "t", XLabel: "x", YLabel: "y"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format Format
		check  func(t *testing.T, out []byte)
	}{
		{PNG, func(t *testing.T, out []byte) {
			img, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			// 3.5 in × 2.4 in at 300 dpi.
			if b := img.Bounds(); b.Dx() != 1050 || b.Dy() != 720 {
				t.Errorf("PNG is %v, want 1050×720 (OneColumn at 300 dpi)", b)
			}
		}},
		{SVG, func(t *testing.T, out []byte) {
			for _, want := range []string{"<svg", "@font-face", "font/ttf;charset=utf-8;base64,", `font-family:"Liberation Serif"`} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("SVG lacks %q", want)
				}
			}
			if !bytes.Contains(out, []byte(`width="252pt" height="172.8pt"`)) {
				t.Errorf("SVG size is not 3.5 in × 2.4 in: %.200s", out)
			}
		}},
		{PDF, func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %.20q", out)
			}
			for _, want := range []string{"/FontFile2", "/MediaBox [0 0 252.00 172.80]"} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("PDF lacks %q", want)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := fig.Encode(&buf, tt.format); err != nil {
				t.Fatal(err)
			}
			tt.check(t, buf.Bytes())
		})
	}
	if err := fig.Encode(new(bytes.Buffer), "eps"); !errors.Is(err, ErrFormat) {
		t.Errorf("Encode(eps) error = %v, want ErrFormat", err)
	}
}

func TestSaveByExtension(t *testing.T) {
	fig, err := CDF(cdfFixture(), CDFOptions{XLabel: "x"})
	if err != nil {
		t.Fatal(err)
	}
	fig.DPI = 72
	dir := t.TempDir()
	magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF"}
	for ext, want := range magic {
		path := filepath.Join(dir, "fig."+strings.ToUpper(ext))
		if err := fig.Save(path); err != nil {
			t.Fatalf("Save(%s): %v", path, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(got, []byte(want)) {
			t.Errorf("Save(%s) wrote %.8q, want a file starting %q", path, got, want)
		}
	}
	if err := fig.Save(filepath.Join(dir, "fig.gif")); !errors.Is(err, ErrFormat) {
		t.Errorf("Save(fig.gif) error = %v, want ErrFormat", err)
	}
}

// TestAllFiguresAllFormats draws every golden figure, in both styles, in
// every format: no figure may fail or panic in a vector backend that the
// PNG test misses, and every SVG and PDF embeds its fonts.
func TestAllFiguresAllFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: embeds fonts in every SVG and PDF")
	}
	// Each format embeds the fonts it uses: SVG as @font-face data, PDF
	// as TrueType font files.
	embedded := map[Format][]string{SVG: {"@font-face", "font/ttf;charset=utf-8;base64,"}, PDF: {"/FontFile2"}}
	for name, fig := range goldenFigures(t) {
		for _, f := range []Format{SVG, PDF} {
			var buf bytes.Buffer
			if err := fig.Encode(&buf, f); err != nil {
				t.Errorf("%s as %s: %v", name, f, err)
			}
			if buf.Len() < 1000 {
				t.Errorf("%s as %s: only %d bytes", name, f, buf.Len())
			}
			for _, want := range embedded[f] {
				if !bytes.Contains(buf.Bytes(), []byte(want)) {
					t.Errorf("%s as %s: no %q: fonts not embedded", name, f, want)
				}
			}
		}
	}
}

func TestToWindows1252(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SYN seq=100", "SYN seq=100"},
		{"CLOSED » SYN-SENT", "CLOSED \xbb SYN-SENT"},
		{"10 µs – 20 µs", "10 \xb5s \x96 20 \xb5s"},
		{"a → b", "a ? b"},
	}
	for _, tt := range tests {
		if got := toWindows1252(tt.in); got != tt.want {
			t.Errorf("toWindows1252(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPDFTextEncoding checks that a non-ASCII title reaches the PDF as its
// Windows-1252 byte, the encoding of the embedded font, not as UTF-8.
func TestPDFTextEncoding(t *testing.T) {
	fig, err := CDF(cdfFixture(), CDFOptions{Title: "Q » R"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fig.Encode(&buf, PDF); err != nil {
		t.Fatal(err)
	}
	text := pdfStreams(t, buf.Bytes())
	if !bytes.Contains(text, []byte("Q \xbb R")) {
		t.Errorf("PDF content lacks the Windows-1252 title")
	}
	if bytes.Contains(text, []byte("Q \xc2\xbb R")) {
		t.Errorf("PDF content holds UTF-8 bytes")
	}
}

// pdfStreams returns the PDF's content streams, inflated where compressed.
func pdfStreams(t *testing.T, pdf []byte) []byte {
	t.Helper()
	var out []byte
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		body := rest[:j]
		rest = rest[j:]
		if r, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			if b, err := io.ReadAll(r); err == nil {
				body = b
			}
		}
		out = append(out, body...)
	}
	return out
}

// TestEncodeTwice checks that drawing leaves the figure as it was: the same
// bytes the second time, the title still set.
func TestEncodeTwice(t *testing.T) {
	fig, err := Sweep(sweepFixture(), SweepOptions{Title: "title"})
	if err != nil {
		t.Fatal(err)
	}
	fig.DPI = 50
	var a, b bytes.Buffer
	if err := fig.Encode(&a, PNG); err != nil {
		t.Fatal(err)
	}
	if err := fig.Encode(&b, PNG); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || fig.Plot.Title.Text != "title" {
		t.Errorf("second encoding differs or title lost (%q)", fig.Plot.Title.Text)
	}
}
