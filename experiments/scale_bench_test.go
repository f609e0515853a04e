package experiments

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sweep"
)

// sequentialYAML is issue 17's sequential scenario, the one compared with
// ns-3: two hosts, 10 Mb/s and 10 ms, one closed-loop client making
// connections one after another (handshake, 1 KiB, close), with the
// rfc9293 profile's 240 s TIME-WAIT.
const sequentialYAML = `
name: sequential
stop: {max_time: 100h}
hosts:
  - name: client
  - name: server
links:
  - between: [client, server]
    delay: 10ms
    rate: 10Mbps
workloads:
  - name: seq
    client: client
    server: server:80
    arrivals: {closed: {clients: 1}}
    count: 1000
    connection: {send: 1KiB, close: client}
`

// scaleExperiment loads a scale scenario with n connections.
func scaleExperiment(b *testing.B, scenario string, n int) *config.Experiment {
	b.Helper()
	count := fmt.Sprintf("workloads[0].count=%d", n)
	var e *config.Experiment
	var err error
	switch scenario {
	case "million":
		e, err = config.Load(filepath.Join("catalog", "million-connections.yaml"), count)
	case "sequential":
		e, err = config.Parse("sequential.yaml", []byte(sequentialYAML), count)
	}
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkScale runs the scale scenarios (million-connections' workload
// and issue 17's sequential one) at several sizes and reports the cost per
// connection: time (wall and CPU: the machine may be shared), events,
// bytes and allocations (which must not grow
// with the number of connections once the live population is steady: a
// run's memory follows its live connections). The figures for 10^7 and 10^8
// connections come from `tcpsim run` of hundred-million.yaml under
// /usr/bin/time -v (README, Performance).
func BenchmarkScale(b *testing.B) {
	for _, tc := range []struct {
		scenario string
		n        int
	}{
		{"million", 10_000}, {"million", 100_000},
		{"sequential", 10_000}, {"sequential", 100_000},
	} {
		b.Run(fmt.Sprintf("%s/n=%d", tc.scenario, tc.n), func(b *testing.B) {
			e := scaleExperiment(b, tc.scenario, tc.n)
			eventsCol := slices.IndexFunc(metricColumns, func(c results.Column) bool { return c.Name == "events" })
			parts := b.TempDir()
			b.ReportAllocs()
			var events float64
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime(b)
			for b.Loop() {
				res, err := runOne(context.Background(), e, sweep.Job{Seed: 1}, parts)
				if err != nil {
					b.Fatal(err)
				}
				events = res.Values[eventsCol]
			}
			b.StopTimer()
			cpu := cpuTime(b) - cpu0
			runtime.ReadMemStats(&after)
			per := float64(b.N) * float64(tc.n)
			b.ReportMetric(float64(cpu)/per, "cpu-ns/conn")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/conn")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(events*float64(b.N)), "ns/event")
			b.ReportMetric(events/float64(tc.n), "events/conn")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/conn")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/conn")
		})
	}
}

// cpuTime returns the CPU time the process has used, user and system: on
// a shared machine it measures the work better than the wall clock does.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkScaleSteady shows that a run allocates nothing per connection
// once its live population is steady: it runs each scenario with n and
// with 2n connections and reports the difference per extra connection
// (steady-allocs/conn, steady-B/conn), which the warm-up of the live
// population (records, tables, queue chunks) no longer dilutes. What
// remains is the pools (TIME-WAIT remnant blocks, TCBs, queue chunks,
// records) reaching a new peak of the live population now and then (the
// peak of a random walk grows, slowly), not garbage: for
// million-connections 0.005 allocations and 1.2 bytes per extra
// connection (heap profiles of runs of 10^5 and 2·10^5 connections; 1.8
// bytes while the TIME-WAIT expiry queue still dropped drained blocks),
// none for the sequential workload.
func BenchmarkScaleSteady(b *testing.B) {
	for _, tc := range []struct {
		scenario string
		n        int
	}{
		{"million", 100_000}, {"sequential", 20_000},
	} {
		b.Run(tc.scenario, func(b *testing.B) {
			small, large := scaleExperiment(b, tc.scenario, tc.n), scaleExperiment(b, tc.scenario, 2*tc.n)
			parts := b.TempDir()
			b.ReportAllocs()
			var allocs, bytes [2]uint64
			for b.Loop() {
				for i, e := range []*config.Experiment{small, large} {
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					if _, err := runOne(context.Background(), e, sweep.Job{Seed: 1}, parts); err != nil {
						b.Fatal(err)
					}
					runtime.ReadMemStats(&after)
					allocs[i] += after.Mallocs - before.Mallocs
					bytes[i] += after.TotalAlloc - before.TotalAlloc
				}
			}
			extra := float64(b.N) * float64(tc.n)
			b.ReportMetric(max(0, float64(allocs[1])-float64(allocs[0]))/extra, "steady-allocs/conn")
			b.ReportMetric(max(0, float64(bytes[1])-float64(bytes[0]))/extra, "steady-B/conn")
		})
	}
}
