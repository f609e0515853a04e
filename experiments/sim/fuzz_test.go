package sim

import (
	"os"
	"path/filepath"
	"testing"

	"tcpsim/engine"
	"tcpsim/experiments/config"
)

// The builder's fuzz target of issue 16's audit, seeded with the catalog:
// an experiment that validates builds (validate passing means run cannot
// fail on configuration). The simulator's is package experiments'
// FuzzSimulate, which needs its memory estimate. .ci/run runs each for a
// few seconds.

func addCatalog(f *testing.F) {
	files, err := filepath.Glob("../catalog/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no catalog files: %v", err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// parseSmall parses data and returns the experiment if it is valid and
// small enough to build and run in a fuzz iteration.
func parseSmall(data []byte) *config.Experiment {
	if len(data) > 64<<10 {
		return nil
	}
	e, err := config.Parse("fuzz.yaml", data)
	if err != nil || len(e.Points()) > 8 || len(e.Hosts) > 200 {
		return nil
	}
	return e
}

// FuzzBuild decodes arbitrary bytes and builds every point's network of
// what validates: building must not fail (or panic) on what validate
// accepted.
func FuzzBuild(f *testing.F) {
	addCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e := parseSmall(data)
		if e == nil {
			return
		}
		for _, p := range e.Points() {
			sim := engine.New()
			if _, err := buildNetwork(sim, engine.NewStreams(e.Seed, 0), p.Exp); err != nil {
				t.Fatalf("point %d validates but does not build: %v", p.Index, err)
			}
		}
	})
}
