package plots

import (
	"fmt"
	"math"
)

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkFinite returns an ErrNotFinite error naming what if v is NaN or
// infinite.
func checkFinite(v float64, what string, args ...any) error {
	if finite(v) {
		return nil
	}
	return fmt.Errorf("%w: %s = %v", ErrNotFinite, fmt.Sprintf(what, args...), v)
}

// checkPositive returns an ErrLogScale error naming what if v <= 0.
func checkPositive(v float64, what string, args ...any) error {
	if v > 0 {
		return nil
	}
	return fmt.Errorf("%w: %s = %v", ErrLogScale, fmt.Sprintf(what, args...), v)
}
