package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// benchSweepRuns is the number of runs in benchSweep.
const benchSweepRuns = 16

// benchSweep is a sweep of 4 loss rates × 4 replications whose runs each take
// some 75 ms of CPU (8000 connections), so that the runs, not the
// bookkeeping between them, set the pace.
const benchSweep = `name: bench-sweep
seed: 1
replications: 4
hosts:
  - name: client
    ports: {range: 10000-60000}
  - name: server
links:
  - between: [client, server]
    delay: 5ms
    jitter: {dist: uniform, min: 0, max: 2ms}
workloads:
  - client: client
    server: server:80
    arrivals: {poisson: 200/s}
    count: 8000
    connection: {send: 4KiB, receive: 1KiB, close: client}
sweep:
  grid:
    links[0].loss: [0, 1%, 2%, 5%]
`

// BenchmarkSweepJobs runs a 16-run sweep through the command line's code path
// ("tcpsim run FILE --quiet -o DIR --jobs N") with one and with two workers.
// Compare the runs/s of jobs=2 with jobs=1: on two cores the speed-up should be
// at least 1.8. The garbage collector is what stands between it and 2: with one
// worker the collector's background marking runs on the idle core, with two it
// takes time from the workers. The benchmark applies tcpsim's own collector
// policy (tuneGC); run it with GOGC=100 to see Go's default. Each iteration
// writes a fresh directory, since running again into the same one would resume
// and find nothing left to do.
func BenchmarkSweepJobs(b *testing.B) {
	defer tuneGC(os.Getenv)()
	defer pacedGC(100)
	dir := b.TempDir()
	file := filepath.Join(dir, "bench-sweep.yaml")
	if err := os.WriteFile(file, []byte(benchSweep), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			b.ReportAllocs()
			outs := b.TempDir() // fresh for every -count and every b.N probe
			var out string
			n := 0
			for b.Loop() {
				out = filepath.Join(outs, strconv.Itoa(n))
				n++
				var stderr bytes.Buffer
				args := []string{"run", file, "--quiet", "-o", out, "--jobs", strconv.Itoa(jobs)}
				if code := run(b.Context(), args, io.Discard, &stderr); code != 0 {
					b.Fatalf("tcpsim %v: exit status %d\n%s", args, code, stderr.Bytes())
				}
			}
			b.ReportMetric(float64(benchSweepRuns*n)/b.Elapsed().Seconds(), "runs/s")
			if got := benchRows(b, filepath.Join(out, "runs.csv")); got != benchSweepRuns {
				b.Fatalf("%s/runs.csv has %d runs, want %d", out, got, benchSweepRuns)
			}
		})
	}
}

// benchRows returns the number of data rows in a CSV file with a header.
func benchRows(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Count(data, []byte("\n")) - 1
}
