//go:build tools

// This file pins the chosen dependencies in go.mod until the packages that use
// them land; it is never built.
package tools

import (
	_ "gonum.org/v1/gonum/graph/simple"
	_ "gonum.org/v1/gonum/stat/distuv"
	_ "gonum.org/v1/plot"
	_ "gopkg.in/yaml.v3"
)
