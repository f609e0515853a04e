// Package plots draws tcpsim's figures with gonum/plot: the pictures a paper
// about TCP connection management needs, from plain Go values that the
// experiments layer fills from its result tables.
//
// Each figure is a function from documented input types to a *Figure:
//
//   - Sweep: a metric against a swept parameter, one line per series, the
//     mean with its 95 % confidence interval as error bars or a band, and
//     optional analytic curves such as HandshakeModel's expected
//     connection-establishment time or ErlangB's blocking probability
//     (summary.csv);
//   - CDF: empirical distribution functions of samples, several series
//     (connections.csv: handshake latency, time spent in a state);
//   - StateOccupancy: connections in each TCP state over time, TIME-WAIT in
//     focus, optionally per end (client, server) (timeseries.csv);
//     StateOccupancyPanels draws several, one per sweep point, as small
//     multiples;
//   - Heat: a heat map of a metric over a two-parameter sweep (summary.csv);
//   - TransitionCoverage: the from-state × to-state matrix of the FSM
//     transitions a run made, legal ones outlined, illegal ones in red;
//   - LadderDiagram: the sequence diagram of one connection or a time window,
//     one arrow per segment (a trace).
//
// A Figure saves itself as PNG (300 dpi), SVG or PDF, chosen by the file's
// extension (Figure.Save) or a format name (Figure.Encode). Its style is a
// Theme: PaperTheme (one column, 3.5 in wide, 8–9 pt text, dash patterns as
// well as colours for grey print; the default) or SlidesTheme (8 in × 4.5
// in, large text). Fonts are gonum/plot's Liberation fonts, compiled into
// the binary and embedded in every SVG and PDF, so a figure looks the same
// on any machine.
//
// Axes say what they measure (Unit): a linear axis scales its numbers to
// the unit and names it in the label ("Mean connect time (ms)"), a log or
// nominal axis prints the unit in each tick ("100 ms", "1 %"), counts are
// integers. Heat-map names turn and thin out until they fit their cells,
// and ladder labels are placed, and the ladder sized, so that no label
// hides another or a state name; Figure.CheckLabels checks it.
//
// gonum/plot v0.17's PDF backend embeds fonts with the Windows-1252
// encoding; Figure re-encodes text to match, so PDF labels may use any
// Windows-1252 character ("»", "µs", "×") and others print as "?". The same
// backend cannot select an embedded bold or italic face, so every figure
// here sets its text in one weight and style.
//
// The figures are built from small plotters, one per file, that follow
// gonum/plot's conventions (a tiny data interface, styles as embedded
// structs, a constructor that validates and returns an error) and can be
// used on their own: Band, ECDF, StackedArea, FuncLine, TransitionMatrix and
// Ladder.
//
// Package plots owns the drawing and nothing else: it reads no files and
// imports no other tcpsim package. Parsing the result tables, choosing which
// figures to draw and naming the files belong to experiments/figures and
// cmd/tcpsim. Legality of state transitions is an input (experiments/figures
// passes endpoint.Legal, the one table of them), so plots does not depend on
// endpoint.
package plots
