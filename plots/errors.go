package plots

import "errors"

// Errors returned by the figure and plotter constructors, wrapped with the
// place where the problem was found.
var (
	// ErrNoData reports an empty input: no series, no points, no samples.
	ErrNoData = errors.New("plots: no data")
	// ErrLength reports inputs whose lengths must agree but do not.
	ErrLength = errors.New("plots: mismatched lengths")
	// ErrNotFinite reports a NaN or infinite value where a number is needed.
	ErrNotFinite = errors.New("plots: NaN or infinite value")
	// ErrLogScale reports a value that is zero or negative on a log axis.
	ErrLogScale = errors.New("plots: non-positive value on a log axis")
	// ErrInvalid reports any other input that cannot be drawn, such as an
	// interval that does not contain its mean or an unknown endpoint name.
	ErrInvalid = errors.New("plots: invalid input")
	// ErrFormat reports an output format other than png, svg and pdf.
	ErrFormat = errors.New("plots: unsupported format")
)
