package experiments

import (
	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

// Load reads an experiment file and checks every sweep point against the
// model packages' own rules (sim.Check), so that a file Load accepts builds and
// runs at every point. validate and run both load through it.
func Load(path string, sets ...string) (*config.Experiment, error) {
	return config.LoadChecked(path, sim.Check, sets...)
}
