package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyExperiment is a 4-run experiment that takes milliseconds.
const tinyExperiment = `name: tiny
replications: 2
hosts: [{name: c}, {name: s}]
links: [{between: [c, s], delay: 5ms, loss: 10%}]
workloads:
  - {name: w, client: c, server: "s:80", arrivals: {interval: 20ms}, count: 4, connection: {close: client}}
sweep:
  grid:
    links[0].delay: [5ms, 10ms]
`

// cliCase is one command line and what it must give.
type cliCase struct {
	name  string
	args  []string
	stdin string // standard input, for "-"
	code  int
	out   []string // each in stdout
	err   []string // each in stderr
	not   []string // in neither
}

// check runs tc through run and reports what differs.
func (tc cliCase) check(t *testing.T) {
	t.Helper()
	if tc.stdin != "" {
		old := stdin
		stdin = strings.NewReader(tc.stdin)
		defer func() { stdin = old }()
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), tc.args, &stdout, &stderr)
	bad := code != tc.code
	for _, w := range tc.out {
		bad = bad || !strings.Contains(stdout.String(), w)
	}
	for _, w := range tc.err {
		bad = bad || !strings.Contains(stderr.String(), w)
	}
	for _, w := range tc.not {
		bad = bad || strings.Contains(stdout.String()+stderr.String(), w)
	}
	if bad {
		t.Errorf("%s: tcpsim %s: exit %d, want %d; want stdout with %q, stderr with %q, neither with %q\nstdout:\n%s\nstderr:\n%s",
			tc.name, strings.Join(tc.args, " "), code, tc.code, tc.out, tc.err, tc.not, stdout.String(), stderr.String())
	}
}

// writeTiny writes tinyExperiment into a temporary directory and returns
// its path.
func writeTiny(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(f, []byte(tinyExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// "tcpsim help CMD" (stdout) and "tcpsim CMD -h" (stderr, where the flag
// errors go) give the command's usage line, its positional arguments, its
// flags and an example, and exit 0.
func TestCommandHelp(t *testing.T) {
	var cases []cliCase
	for _, c := range commands {
		want := []string{"Usage: tcpsim " + c.name, "Example:\n  tcpsim " + c.name}
		if len(c.args) > 0 {
			want = append(want, "Arguments:\n  "+c.args[0])
		}
		cases = append(cases, cliCase{name: "help " + c.name, args: []string{"help", c.name}, out: want})
		if c.name != "help" && c.name != "version" {
			if c.name != "merge" { // the one command without flags
				want = append(want, "Flags:")
			}
			cases = append(cases, cliCase{name: c.name + " -h", args: []string{c.name, "-h"}, err: want})
		}
	}
	cases = append(cases,
		cliCase{name: "flags listed", args: []string{"help", "run"}, out: []string{"-j int", "short for --jobs", "-output string", "-o string", "FILE.yaml  the experiment; - reads it from standard input"}},
		cliCase{name: "list", args: []string{"help"}, out: []string{"Usage:", "tcpsim run FILE.yaml", `"tcpsim help CMD"`}},
		cliCase{name: "unknown", args: []string{"help", "frobnicate"}, code: exitUsage, err: []string{`unknown command "frobnicate"`}},
		cliCase{name: "two", args: []string{"help", "run", "plot"}, code: exitUsage, err: []string{"at most one command"}},
		cliCase{name: "typo", args: []string{"valdiate", "x.yaml"}, code: exitUsage, err: []string{`unknown command "valdiate"; did you mean "validate"?`}},
	)
	for _, tc := range cases {
		tc.check(t)
	}
}

// An unknown flag is named with the nearest one; a bad value says what
// was wrong; both point at the command's help and exit 2.
func TestUnknownFlagDidYouMean(t *testing.T) {
	good := writeTiny(t)
	for _, tc := range []cliCase{
		{name: "prefix", args: []string{"run", good, "--job", "2"}, err: []string{"tcpsim run: unknown flag --job; did you mean --jobs?", `"tcpsim help run"`}},
		{name: "transposed", args: []string{"run", good, "--ouptut", "x"}, err: []string{"unknown flag --ouptut; did you mean --output?"}},
		{name: "trace", args: []string{"trace", good, "--ladr", "x.svg"}, err: []string{"unknown flag --ladr; did you mean --ladder?"}},
		{name: "single dash", args: []string{"validate", good, "-sett", "x=1"}, err: []string{"unknown flag --sett; did you mean --set?"}},
		{name: "nothing near", args: []string{"validate", good, "--zzzzzz"}, err: []string{"unknown flag --zzzzzz\n"}, not: []string{"did you mean"}},
		{name: "bad value", args: []string{"run", good, "-j", "two"}, err: []string{`invalid value "two" for flag -j`}},
		{name: "plot", args: []string{"plot", "dir", "--fromat", "pdf"}, err: []string{"did you mean --format?"}},
	} {
		tc.code = exitUsage
		tc.not = append(tc.not, "flag provided but not defined") // the flag package's own words
		tc.check(t)
	}
}

// -j is --jobs and --output is -o, for run and validate.
func TestFlagAliases(t *testing.T) {
	good := writeTiny(t)
	dir := t.TempDir()
	for _, tc := range []cliCase{
		{name: "-j and --output", args: []string{"run", good, "-j", "1", "--output", filepath.Join(dir, "a"), "--quiet"}, out: []string{"results: " + filepath.Join(dir, "a") + " (4 runs)"}},
		{name: "-o and --jobs", args: []string{"run", good, "--jobs", "1", "-o", filepath.Join(dir, "b"), "--quiet"}, out: []string{"results: " + filepath.Join(dir, "b") + " (4 runs)"}},
		{name: "-j negative", args: []string{"run", good, "-j", "-1"}, code: exitUsage, err: []string{"--jobs -1"}},
		{name: "validate -j", args: []string{"validate", good, "-j", "1"}, out: []string{"ok"}},
	} {
		tc.check(t)
	}
}

// "-" reads the experiment from standard input; its problems are reported
// at stdin:LINE:COL.
func TestStdinExperiment(t *testing.T) {
	dir := t.TempDir()
	broken := strings.Replace(tinyExperiment, "count: 4", "count: four", 1)
	for _, tc := range []cliCase{
		{name: "validate", args: []string{"validate", "-"}, stdin: tinyExperiment, out: []string{`stdin: ok: experiment "tiny"`}},
		{name: "validate broken", args: []string{"validate", "-"}, stdin: broken, code: exitUsage, err: []string{"stdin:6:", "workloads[0].count"}},
		{name: "validate set", args: []string{"validate", "-", "--set", "replications=0"}, stdin: tinyExperiment, code: exitUsage, err: []string{"--set:1:14: replications"}},
		{name: "run", args: []string{"run", "-", "-o", filepath.Join(dir, "r"), "--quiet"}, stdin: tinyExperiment, out: []string{"results: " + filepath.Join(dir, "r") + " (4 runs)"}},
		{name: "run broken", args: []string{"run", "-", "-o", filepath.Join(dir, "x"), "--quiet"}, stdin: broken, code: exitUsage, err: []string{"stdin:6:"}},
		{name: "trace", args: []string{"trace", "-", "--run", "1"}, stdin: tinyExperiment, out: []string{"# captured"}},
		{name: "empty", args: []string{"validate", "-"}, stdin: "\n", code: exitUsage, err: []string{"stdin:1:1: empty file"}},
	} {
		tc.check(t)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("run - with a broken experiment wrote a result directory")
	}
}

// Every user mistake about a path exits 2 with the path in the message:
// an output directory that cannot be made, a result directory that is not
// one, a trace output in a directory that is not there.
func TestPathMistakesExitTwo(t *testing.T) {
	good := writeTiny(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []cliCase{
		{name: "missing file", args: []string{"validate", filepath.Join(dir, "none.yaml")}, err: []string{"none.yaml:1:1"}},
		{name: "run missing file", args: []string{"run", filepath.Join(dir, "none.yaml"), "-o", filepath.Join(dir, "o")}, err: []string{"none.yaml:1:1"}},
		{name: "output is a file", args: []string{"run", good, "-o", file, "--quiet"}, err: []string{file}},
		{name: "output under a file", args: []string{"run", good, "-o", filepath.Join(file, "sub"), "--quiet"}, err: []string{"not a directory"}},
		{name: "plot missing", args: []string{"plot", filepath.Join(dir, "none")}, err: []string{"not a result directory"}},
		{name: "plot not results", args: []string{"plot", empty}, err: []string{"not a result directory", "manifest.json"}},
		{name: "merge missing", args: []string{"merge", filepath.Join(dir, "m"), filepath.Join(dir, "none")}, err: []string{"none"}},
		{name: "pcap dir", args: []string{"trace", good, "--quiet", "--pcap", filepath.Join(dir, "no", "t.pcap")}, err: []string{"--pcap", "is not a directory"}},
		{name: "ladder dir", args: []string{"trace", good, "--quiet", "--ladder", filepath.Join(dir, "no", "l.svg")}, err: []string{"--ladder", "is not a directory"}},
		{name: "transitions dir", args: []string{"trace", good, "--quiet", "--transitions", filepath.Join(file, "t.csv")}, err: []string{"--transitions"}},
		{name: "cpuprofile dir", args: []string{"run", good, "-o", filepath.Join(dir, "p"), "--quiet", "--cpuprofile", filepath.Join(dir, "no", "cpu.prof")}, err: []string{"--cpuprofile", filepath.Join(dir, "no", "cpu.prof")}},
	} {
		tc.code = exitUsage
		tc.check(t)
	}
}

// trace writes only the files it is asked for: no transitions.csv unless
// --transitions names it.
func TestTraceWritesOnlyWhatItIsAsked(t *testing.T) {
	good := writeTiny(t)
	work := t.TempDir()
	t.Chdir(work)
	for _, tc := range []struct {
		name  string
		args  []string
		files []string // every file the run leaves in work
	}{
		{"text only", []string{"trace", good, "--quiet"}, nil},
		{"pcap", []string{"trace", good, "--quiet", "--pcap", "t.pcap"}, []string{"t.pcap"}},
		{"transitions", []string{"trace", good, "--quiet", "--transitions", "tr.csv"}, []string{"tr.csv"}},
	} {
		for _, f := range tc.files {
			os.Remove(f)
		}
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, code, stderr.String())
		}
		ents, err := os.ReadDir(work)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range ents {
			got = append(got, e.Name())
		}
		if strings.Join(got, " ") != strings.Join(tc.files, " ") {
			t.Errorf("%s: the directory holds %q, want %q", tc.name, got, tc.files)
		}
		for _, f := range tc.files {
			os.Remove(f)
		}
	}
}

// A second run of a finished sweep says how much it found done; an
// adaptive sweep's progress gives the range of runs it may do.
func TestProgressMessages(t *testing.T) {
	good := writeTiny(t)
	dir := t.TempDir()
	adaptive := filepath.Join(dir, "adaptive.yaml")
	text := strings.Replace(tinyExperiment, "replications: 2", "replications: {min: 2, max: 6, until: {metric: conns_attempted, ci_halfwidth_rel: 0.5}}", 1)
	if err := os.WriteFile(adaptive, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r")
	for _, tc := range []cliCase{
		{name: "fresh", args: []string{"run", good, "-o", out}, err: []string{"4/4 runs (100%)"}, not: []string{"resuming"}},
		{name: "again", args: []string{"run", good, "-o", out}, err: []string{"tcpsim: resuming: 4 of 4 runs done\n"}},
		{name: "quiet", args: []string{"run", good, "-o", out, "--quiet"}, not: []string{"resuming"}},
		{name: "adaptive", args: []string{"run", adaptive, "-o", filepath.Join(dir, "a")}, err: []string{"runs (adaptive replication: 4 to 12 in all)"}, not: []string{"/4 runs"}},
	} {
		tc.check(t)
	}
}

// The README says how to install the command.
func TestReadmeInstall(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "go install ./cmd/tcpsim") {
		t.Error("README.md does not say `go install ./cmd/tcpsim`")
	}
}

// run --cpuprofile writes a CPU profile (gzipped protocol buffers, as
// go tool pprof reads) and leaves the results as without it.
func TestRunCPUProfile(t *testing.T) {
	good := writeTiny(t)
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.prof")
	cliCase{name: "cpuprofile", args: []string{"run", good, "-o", filepath.Join(dir, "r"), "--quiet", "--cpuprofile", prof},
		out: []string{"results: " + filepath.Join(dir, "r")}}.check(t)
	b, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("%s is not a gzipped profile (%d bytes)", prof, len(b))
	}
}
