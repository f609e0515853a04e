package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An attack experiment's console summary gives each workload its own line
// and the listeners' defence counters (issue 14), and its workloads.csv
// merges from shards into the file one invocation writes.
func TestAttackSummaryAndMerge(t *testing.T) {
	file := catalog + "syn-flood.yaml"
	sets := []string{"--set", "replications=1", "--set", "stop.time=40s", "--set", "workloads[0].until=35s",
		"--set", "workloads[1].until=40s"}
	base := t.TempDir()
	whole := filepath.Join(base, "whole")
	var stdout, stderr bytes.Buffer
	args := append([]string{"run", file, "-o", whole, "--quiet", "--set", "record.connections=true"}, sets...)
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"  workload     legit: established ", "  workload     flood (syn-flood): ",
		"  listeners    syn queue drops ", "cookies sent "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	merged := filepath.Join(base, "merged")
	dirs := runShards(t, base, file, 2, sets...)
	if code, _, stderr := tcpsim(t, append([]string{"merge", merged}, dirs...)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(whole, "workloads.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(merged, "workloads.csv"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("merged workloads.csv differs from one invocation's (%v)", err)
	}
	if n := strings.Count(string(want), "\n"); n != 1+20*2*20 {
		t.Errorf("workloads.csv has %d lines, want a header and 20 runs × 2 workloads × 20 metrics", n)
	}
}
