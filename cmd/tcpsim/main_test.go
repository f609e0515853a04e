package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every broken input under testdata/bad is refused by validate and run with
// exit status 2, the same FILE:LINE:COL messages the config package's
// goldens hold, and no panic or result directory.
func TestBrokenInputsExitTwo(t *testing.T) {
	files, err := filepath.Glob("../../testdata/bad/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d broken inputs: %v", len(files), err)
	}
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		var sets []string // a sibling .set file: one --set override per line
		if s, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".set"); err == nil {
			for _, v := range strings.Split(strings.TrimSpace(string(s)), "\n") {
				sets = append(sets, "--set", v)
			}
		}
		for _, cmd := range []string{"validate", "run"} {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{cmd, f}, sets...)
			if cmd == "run" {
				args = append(args, "-o", out, "--quiet")
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("%s %s: exit %d, want %d\n%s", cmd, base, code, exitUsage, stderr.String())
			}
			for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
				line = strings.Replace(line, base, f, 1)
				if !strings.Contains(stderr.String(), line) {
					t.Errorf("%s %s: stderr lacks %q:\n%s", cmd, base, line, stderr.String())
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("run %s: wrote a result directory for a broken input", base)
			}
		}
	}
}

// The command line's own mistakes: exit status 2 and a message that says
// what was expected.
func TestUsageErrors(t *testing.T) {
	good := "../../experiments/catalog/simultaneous-close.yaml"
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, "frobnicate"},
		{[]string{"run"}, "run takes one file"},
		{[]string{"run", good, good}, "run takes one file"},
		{[]string{"run", good, "--jobs", "-1"}, "--jobs -1"},
		{[]string{"run", good, "--shard", "3/2"}, "3/2"},
		{[]string{"run", good, "--set", "replications=zero"}, "replications"},
		{[]string{"run", good, "--set", "nosuchfield=1"}, "nosuchfield"},
		{[]string{"run", "no/such/file.yaml"}, "no/such/file.yaml"},
		{[]string{"validate"}, "validate takes one file"},
		{[]string{"merge", "out"}, "merge takes OUT"},
		{[]string{"run", good, "--bogus"}, "bogus"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.err) {
			t.Errorf("tcpsim %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), exitUsage, tc.err)
		}
	}
}

// `tcpsim run` on a catalog experiment: a summary per point, the result
// files, and a second invocation that resumes rather than redoes.
func TestRunCatalogExperiment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := []string{"run", "../../experiments/catalog/time-wait-assassination.yaml", "-o", dir, "--quiet",
		"--set", "workloads[0].count=20"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"point 0 (hosts[0].tcp.rfc1337=false)", "TIME-WAIT    20 assassinated", "point 1 (hosts[0].tcp.rfc1337=true)", "TIME-WAIT    0 assassinated", "results: " + dir + " (4 runs)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, f := range []string{"manifest.json", "runs.csv", "summary.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	stdout.Reset()
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr.String())
	}
	after, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if !bytes.Equal(before, after) {
		t.Error("a second invocation on a finished directory changed runs.csv; want nothing redone")
	}
	// Another experiment into the same directory is refused.
	other := []string{"run", "../../experiments/catalog/simultaneous-close.yaml", "-o", dir, "--quiet"}
	if code := run(context.Background(), other, &stdout, &stderr); code != exitUsage {
		t.Errorf("another experiment into %s: exit %d, want %d", dir, code, exitUsage)
	}
}
