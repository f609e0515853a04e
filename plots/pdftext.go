package plots

import (
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas is gonum/plot's PDF canvas with its text re-encoded: the canvas
// embeds fonts with the Windows-1252 (WinAnsi) encoding but writes a Go
// string's UTF-8 bytes as they are, so "»" would print as "Â»". FillString
// converts the text to Windows-1252 first; a character outside it prints as
// "?".
type pdfCanvas struct {
	*vgpdf.Canvas
}

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, toWindows1252(s))
}

// cp1252High maps the Unicode characters that Windows-1252 puts at
// 0x80–0x9F to their bytes; 0x00–0x7F and 0xA0–0xFF equal U+0000–U+00FF.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

// toWindows1252 returns s encoded in Windows-1252, as a string of bytes.
func toWindows1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xa0 && r <= 0xff):
			b.WriteByte(byte(r))
		case cp1252High[r] != 0:
			b.WriteByte(cp1252High[r])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
