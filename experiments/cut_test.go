package experiments

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
)

// cutYAML: one client making 100 connections one after another, each
// about 40 ms and then 2 s of TIME-WAIT.
const cutYAML = `
name: cut
hosts:
  - {name: client, tcp: {msl: 1s}}
  - {name: server, tcp: {msl: 1s}}
links:
  - {between: [client, server], delay: 10ms}
workloads:
  - name: seq
    client: client
    server: server:80
    arrivals: {closed: {clients: 1}}
    count: 100
    connection: {send: 1KiB, close: client}
`

// A run that stop.max_time or stop.events ends while its workload still
// had connections to open or close says so on the console and in
// manifest.json; one that ends on its own or at stop.time does not.
func TestStopLimitWarns(t *testing.T) {
	for _, tc := range []struct {
		set  string
		want string // "" for no warning
	}{
		{"stop.max_time=1s", "ended at stop.max_time (1s of simulated time) with its workloads unfinished: 7"},
		{"stop.events=500", "ended at stop.events (500 events) with its workloads unfinished"},
		{"stop.max_time=1h", ""},
		{"stop.time=1s", ""},
	} {
		e, err := config.Parse("cut.yaml", []byte(cutYAML), tc.set)
		if err != nil {
			t.Fatal(err)
		}
		var console bytes.Buffer
		dir := t.TempDir()
		if _, err := Run(context.Background(), e, Options{Dir: dir, Workers: 1, Warnings: &console}); err != nil {
			t.Fatal(err)
		}
		m, err := results.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(m.Warnings, "\n")
		switch {
		case tc.want == "" && (got != "" || console.Len() > 0):
			t.Errorf("%s: warnings %q, console %q; want none", tc.set, got, console.String())
		case tc.want != "" && (!strings.Contains(got, tc.want) || !strings.Contains(console.String(), tc.want)):
			t.Errorf("%s: manifest warnings %q, console %q; want %q in both", tc.set, got, console.String(), tc.want)
		}
	}
}
