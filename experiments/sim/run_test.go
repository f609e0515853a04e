package sim

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sweep"
)

// runAll runs every run of e in sweep order, as tcpsim run does with one
// worker, and returns the first error.
func runAll(e *config.Experiment) error {
	crn := e.Sweep == nil || e.Sweep.CommonRandomNumbers
	for _, p := range e.Points() {
		for r := range e.Replications.Min {
			j := sweep.Job{Point: p.Index, Replication: r, Seed: sweep.Seed(e.Seed, p.Index, crn)}
			if _, err := Run(context.Background(), p.Exp, j, Options{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Without ACK throttling, weak ISNs and a duplicating link desynchronize
// connections into ACK loops that duplication multiplies: the run stops with
// a message that names the cause instead of exhausting memory. With the
// default throttle the same sweep stays small.
func TestRunawayStormStops(t *testing.T) {
	defer func(n int) { maxPending = n }(maxPending)
	maxPending = 1 << 12 // a normal run of this sweep keeps a few dozen pending
	for _, tc := range []struct {
		sets  []string
		storm bool
	}{
		{[]string{"hosts[0].tcp.oow_ack_interval=0", "hosts[1].tcp.oow_ack_interval=0"}, true},
		{nil, false},
	} {
		sets := append([]string{"hosts[0].tcp.rfc1337=false"}, tc.sets...)
		e, err := config.Load(filepath.Join("..", "catalog", "time-wait-length.yaml"), sets...)
		if err != nil {
			t.Fatal(err)
		}
		err = runAll(e)
		if got := err != nil && strings.Contains(err.Error(), "runaway segment storm") && strings.Contains(err.Error(), "oow_ack_interval"); got != tc.storm {
			t.Errorf("%v: Run = %v, want the runaway-storm error: %v", sets, err, tc.storm)
		}
	}
}
