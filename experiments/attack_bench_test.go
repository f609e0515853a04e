package experiments

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/sweep"
)

// floodYAML is issue 14's scale check: 10^6 spoofed SYNs, one every
// microsecond, at a Linux listener (SYN queue = backlog = 4096) that a
// legitimate client uses every 100 ms during the flood, with SYN
// cookies off (the queue fills and the rest are dropped) or on overflow
// (a cookie SYN-ACK each, and no state).
const floodYAML = `
name: flood-1e6
hosts:
  - name: client
  - name: attacker
  - name: server
    tcp: {profile: linux, backlog: {syncookies: %s}}
links:
  - {between: [client, server], delay: 1ms}
  - {between: [attacker, server], delay: 1ms}
workloads:
  - name: legit
    client: client
    server: server:80
    arrivals: {interval: 100ms}
    until: 1s
  - name: flood
    kind: syn-flood
    client: attacker
    server: server:80
    arrivals: {interval: 1us}
    count: 1000000
`

// BenchmarkSynFlood1e6 runs the flood of 10^6 spoofed SYNs and reports
// the cost per SYN and the heap the run holds at its end (the listener's
// requests: the attacker keeps no per-source state, so the heap is bounded
// by the SYN queue, not by the flood). Run it with
// go test ./experiments -run '^$' -bench SynFlood1e6 -benchtime 1x.
func BenchmarkSynFlood1e6(b *testing.B) {
	for _, cookies := range []string{"off", "overflow"} {
		b.Run("cookies="+cookies, func(b *testing.B) {
			e, err := config.Parse("flood.yaml", []byte(fmt.Sprintf(floodYAML, cookies)))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var res *sim.Result
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for b.Loop() {
				res, err = sim.Run(context.Background(), e, sweep.Job{Seed: 1}, sim.Options{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			m := map[string]float64{}
			for i, c := range metricColumns {
				m[c.Name] = res.Values[i]
			}
			if m["attack_segments"] != 1e6 {
				b.Fatalf("%v SYNs sent, want 10^6", m["attack_segments"])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/SYN")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "B/SYN")
			b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB-heap-at-end")
			b.ReportMetric(m["synrcvd_peak"], "synrcvd-peak")
			b.ReportMetric(m["cookies_sent"], "cookies")
		})
	}
}
