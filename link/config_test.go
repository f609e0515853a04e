package link

import (
	"errors"
	"strings"
	"testing"
	"time"

	"tcpsim/engine"
)

func TestZeroConfigIsValid(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("Config{}.Validate() = %v, want nil", err)
	}
	if err := richConfig().Validate(); err != nil {
		t.Errorf("richConfig().Validate() = %v, want nil", err)
	}
}

// TestValidate: each row is a configuration and the fields Validate must
// name, in order; every problem is reported, not just the first.
func TestValidate(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"negative limits and rate", Config{QueuePackets: -1, QueueBytes: -2, Rate: -3},
			[]string{"QueuePackets", "QueueBytes", "Rate"}},
		{"limit without rate", Config{QueuePackets: 10}, []string{"Rate"}},
		{"overhead without rate", Config{Overhead: 38}, []string{"Overhead"}},
		{"absurd rate", Config{Rate: 1e18}, []string{"Rate"}},
		{"negative delay", Config{Delay: -ms}, []string{"Delay"}},
		{"unknown distribution", Config{Jitter: Dist{Kind: "gamma"}}, []string{"Jitter.Kind"}},
		{"parameter without kind", Config{Jitter: Dist{StdDev: ms}}, []string{"Jitter.StdDev"}},
		{"wrong parameter for kind", Config{Jitter: Dist{Kind: Uniform, Max: ms, Mean: ms}}, []string{"Jitter.Mean"}},
		{"uniform reversed", Config{Jitter: Dist{Kind: Uniform, Min: 2 * ms, Max: ms}}, []string{"Jitter.Max"}},
		{"uniform jitter below zero", Config{Delay: ms, Jitter: Dist{Kind: Uniform, Min: -2 * ms, Max: ms}}, []string{"Jitter"}},
		{"normal mean below zero", Config{Delay: ms, Jitter: Dist{Kind: Normal, Mean: -2 * ms, StdDev: ms}}, []string{"Jitter"}},
		{"normal negative stddev", Config{Jitter: Dist{Kind: Normal, StdDev: -ms}}, []string{"Jitter.StdDev"}},
		{"exponential without mean", Config{Jitter: Dist{Kind: Exponential}}, []string{"Jitter.Mean"}},
		{"pareto infinite mean", Config{Jitter: Dist{Kind: Pareto, Scale: ms, Shape: 1}}, []string{"Jitter.Shape"}},
		{"pareto without scale", Config{Jitter: Dist{Kind: Pareto, Shape: 3}}, []string{"Jitter.Scale"}},
		{"lognormal bad", Config{Jitter: Dist{Kind: LogNormal, StdDev: -ms}}, []string{"Jitter.Mean", "Jitter.StdDev"}},
		{"empirical empty", Config{Jitter: Dist{Kind: Empirical}}, []string{"Jitter.Samples"}},
		{"empirical negative", Config{Jitter: Dist{Kind: Empirical, Samples: []time.Duration{-ms}}}, []string{"Jitter"}},
		{"jitter reorders without jitter", Config{JitterReorders: true}, []string{"JitterReorders"}},
		{"reorder probability", Config{Delay: ms, Reorder: Reorder{Prob: 1.5, Gap: 1}}, []string{"Reorder.Prob"}},
		{"reorder how", Config{Delay: ms, Reorder: Reorder{Prob: 0.1}}, []string{"Reorder.Extra"}},
		{"reorder both forms", Config{Delay: ms, Reorder: Reorder{Prob: 0.1, Gap: 3, Extra: Dist{Kind: Constant, Value: ms}}}, []string{"Reorder.Gap"}},
		{"reorder without probability", Config{Delay: ms, Reorder: Reorder{Gap: 3}}, []string{"Reorder.Prob"}},
		{"netem reorder without delay", Config{Reorder: Reorder{Prob: 0.1, Gap: 1}}, []string{"Reorder.Gap"}},
		{"negative gap", Config{Delay: ms, Reorder: Reorder{Prob: 0.1, Gap: -1}}, []string{"Reorder.Gap"}},
		{"reorder extra zero", Config{Reorder: Reorder{Prob: 0.1, Extra: Dist{Kind: Constant}}}, []string{"Reorder.Extra"}},
		{"reorder extra negative", Config{Reorder: Reorder{Prob: 0.1, Extra: Dist{Kind: Uniform, Min: -ms, Max: ms}}}, []string{"Reorder.Extra"}},
		{"unknown loss model", Config{Loss: Loss{Model: "random"}}, []string{"Loss.Model"}},
		{"loss parameter without model", Config{Loss: Loss{P: 0.1}}, []string{"Loss.P"}},
		{"bernoulli bad", Config{Loss: Loss{Model: Bernoulli, P: -0.1, Unit: "octet", R: 0.5}}, []string{"Loss.R", "Loss.P", "Loss.Unit"}},
		{"bernoulli NaN", Config{Loss: Loss{Model: Bernoulli, P: nan()}}, []string{"Loss.P"}},
		{"gilbert-elliott traps", Config{Loss: Loss{Model: GilbertElliott}}, []string{"Loss.P", "Loss.R", "Loss.LossBad"}},
		{"gilbert-elliott range", Config{Loss: Loss{Model: GilbertElliott, P: 2, R: 0.5, LossBad: 1, P13: 0.1}}, []string{"Loss.P13", "Loss.P"}},
		{"4-state rows", Config{Loss: Loss{Model: FourState, P13: 0.6, P14: 0.6, P31: 0.7, P32: 0.7, P23: 0.1}}, []string{"Loss.P14", "Loss.P32"}},
		{"4-state traps", Config{Loss: Loss{Model: FourState, P13: 0.1, P32: 0.5}}, []string{"Loss.P31", "Loss.P23"}},
		{"4-state never loses", Config{Loss: Loss{Model: FourState, P31: 0.5}}, []string{"Loss.P13"}},
		{"burst bad", Config{Loss: Loss{Model: Burst, BurstMax: -1}}, []string{"Loss.P", "Loss.BurstMin", "Loss.BurstMax"}},
		{"drop list", Config{Drop: []int{3, -1, 3}}, []string{"Drop[1]", "Drop[2]"}},
		{"duplicate", Config{Duplicate: Duplicate{Prob: -1, Hold: Dist{Kind: Uniform, Min: -ms}}}, []string{"Duplicate.Prob", "Duplicate.Hold"}},
		{"hold without duplication", Config{Duplicate: Duplicate{Hold: Dist{Kind: Constant, Value: time.Minute}}}, []string{"Duplicate.Hold"}},
		{"corrupt", Config{Corrupt: 1.01}, []string{"Corrupt"}},
		{"outages", Config{Outages: []Outage{{At: -time.Second, For: time.Second}, {At: time.Second}}}, []string{"Outages[0].At", "Outages[1].For"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Validate() = %v, want Problems for %v", err, tt.want)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Field)
				if p.Msg == "" {
					t.Errorf("%s: empty message", p.Field)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("problems with %v, want %v:\n%v", got, tt.want, err)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("errors.Is(err, ErrConfig) = false")
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestValidateMessages spot-checks that messages say what to do.
func TestValidateMessages(t *testing.T) {
	err := Config{Reorder: Reorder{Prob: 0.25, Gap: 5}, Loss: Loss{Model: GilbertElliott, P: 0.1, R: 0.5}}.Validate()
	for _, want := range []string{
		"link: Reorder.Gap: reorders by letting a packet skip the delay",
		"link: Loss.LossBad: is 0 and so is LossGood, so nothing is ever lost",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want a line containing %q", err, want)
		}
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	rx := ReceiverFunc[pkt](func(engine.Time, *pkt, bool) {})
	_, err := New[pkt](engine.New(), engine.NewStreams(1, 0), "link/x", Config{Corrupt: 2}, rx)
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "link/x") {
		t.Errorf("New with Corrupt 2 = %v, want an ErrConfig naming the link", err)
	}
	if _, err := New[pkt](engine.New(), engine.NewStreams(1, 0), "link/x", Config{}, nil); err == nil {
		t.Error("New with a nil receiver succeeded")
	}
}

func TestFateString(t *testing.T) {
	for f, want := range map[Fate]string{Sent: "sent", QueueDropped: "queue-dropped", Corrupted: "corrupted", 0: "Fate(0)", 99: "Fate(99)"} {
		if got := f.String(); got != want {
			t.Errorf("Fate(%d).String() = %q, want %q", uint8(f), got, want)
		}
	}
}
