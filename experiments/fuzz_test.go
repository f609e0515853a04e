package experiments

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/sweep"
)

// The simulator's fuzz target of issue 16's audit, seeded with the
// catalog: a short simulation of what validates, capped in events and
// estimated memory, never panics (the builder's is package sim's
// FuzzBuild). .ci/run runs it for a few seconds.

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
		res, err := sim.Run(context.Background(), p.Exp, j, sim.Options{})
		if err != nil {
			// An error (a runaway storm, say) is a message; the target
			// looks for panics and broken invariants.
			t.Logf("sim.Run: %v", err)
			return
		}
		if len(res.Values) != len(metricColumns) {
			t.Fatalf("sim.Run returned %d values, want %d", len(res.Values), len(metricColumns))
		}
	})
}
