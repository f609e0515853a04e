package plots

import "image/color"

// RFC9293States are the eleven connection states of RFC 9293 §3.3.2, in the
// order of the specification, with its spellings.
var RFC9293States = []string{
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
}

// stateIndex returns the position of state in RFC9293States, or -1.
func stateIndex(state string) int {
	for i, s := range RFC9293States {
		if s == state {
			return i
		}
	}
	return -1
}

// stateFills are soft fills for the states, grouped by phase: greys before a
// connection exists, blues while opening, green when open, oranges for the
// active close, purples for the passive close. TIME-WAIT's own is a pale
// red, for when another state is in focus.
var stateFills = map[string]color.Color{
	"CLOSED":       color.RGBA{0xbd, 0xbd, 0xbd, 0xff},
	"LISTEN":       color.RGBA{0xd9, 0xd9, 0xd9, 0xff},
	"SYN-SENT":     color.RGBA{0x9e, 0xca, 0xe1, 0xff},
	"SYN-RECEIVED": color.RGBA{0x4f, 0x9b, 0xcf, 0xff},
	"ESTABLISHED":  color.RGBA{0xa1, 0xd9, 0x9b, 0xff},
	"FIN-WAIT-1":   color.RGBA{0xfd, 0xd0, 0xa2, 0xff},
	"FIN-WAIT-2":   color.RGBA{0xfd, 0xae, 0x6b, 0xff},
	"CLOSE-WAIT":   color.RGBA{0xda, 0xda, 0xeb, 0xff},
	"CLOSING":      color.RGBA{0xbc, 0xbd, 0xdc, 0xff},
	"LAST-ACK":     color.RGBA{0x9e, 0x9a, 0xc8, 0xff},
	"TIME-WAIT":    color.RGBA{0xfc, 0xbb, 0xa1, 0xff},
}

// stateLines are darker colours of the same families, for lines.
var stateLines = map[string]color.Color{
	"CLOSED":       color.RGBA{0x73, 0x73, 0x73, 0xff},
	"LISTEN":       color.RGBA{0x52, 0x52, 0x52, 0xff},
	"SYN-SENT":     color.RGBA{0x6b, 0xae, 0xd6, 0xff},
	"SYN-RECEIVED": colBlue,
	"ESTABLISHED":  colGreen,
	"FIN-WAIT-1":   colOrange,
	"FIN-WAIT-2":   color.RGBA{0xa6, 0x5d, 0x10, 0xff},
	"CLOSE-WAIT":   color.RGBA{0x9e, 0x9a, 0xc8, 0xff},
	"CLOSING":      colPurple,
	"LAST-ACK":     color.RGBA{0x6a, 0x51, 0xa3, 0xff},
	"TIME-WAIT":    color.RGBA{0xfb, 0x6a, 0x4a, 0xff},
}

// focusColor marks the state in focus (TIME-WAIT unless told otherwise).
var focusColor color.Color = colVermillion

// stateColor returns the fill (or, with line, the line colour) of a state,
// a grey for a state outside RFC 9293.
func stateColor(state string, line bool) color.Color {
	m := stateFills
	if line {
		m = stateLines
	}
	if c, ok := m[state]; ok {
		return c
	}
	return colGrey
}
