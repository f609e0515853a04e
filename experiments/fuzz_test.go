package experiments

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// The fuzz targets of issue 16's audit, seeded with the catalog: whatever
// the bytes, decoding never panics; an experiment that validates builds
// (validate passing means run cannot fail on configuration); and a short
// simulation of it, capped in events and estimated memory, never panics.
// .ci/run runs each for a few seconds.

// fuzzMaxMemory bounds the estimated memory of a fuzzed experiment that is
// simulated: bigger ones are validate's to refuse (TestResourceGuards).
const fuzzMaxMemory = 256 << 20

// fuzzEvents caps each fuzzed simulation.
const fuzzEvents = 20000

func addCatalog(f *testing.F) {
	files, err := filepath.Glob("catalog/*.yaml")
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

// FuzzSimulate runs the first point of what validates, capped at
// fuzzEvents events: no input may crash a run or break its metric table.
func FuzzSimulate(f *testing.F) {
	addCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e := parseSmall(data)
		if e == nil || EstimateCost(e, 1, 1).Memory > fuzzMaxMemory {
			return
		}
		p := e.Points()[0]
		p.Exp.Stop.Events = fuzzEvents
		j := sweep.Job{Point: 0, Replication: 0, Seed: e.Seed, Params: nil}
		vals, err := simulate(context.Background(), p.Exp, j, t.TempDir(), nil)
		if err != nil {
			// An error (a runaway storm, say) is a message; the target
			// looks for panics and broken invariants.
			t.Logf("simulate: %v", err)
			return
		}
		if len(vals) != len(MetricColumns) {
			t.Fatalf("simulate returned %d values, want %d", len(vals), len(MetricColumns))
		}
	})
}
