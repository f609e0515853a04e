package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHashIgnoresSpelling checks that formatting, comments and unit
// spellings do not change the hash, and that a real change does.
func TestHashIgnoresSpelling(t *testing.T) {
	a := "name: x\nhosts: [{name: a}, {name: b}]\nlinks: [{between: [a, b], delay: 1s, loss: 1%}]\n"
	b := "# comment\nname: x\nhosts:\n  - name: a\n  - {name: b, addr: 10.0.0.2}\nlinks:\n  - between: [a, b]\n    delay: 1000ms\n    loss: 0.01\n    queue: {packets: 1000}\n"
	c := "name: x\nhosts: [{name: a}, {name: b}]\nlinks: [{between: [a, b], delay: 2s, loss: 1%}]\n"
	h := func(s string) string {
		e, err := Parse("t.yaml", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return e.Hash()
	}
	if h(a) != h(b) {
		t.Errorf("equivalent files hash differently")
	}
	if h(a) == h(c) {
		t.Errorf("different files hash the same")
	}
}

func TestDefaults(t *testing.T) {
	e, err := Load(filepath.Join(testdata, "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"seed", e.Seed, uint64(1)},
		{"replications", e.Replications, Replications{Min: 1, Max: 1}},
		{"stop.max_time", e.Stop.MaxTime.String(), "1h"},
		{"hosts[1].addr", e.Hosts[1].Addr.String(), "10.0.0.2"},
		{"hosts[0].ports.range", e.Hosts[0].Ports.Range, PortRange{49152, 65535}},
		{"hosts[0].tcp.profile", e.Hosts[0].TCP.Profile, "rfc9293"},
		{"hosts[0].tcp.msl", e.Hosts[0].TCP.MSL, (*Duration)(nil)},
		{"links[0].name", e.Links[0].Name, "client-server"},
		{"links[0].queue.packets", e.Links[0].Queue.Packets, Count(1000)},
		{"workloads[0].name", e.Workloads[0].Name, "w0"},
		{"workloads[0].connection.close", e.Workloads[0].Connection.Close, "client"},
		{"points", len(e.Points()), 1},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLinkDirections(t *testing.T) {
	e, err := Load(filepath.Join(testdata, "good", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ds := e.Links[0].Directions()
	if len(ds) != 2 || ds[0].Name != "client-router/client->router" || ds[1].From != "router" {
		t.Fatalf("Directions() = %+v", ds)
	}
	// The forward block replaces loss and keeps the shared delay and rate.
	if f := ds[0].Spec; f.Loss.Model != "gilbert-elliott" || f.Loss.P != 0 || f.Delay.String() != "5ms" || f.Rate.String() != "100Mbps" {
		t.Errorf("forward spec = %+v, loss %+v", f, f.Loss)
	}
	if r := ds[1].Spec; r.Loss.Model != "bernoulli" || r.Loss.P != 0.01 {
		t.Errorf("reverse loss = %+v, want the shared bernoulli 1%%", r.Loss)
	}
	a, err := Load(filepath.Join(testdata, "good", "adaptive.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if ds := a.Links[1].Directions(); len(ds) != 1 || ds[0].Name != "b->a/b->a" || ds[0].Spec.Delay.String() != "20ms" {
		t.Errorf("one-way Directions() = %+v", ds)
	}
}

func TestLoadReadsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.yaml")
	os.WriteFile(p, []byte("name: x\nhosts: [{name: a}]\nseed: 7\n"), 0o644)
	e, err := Load(p, "seed=9")
	if err != nil || e.Seed != 9 {
		t.Errorf("Load(seed=9) = %v, %v; want seed 9", e, err)
	}
}
