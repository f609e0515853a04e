package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tcpsim/experiments/results"
)

// The tests of issue 16's findings run the real command in real processes:
// two writers, kill -9, signals and out-of-memory are about processes.
// TestMain builds the binary once.

var binary string

func TestMain(m *testing.M) {
	if os.Getenv("TCPSIM_TEST_OOM") != "" {
		oomHelper()
		return
	}
	if b := os.Getenv("TCPSIM_TEST_BINARY"); b != "" {
		// Another build under test, such as the main branch before issue
		// 16, to see these tests fail on it.
		binary = b
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "tcpsim-test-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "tcpsim")
	goTool, err := exec.LookPath("go")
	if err != nil {
		//lint:ignore SA1019 a test binary runs where it was built, so the GOROOT it was built with is this machine's.
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goTool, "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building tcpsim: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const catalog = "../../experiments/catalog/"

// tcpsim runs the binary to completion and returns its exit status,
// stdout and stderr.
func tcpsim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// started is a tcpsim process running in the background.
type started struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
	code   int
}

// start runs the binary in the background.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	p := &started{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.code = 128 + int(ws.Signal())
			}
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process to exit, at most d, and reports how long it
// took.
func (p *started) wait(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	t0 := time.Now()
	select {
	case <-p.done:
		return time.Since(t0)
	case <-time.After(d):
		t.Fatalf("tcpsim %v still running after %v; stderr:\n%s", p.cmd.Args[1:], d, p.stderr.String())
	}
	return 0
}

// waitFor polls until cond holds (at most 20 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// waitAWhile polls until cond holds, at most d, and goes on either way:
// a build without the awaited file (main before issue 16 wrote no lock
// file) must fail on the finding, not on the wait.
func waitAWhile(d time.Duration, cond func() bool) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline) && !cond(); time.Sleep(10 * time.Millisecond) {
	}
}

// holdsLock reports whether the lock file of dir names pid.
func holdsLock(dir string, pid int) bool {
	b, err := os.ReadFile(filepath.Join(dir, results.LockName))
	return err == nil && strings.HasPrefix(string(b), strconv.Itoa(pid)+" ")
}

// journalRuns counts the runs in dir's journal (runs.journal.csv before
// issue 16).
func journalRuns(dir string) int {
	n := 0
	for _, name := range []string{"runs.journal", "runs.journal.csv"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		n += max(bytes.Count(b, []byte{'\n'})-1, 0)
	}
	return n
}

// long is a single long run: a million connections, several seconds.
var long = []string{"run", catalog + "million-connections.yaml", "--quiet", "--jobs", "1"}

// Finding 1: two `tcpsim run` into one -o directory both exited 0 and
// reported 480 runs while connections.csv lost most of its rows. Now the
// second is refused at once, naming the first's PID, with exit status 2.
func TestSecondWriterRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	first := start(t, append(long, "-o", dir)...)
	waitAWhile(5*time.Second, func() bool { return holdsLock(dir, first.cmd.Process.Pid) })
	for _, args := range [][]string{
		append(long, "-o", dir),
		{"merge", dir, dir},
		{"plot", dir},
	} {
		code, _, stderr := tcpsim(t, args...)
		if want := fmt.Sprintf("process %d (tcpsim run)", first.cmd.Process.Pid); code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("tcpsim %s while a run writes the directory: exit %d, stderr %q; want %d naming %q", args[0], code, stderr, exitUsage, want)
		}
	}
}

// Finding 7: SIGINT and SIGTERM waited for the runs in progress (a long
// single run was alive 15 s after SIGINT); SIGTERM exited 130. Now a
// signal stops the run in progress within a second (about 50 ms), keeps what is
// finished, says how to resume, and exits 130 (SIGINT) or 143 (SIGTERM).
// A second signal exits at once (TestSecondSignalExitsAtOnce: the stop is
// now too quick to send one in between).
func TestSignalStopsLongRun(t *testing.T) {
	// The run of the finding: one long run over a chain of 1,000 hosts.
	var b strings.Builder
	b.WriteString("name: chain\nhosts:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "  - name: h%d\n", i)
	}
	b.WriteString("links:\n")
	for i := range 999 {
		fmt.Fprintf(&b, "  - {between: [h%d, h%d], delay: 1ms}\n", i, i+1)
	}
	b.WriteString("workloads:\n  - {client: h0, server: h999:80, arrivals: {interval: 1ms}, count: 5000}\n")
	chainFile := filepath.Join(t.TempDir(), "chain.yaml")
	os.WriteFile(chainFile, []byte(b.String()), 0o644)
	chain := []string{"run", chainFile, "--quiet", "--jobs", "1"}
	for _, tc := range []struct {
		name string
		args []string
		sigs []os.Signal
		code int
		want string
	}{
		{"SIGINT", long, []os.Signal{os.Interrupt}, exitIntr, "Run the same command again to resume"},
		{"SIGTERM", long, []os.Signal{syscall.SIGTERM}, exitTerm, "Run the same command again to resume"},
		{"1000-host chain", chain, []os.Signal{os.Interrupt}, exitIntr, "Run the same command again to resume"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "res")
			p := start(t, append(tc.args, "-o", dir)...)
			waitAWhile(5*time.Second, func() bool { return holdsLock(dir, p.cmd.Process.Pid) })
			time.Sleep(300 * time.Millisecond) // well into the simulation
			for _, s := range tc.sigs {
				p.cmd.Process.Signal(s)
			}
			took := p.wait(t, 10*time.Second)
			if took > time.Second {
				t.Errorf("exited %v after the signal, want within a second", took)
			}
			if p.code != tc.code || !strings.Contains(p.stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", p.code, p.stderr.String(), tc.code, tc.want)
			}
			if m, err := results.ReadManifest(dir); err != nil || m.Complete {
				t.Errorf("manifest after the interrupt: %+v, %v; want an incomplete one", m, err)
			}
		})
	}
}

// Finding 4: after kill -9, the same command with an edited file
// (delay: 10ms → 200ms; here the main job's 5ms) exited 0 with 116 old and 364 new runs under the
// new manifest. The manifest is now written before the first run.
func TestResumeAfterKillRefusesEditedExperiment(t *testing.T) {
	base := t.TempDir()
	src, err := os.ReadFile(catalog + "old-duplicate-syn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "exp.yaml")
	os.WriteFile(file, src, 0o644)
	dir := filepath.Join(base, "res")
	args := []string{"run", file, "-o", dir, "--quiet", "--jobs", "1", "--set", "replications=40"}
	p := start(t, args...)
	waitFor(t, "a finished run", func() bool { return journalRuns(dir) >= 1 })
	p.cmd.Process.Kill()
	p.wait(t, 5*time.Second)

	edited := bytes.Replace(src, []byte("delay: 5ms"), []byte("delay: 200ms"), 1)
	if bytes.Equal(edited, src) {
		t.Fatal("the catalog file has no 'delay: 5ms' to edit")
	}
	os.WriteFile(file, edited, 0o644)
	code, _, stderr := tcpsim(t, args...)
	if code != exitUsage || !strings.Contains(stderr, "different experiment") {
		t.Errorf("resume with an edited file after kill -9: exit %d, stderr %q; want %d and a refusal", code, stderr, exitUsage)
	}
}

// runShards runs an experiment as n shards with connections recorded and
// returns their directories.
func runShards(t *testing.T, base, file string, n int, sets ...string) []string {
	t.Helper()
	var dirs []string
	for i := range n {
		dir := filepath.Join(base, fmt.Sprintf("shard%d", i))
		args := append([]string{"run", file, "-o", dir, "--quiet", "--shard", fmt.Sprintf("%d/%d", i, n),
			"--set", "record.connections=true"}, sets...)
		if code, _, stderr := tcpsim(t, args...); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// Finding 2: merge with a shard's connections.csv missing exited 0 with
// half the rows; a torn last row was copied; merging into another
// experiment's directory left its timeseries.csv under the new manifest.
func TestMergeRefusesIncompleteShards(t *testing.T) {
	file := catalog + "time-wait-assassination.yaml"
	count := []string{"--set", "workloads[0].count=20"}
	for _, tc := range []struct {
		name   string
		damage func(dirs []string, out string)
		want   []string
	}{
		{"connections.csv missing", func(d []string, _ string) {
			os.Remove(filepath.Join(d[1], "connections.csv"))
		}, []string{"shard 1/2", "connections.csv is missing"}},
		{"torn last row", func(d []string, _ string) {
			p := filepath.Join(d[0], "connections.csv")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-20], 0o644)
		}, []string{"shard 0/2", "connections.csv has"}},
		{"another experiment's directory", func(_ []string, out string) {
			args := []string{"run", catalog + "busy-server.yaml", "-o", out, "--quiet", "--set", "record.occupancy.interval=1s",
				"--set", "replications=1", "--set", "workloads[0].count=10"}
			if code, _, stderr := tcpsim(t, args...); code != 0 {
				t.Fatalf("busy-server: exit %d: %s", code, stderr)
			}
		}, []string{"another experiment"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dirs := runShards(t, base, file, 2, count...)
			out := filepath.Join(base, "merged")
			tc.damage(dirs, out)
			before, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
			code, _, stderr := tcpsim(t, append([]string{"merge", out}, dirs...)...)
			if code != exitUsage {
				t.Errorf("merge: exit %d, want %d; stderr %s", code, exitUsage, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("merge stderr %q lacks %q", stderr, w)
				}
			}
			if after, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(before, after) {
				t.Error("a refused merge rewrote the output's manifest")
			}
		})
	}
}

// Finding 3: plot names inside a shard's manifest were trusted, so
// "../../x/precious" made merge and plot overwrite a file outside the
// directory; trace --pcap F wrote through a link planted at F.tmp; links
// inside -o were followed.
func TestPathsFromFilesAreData(t *testing.T) {
	base := t.TempDir()
	precious := filepath.Join(base, "x", "precious.svg")
	os.MkdirAll(filepath.Dir(precious), 0o755)
	os.WriteFile(precious, []byte("precious"), 0o644)
	check := func(what string) {
		if b, _ := os.ReadFile(precious); string(b) != "precious" {
			t.Errorf("%s overwrote %s", what, precious)
		}
	}

	t.Run("plot names in manifests", func(t *testing.T) {
		dirs := runShards(t, base, catalog+"handshake-under-loss.yaml", 2, "--set", "replications=1", "--set", "workloads[0].count=20")
		for _, d := range dirs {
			path := filepath.Join(d, "manifest.json")
			b, _ := os.ReadFile(path)
			var m map[string]any
			json.Unmarshal(b, &m)
			exp := m["experiment"].(map[string]any)
			plot := exp["plots"].([]any)[0].(map[string]any)
			plot["name"] = "../../x/precious"
			plot["format"] = "svg"
			b, _ = json.Marshal(m)
			os.WriteFile(path, b, 0o644)
		}
		out := filepath.Join(base, "a", "merged")
		code, _, stderr := tcpsim(t, append([]string{"merge", out}, dirs...)...)
		if code != 0 || !strings.Contains(stderr, "not a file-name-safe name") {
			t.Errorf("merge: exit %d, stderr %q; want 0 and a warning that the plot is skipped", code, stderr)
		}
		check("merge")
		code, _, stderr = tcpsim(t, "plot", out)
		if code == 0 || !strings.Contains(stderr, "not a file-name-safe name") {
			t.Errorf("plot: exit %d, stderr %q; want a failure naming the plot", code, stderr)
		}
		check("plot")
	})

	t.Run("trace pcap temporary", func(t *testing.T) {
		pcap := filepath.Join(base, "run0.pcap")
		os.Symlink(precious, pcap+".tmp")
		code, _, stderr := tcpsim(t, "trace", catalog+"simultaneous-close.yaml", "--quiet", "--pcap", pcap,
			"--transitions", filepath.Join(base, "t.csv"))
		if code != 0 {
			t.Fatalf("trace: exit %d: %s", code, stderr)
		}
		check("trace --pcap")
		if st, err := os.Lstat(pcap); err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			t.Errorf("the pcap: %v, %v; want a regular file", st, err)
		}
	})

	for _, link := range []string{"parts", "runs.journal", "runs.csv"} {
		t.Run("link at -o/"+link, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "res")
			os.MkdirAll(dir, 0o755)
			os.Symlink(filepath.Dir(precious), filepath.Join(dir, link))
			code, _, stderr := tcpsim(t, "run", catalog+"time-wait-assassination.yaml", "-o", dir, "--quiet",
				"--set", "workloads[0].count=5", "--set", "record.connections=true")
			if code != exitUsage || !strings.Contains(stderr, "symbolic link") {
				t.Errorf("run with a link at %s: exit %d, stderr %q; want %d and a refusal", link, code, stderr, exitUsage)
			}
			if ents, _ := os.ReadDir(filepath.Dir(precious)); len(ents) != 1 {
				t.Errorf("run wrote through the link: %v", ents)
			}
		})
	}
}

// Finding 5: validate accepted what then exhausted memory, after 10-22 s
// at 5-7 GB, with exit status 2. Now validate and run refuse it at once,
// naming the estimate and the field.
func TestResourceGuards(t *testing.T) {
	for _, tc := range []struct {
		file string
		set  string
		want string
	}{
		{"simultaneous-close.yaml", "replications=1000000000", "replications"},
		{"busy-server.yaml", "workloads[0].arrivals={closed: {clients: 1000000000}}", "workloads[0].arrivals.closed.clients"},
		{"time-wait-assassination.yaml", "injections[0].replay.copies=1000000000", "injections[0].replay.copies"},
		{"busy-server.yaml", "record.occupancy.interval=1us", "record.occupancy.interval"},
	} {
		for _, cmd := range []string{"validate", "run"} {
			dir := filepath.Join(t.TempDir(), "res")
			t0 := time.Now()
			code, _, stderr := tcpsim(t, cmd, catalog+tc.file, "--set", tc.set, "-o", dir, "--max-memory", "4GiB")
			if cmd == "validate" {
				code, _, stderr = tcpsim(t, cmd, catalog+tc.file, "--set", tc.set, "--max-memory", "4GiB")
			}
			if code != exitUsage || !strings.Contains(stderr, "of memory, above the limit of 4 GiB") || !strings.Contains(stderr, tc.want) {
				t.Errorf("%s %s --set %s: exit %d, stderr %q; want %d, the estimate and %s", cmd, tc.file, tc.set, code, stderr, exitUsage, tc.want)
			}
			if d := time.Since(t0); d > 5*time.Second {
				t.Errorf("%s --set %s took %v to refuse", cmd, tc.set, d)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s --set %s: made %s for an experiment it refused", cmd, tc.set, dir)
			}
		}
	}
	// Within the limit, validate prints the estimate.
	code, stdout, stderr := tcpsim(t, "validate", catalog+"million-connections.yaml")
	if code != 0 || !strings.Contains(stdout, "estimate: about") {
		t.Errorf("validate million-connections: exit %d, %q %q", code, stdout, stderr)
	}
}

// oomHelper is the process TestOutOfMemoryExitsOne runs: a heap that grows
// past --max-memory under the memory watch.
func oomHelper() {
	watchMemory(&memLimit{limit: 64 << 20, from: "--max-memory"}, "DIR", os.Stderr)
	var keep [][]byte
	for range 1000 { // at most 1 GiB should the watch fail
		keep = append(keep, make([]byte, 1<<20))
		time.Sleep(time.Millisecond)
	}
	fmt.Println(len(keep))
	os.Exit(0)
}

// Finding 5, second half: a real out-of-memory exited 2, the status of a
// user's mistake; the memory watch makes it 1 with a message.
func TestOutOfMemoryExitsOne(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TCPSIM_TEST_OOM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFail || !strings.Contains(stderr.String(), "out of memory") {
		t.Errorf("a heap past --max-memory: %v, stderr %q; want exit %d and 'out of memory'", err, stderr.String(), exitFail)
	}
}

// Finding 8: a killed run's 30 MB temporary stayed forever; an adaptive
// interrupt printed "244 of 10 runs".
func TestSmallerFindings(t *testing.T) {
	t.Run("stale temporary removed", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "res")
		os.MkdirAll(filepath.Join(dir, "parts"), 0o755)
		stale := []string{filepath.Join(dir, ".runs.csv.tmp3809"), filepath.Join(dir, "parts", ".connections-p0-r0.csv.tmp77")}
		for _, f := range stale {
			os.WriteFile(f, make([]byte, 1<<20), 0o644)
		}
		code, _, stderr := tcpsim(t, "run", catalog+"simultaneous-close.yaml", "-o", dir, "--quiet")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, f := range stale {
			if _, err := os.Stat(f); err == nil || !strings.Contains(stderr, "removed "+f) {
				t.Errorf("%s: still there (or not reported): %s", f, stderr)
			}
		}
	})
	t.Run("adaptive interrupt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"run", catalog + "simultaneous-close.yaml", "-o", filepath.Join(t.TempDir(), "res"), "--quiet",
			"--set", "replications={min: 10, max: 400, until: {metric: handshake_mean_s, ci_halfwidth_rel: 0.01}}"}, &stdout, &stderr)
		if code != exitIntr || !strings.Contains(stderr.String(), "adaptive replication: at least") || strings.Contains(stderr.String(), " of ") {
			t.Errorf("adaptive interrupt: exit %d, stderr %q; want %d and no 'N of M runs'", code, stderr.String(), exitIntr)
		}
	})
	t.Run("errors capped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("name: many\nhosts:\n")
		for i := range 300 {
			fmt.Fprintf(&b, "  - {name: h%d, bogus%d: 1}\n", i, i)
		}
		file := filepath.Join(t.TempDir(), "many.yaml")
		os.WriteFile(file, []byte(b.String()), 0o644)
		code, _, stderr := tcpsim(t, "validate", file)
		if code != exitUsage || !strings.Contains(stderr, "too many problems; stopped after 200") {
			t.Errorf("300 problems: exit %d, last lines %q; want a note that the list stops at 200", code, lastLines(stderr, 2))
		}
	})
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(len(l)-n, 0):], "\n")
}

// A second signal exits at once, without waiting for the graceful stop
// the first one started; a command that does not stop gracefully exits on
// the first.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name          string
		interruptible bool
		sigs          []os.Signal
		cancelled     bool
		exit          int
	}{
		{"run, SIGINT twice", true, []os.Signal{os.Interrupt, os.Interrupt}, true, exitIntr},
		{"run, SIGTERM twice", true, []os.Signal{syscall.SIGTERM, syscall.SIGTERM}, true, exitTerm},
		{"merge, one SIGTERM", false, []os.Signal{syscall.SIGTERM}, false, exitTerm},
	} {
		interruptible.Store(tc.interruptible)
		sigs := make(chan os.Signal, 2)
		for _, s := range tc.sigs {
			sigs <- s
		}
		var first atomic.Value
		cancelled, exit := false, -1
		var stderr bytes.Buffer
		handleSignals(sigs, &first, func() { cancelled = true }, func(c int) { exit = c }, &stderr)
		if cancelled != tc.cancelled || exit != tc.exit || first.Load() != tc.sigs[0] {
			t.Errorf("%s: cancelled %v, exit %d; want %v and %d\n%s", tc.name, cancelled, exit, tc.cancelled, tc.exit, stderr.String())
		}
	}
	interruptible.Store(false)
}
