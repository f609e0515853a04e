package config

import (
	"path/filepath"
	"strings"
	"testing"
)

const sweepBase = `name: s
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], delay: 1ms}]
replications: 2
`

func TestSweepOrder(t *testing.T) {
	e, err := Parse("s.yaml", []byte(sweepBase+`sweep:
  grid:
    links[0].delay: [10ms, 20ms]
  ranges:
    links[0].loss: {from: 0.001, to: 0.1, steps: 3, scale: log}
  zip:
    hosts[0].tcp.msl: [1s, 2s]
    hosts[0].tcp.time_wait: [2msl, none]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range e.Points() {
		got = append(got, p.String())
	}
	want := []string{}
	for _, d := range []string{"10ms", "20ms"} {
		for _, l := range []string{"0.001", "0.01", "0.1"} {
			for _, z := range []string{"hosts[0].tcp.msl=1s hosts[0].tcp.time_wait=2msl", "hosts[0].tcp.msl=2s hosts[0].tcp.time_wait=none"} {
				want = append(want, "links[0].delay="+d+" links[0].loss="+l+" "+z)
			}
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("points:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p := e.Points()[7] // 20ms, 0.001, second zip value
	if p.Exp.Links[0].Delay.String() != "20ms" || p.Exp.Links[0].Loss.P != 0.001 ||
		p.Exp.Hosts[0].TCP.MSL.String() != "2s" || !p.Exp.Hosts[0].TCP.TimeWait.None || p.Exp.Sweep != nil {
		t.Errorf("point 7 decoded as %+v", p.Exp.Links[0])
	}
	if e.Links[0].Delay.String() != "1ms" {
		t.Errorf("the base experiment changed: delay %s", e.Links[0].Delay)
	}
	if got := strings.Join(e.SweptPaths(), ","); got != "links[0].delay,links[0].loss,hosts[0].tcp.msl,hosts[0].tcp.time_wait" {
		t.Errorf("SweptPaths() = %s", got)
	}
}

func TestRangeUnits(t *testing.T) {
	for _, tt := range []struct {
		path, rng, want string
	}{
		{"links[0].delay", "{from: 0, to: 1s, steps: 5}", "0 250ms 500ms 750ms 1s"},
		{"links[0].delay", "{from: 1ms, to: 1s, steps: 4, scale: log}", "1ms 10ms 100ms 1s"},
		{"links[0].rate", "{from: 1Mbps, to: 1Gbps, steps: 4, scale: log}", "1Mbps 10Mbps 100Mbps 1Gbps"},
		{"links[0].queue.packets", "{from: 10, to: 20, steps: 3}", "10 15 20"},
		{"links[0].overhead", "{from: 0, to: 1KiB, steps: 3}", "0B 512B 1KiB"},
		{"links[0].corrupt", "{from: 0%, to: 1%, steps: 3}", "0 0.005 0.01"},
	} {
		e, err := Parse("r.yaml", []byte(sweepBase+"sweep:\n  ranges:\n    "+tt.path+": "+tt.rng+"\n"))
		if err != nil {
			t.Errorf("%s: %v", tt.rng, err)
			continue
		}
		var got []string
		for _, p := range e.Points() {
			got = append(got, p.Params[0].Value)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("range %s %s = %s, want %s", tt.path, tt.rng, strings.Join(got, " "), tt.want)
		}
	}
}

// TestCommonRandomNumbers checks the sweep's common_random_numbers flag:
// true unless given false. (Run indices and seeds are the sweep package's.)
func TestCommonRandomNumbers(t *testing.T) {
	for _, tt := range []struct {
		sweep string
		want  bool
	}{
		{"sweep:\n  grid:\n    links[0].delay: [1ms, 2ms]\n", true},
		{"sweep:\n  common_random_numbers: true\n  grid:\n    links[0].delay: [1ms, 2ms]\n", true},
		{"sweep:\n  common_random_numbers: false\n  grid:\n    links[0].delay: [1ms, 2ms]\n", false},
	} {
		e, err := Parse("s.yaml", []byte(sweepBase+tt.sweep))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.sweep, err)
			continue
		}
		if got := e.Sweep.CommonRandomNumbers; got != tt.want {
			t.Errorf("Parse(%q).Sweep.CommonRandomNumbers = %v, want %v", tt.sweep, got, tt.want)
		}
	}
}

func TestSweepPointErrors(t *testing.T) {
	_, err := Parse("s.yaml", []byte(sweepBase+"sweep:\n  grid:\n    links[0].delay: [1ms, -2ms]\n    links[0].rate: [1Mbps, 2Mbps]\n"))
	checkErrors(t, err)
	want := `s.yaml:7:27: links[0].delay: got "-2ms", want a non-negative duration with a unit (e.g. 50ms, 1.5s, 250us, 2min, 3h)`
	if err.Error() != want {
		t.Errorf("errors:\n%s\nwant:\n%s", err, want)
	}
}

func TestSweepTooLarge(t *testing.T) {
	vals := strings.Repeat("1ms, ", 99) + "1ms"
	src := sweepBase + "sweep:\n  grid:\n    links[0].delay: [" + vals + "]\n    links[0].jitter: [" + vals + "]\n    links[0].rate: [" + strings.Repeat("1Mbps, ", 10) + "1Mbps]\n"
	_, err := Parse("big.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "more than 10000 points") {
		t.Errorf("got %v, want the point limit", err)
	}
}

func TestSet(t *testing.T) {
	e, err := Load(filepath.Join(testdata, "good", "minimal.yaml"),
		"links[0].delay=20ms", "hosts[0].tcp.msl=30s", "links[0].loss={model: gilbert-elliott, p_gb: 1%, p_bg: 0.5}",
		"workloads[0].connection.close=server", "description=from --set")
	if err != nil {
		t.Fatal(err)
	}
	if e.Links[0].Delay.String() != "20ms" || e.Hosts[0].TCP.MSL.String() != "30s" || e.Links[0].Loss.PGB != 0.01 ||
		e.Workloads[0].Connection.Close != "server" || e.Description != "from --set" {
		t.Errorf("overrides not applied: %s", e.Normalized())
	}
}
