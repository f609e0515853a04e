package config

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTrip checks that the normalized form of e is itself an experiment
// file that means the same experiment: it parses, its normalized form and
// hash are e's, and it decodes to the same values, point by point.
func roundTrip(t testing.TB, e *Experiment) {
	t.Helper()
	norm := e.Normalized()
	again, err := Parse("normalized.json", norm)
	if err != nil {
		t.Fatalf("Parse(Normalized()): %v\n%s", err, norm)
	}
	if got := again.Normalized(); !bytes.Equal(got, norm) {
		t.Fatalf("Normalized() is not a fixed point:\n%s\nthen\n%s", norm, got)
	}
	if again.Hash() != e.Hash() {
		t.Errorf("Hash() = %s after Normalized(), %s before", again.Hash(), e.Hash())
	}
	if !sameExperiment(e, again) {
		t.Errorf("Normalized() parses to other values:\n%s\ngave %+v\nwant %+v", norm, *again, *e)
	}
	ps, qs := e.Points(), again.Points()
	if len(ps) != len(qs) {
		t.Fatalf("Points(): %d after Normalized(), %d before", len(qs), len(ps))
	}
	for i := range ps {
		if ps[i].String() != qs[i].String() || !sameExperiment(ps[i].Exp, qs[i].Exp) {
			t.Errorf("point %d (%s) differs after Normalized() (%s)", i, ps[i], qs[i])
		}
	}
}

// sameExperiment compares two decoded experiments, leaving out where they
// were decoded from and the sweep (whose values keep their YAML nodes;
// Normalized compares it).
func sameExperiment(a, b *Experiment) bool {
	x, y := *a, *b
	x.src, y.src, x.Sweep, y.Sweep = nil, nil, nil, nil
	return reflect.DeepEqual(x, y)
}

// TestNormalizedRoundTrip is the manifest's property: for every good input
// and every catalog experiment, Load → Normalized → Parse gives the same
// normalized form, hash and values.
func TestNormalizedRoundTrip(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		filepath.Join(testdata, "good", "*.yaml"),
		filepath.Join(testdata, "*.yaml"),
		filepath.Join("..", "catalog", "*.yaml"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found %d inputs, want the good inputs and the catalog: %v", len(files), files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			e, err := Load(f)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			roundTrip(t, e)
		})
	}
}

// TestNormalizedKeepsZeros covers the values whose zero must be written
// out: a zero that is a model's required parameter, a required field, a
// zero that differs from a default inside a struct, and an override of a
// shared link value by a zero or a null.
func TestNormalizedKeepsZeros(t *testing.T) {
	for _, tt := range []struct {
		name, yaml string
		check      func(e *Experiment) bool
	}{
		{"loss 0", "links: [{between: [a, b], loss: 0}]",
			func(e *Experiment) bool { return e.Links[0].Loss.Model == "bernoulli" && e.Links[0].Loss.P == 0 }},
		{"gilbert-elliott p_gb 0", "links: [{between: [a, b], loss: {model: gilbert-elliott, p_gb: 0, p_bg: 0}}]",
			func(e *Experiment) bool {
				return e.Links[0].Loss.Model == "gilbert-elliott" && *e.Links[0].Loss.LossBad == 1
			}},
		{"markov4 p13 0", "links: [{between: [a, b], loss: {model: markov4, p13: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Loss.Model == "markov4" }},
		{"jitter 0, a spread of nothing", "links: [{between: [a, b], jitter: 0}]",
			func(e *Experiment) bool {
				j := e.Links[0].Jitter
				return j.Dist == "uniform" && j.Min == 0 && j.Max == 0
			}},
		{"constant jitter 0", "links: [{between: [a, b], jitter: {dist: constant, value: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Jitter.Dist == "constant" && e.Links[0].Jitter.Value == 0 }},
		{"jitter spread", "links: [{between: [a, b], delay: 100ms, jitter: 30ms}]",
			func(e *Experiment) bool {
				j := e.Links[0].Jitter
				return j.Dist == "uniform" && j.Min.D() == -30e6 && j.Max.D() == 30e6
			}},
		{"duplicate shorthand", "links: [{between: [a, b], duplicate: 1%}]",
			func(e *Experiment) bool { d := e.Links[0].Duplicate; return d.P == 0.01 && d.Hold == nil }},
		{"uniform from 0", "links: [{between: [a, b], jitter: {dist: uniform, min: 0, max: 1ms}}]",
			func(e *Experiment) bool { return e.Links[0].Jitter.Min == 0 && e.Links[0].Jitter.Max.String() == "1ms" }},
		{"normal mean 0", "links: [{between: [a, b], jitter: {dist: normal, mean: 0, stddev: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Jitter.Dist == "normal" }},
		{"duplicate p 0", "links: [{between: [a, b], duplicate: {p: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Duplicate.P == 0 }},
		{"reorder p 0", "links: [{between: [a, b], reorder: {p: 0, gap: 2}}]",
			func(e *Experiment) bool { return e.Links[0].Reorder.Gap == 2 }},
		{"outage at 0", "links: [{between: [a, b], down: [{at: 0, up: 1s}]}]",
			func(e *Experiment) bool { return len(e.Links[0].Down) == 1 && e.Links[0].Down[0].At == 0 }},
		{"unbounded queue", "links: [{between: [a, b], queue: {packets: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Queue.Packets == 0 }},
		{"forward delay 0 under a shared delay", "links: [{between: [a, b], delay: 5ms, forward: {delay: 0}}]",
			func(e *Experiment) bool {
				ds := e.Links[0].Directions()
				return ds[0].Spec.Delay == 0 && ds[1].Spec.Delay.String() == "5ms"
			}},
		{"reverse without the shared jitter", "links: [{between: [a, b], jitter: 1ms, reverse: {jitter: ~}}]",
			func(e *Experiment) bool {
				ds := e.Links[0].Directions()
				return ds[0].Spec.Jitter != nil && ds[1].Spec.Jitter == nil
			}},
		{"reverse loss 0 under a shared loss", "links: [{between: [a, b], loss: 1%, reverse: {loss: 0}}]",
			func(e *Experiment) bool { return e.Links[0].Directions()[1].Spec.Loss.P == 0 }},
		{"stop max_time 0", "stop: {max_time: 0}",
			func(e *Experiment) bool { return e.Stop.MaxTime == 0 }},
		{"oow_ack_interval 0", "hosts: [{name: a, tcp: {oow_ack_interval: 0}}, {name: b}]",
			func(e *Experiment) bool {
				return e.Hosts[0].TCP.OOWAckInterval != nil && *e.Hosts[0].TCP.OOWAckInterval == 0
			}},
		{"crash, replay and link event at 0",
			"links: [{between: [a, b]}]\nworkloads: [{client: a, server: b:80, arrivals: {times: [0]}}]\n" +
				"injections: [{crash: {host: b, at: 0}}, {replay: {match: {flags: S}, delay: 0}}, {link: {name: a-b, down: 0}}]",
			func(e *Experiment) bool {
				return e.Injections[0].Crash.At == 0 && e.Injections[1].Replay.Delay == 0 && e.Injections[2].Link.Down == 0
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: z\n" + tt.yaml + "\n"
			if !strings.Contains(tt.yaml, "hosts:") {
				src += "hosts: [{name: a}, {name: b}]\n"
			}
			e, err := Parse("z.yaml", []byte(src))
			if err != nil {
				t.Fatalf("Parse(%q): %v", src, err)
			}
			if !tt.check(e) {
				t.Fatalf("Parse(%q) decoded to %+v", src, *e)
			}
			roundTrip(t, e)
			again, err := Parse("normalized.json", e.Normalized())
			if err == nil && !tt.check(again) {
				t.Errorf("Parse(Normalized()) decoded to %+v\n%s", *again, e.Normalized())
			}
		})
	}
}
