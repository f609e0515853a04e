// Command tcpsim runs TCP connection-management experiments described in
// YAML files. Run "tcpsim help" for the commands.
//
// The command only parses flags and wires packages together; everything it
// does is owned by the experiments, results and plots packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
)

// Exit codes: 0 success, 1 a failure while running (out of memory
// included), 2 a user's mistake (a bad file, flag or directory, a directory
// in use, an experiment too big for the memory), 130 interrupted by SIGINT,
// 143 by SIGTERM (128 + the signal, as a shell reports it).
const (
	exitFail  = 1
	exitUsage = 2
	exitIntr  = 130
	exitTerm  = 143
)

const usage = `tcpsim: a discrete-event simulator for TCP connection management

Usage:
  tcpsim run FILE.yaml [-o DIR] [--jobs N] [--shard I/N | --shards N] [--set path=value ...] [--quiet]
             [--max-memory SIZE]
      Run every sweep point × replication and write DIR (default results/NAME):
      manifest.json, runs.csv, summary.csv, and connections.csv and
      timeseries.csv when the file asks for them. Running the same command
      again after an interruption runs only what is missing. Under a Slurm job
      array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job
      (JOB_COMPLETION_INDEX, with --shards N or TCPSIM_SHARDS) the shard is
      found from the environment. One process writes a directory at a time.
      SIGINT or SIGTERM stops the runs in progress and keeps the finished
      ones; a second signal exits at once.
  tcpsim validate FILE.yaml [--set path=value ...] [--jobs N] [--max-memory SIZE]
      Check a file and print its sweep size and an estimate of its events,
      memory and result size; report every problem at once. An experiment
      estimated to need more memory than SIZE (default 80% of the machine's)
      is refused.
  tcpsim merge OUT DIR...
      Combine the result directories of the shards of one sweep into OUT.
  tcpsim plot DIR [--format png|svg|pdf]
      Redraw the figures of the experiment's plots: section from DIR's
      result files into DIR/plots.
  tcpsim trace FILE.yaml [--run K] [--pcap F] [--ladder F] [--conn ID] [--window T1..T2]
               [--host NAME] [--transitions F] [--set path=value ...] [--quiet]
      Run run K (point K / replications, replication K % replications) with
      tracing: a tcpdump-like text trace at the capture host (default: the
      first workload's server) on stdout, a pcap, a ladder diagram of one
      connection or a time window, and transitions.csv for coverage plots.
  tcpsim packetdrill [--profile P] [-D NAME]... [--json] [--pcap FILE] [--set Field=value]... PATH...
      Run packetdrill scripts (files, or folders searched for *.pkt) against
      one simulated host running profile P; the script plays the peer. One
      line per script (PASS, FAIL script:line with expected and got, SKIP with
      the reason), then "N passed, M failed, K skipped of T". See
      docs/packetdrill.md.
  tcpsim version
  tcpsim help

Exit status: 0 success, 1 failure (out of memory included), 2 bad input,
130 interrupted (SIGINT), 143 terminated (SIGTERM).
`

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	var first atomic.Value // the first signal received
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go handleSignals(sigs, &first, cancel, os.Exit, os.Stderr)
	stopGC := tuneGC(os.Getenv)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopGC()
	if s, ok := first.Load().(os.Signal); ok && code == exitIntr {
		code = signalExit(s)
	}
	os.Exit(code)
}

// handleSignals acts on the signals: the first one is stored in first and
// cancels a command that stops gracefully (exits at once otherwise); a
// second one exits at once.
func handleSignals(sigs <-chan os.Signal, first *atomic.Value, cancel func(), exit func(int), stderr io.Writer) {
	s := <-sigs
	first.Store(s)
	if !interruptible.Load() {
		exit(signalExit(s))
		return
	}
	fmt.Fprintf(stderr, "\ntcpsim: %v: stopping the runs in progress; finished runs are kept (signal again to exit at once)\n", s)
	cancel()
	s = <-sigs
	fmt.Fprintf(stderr, "tcpsim: %v again: exiting at once; run the same command again to resume\n", s)
	exit(signalExit(s))
}

// signalExit is the exit status after signal s: 128 + its number.
func signalExit(s os.Signal) int {
	if s == syscall.SIGTERM {
		return exitTerm
	}
	return exitIntr
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	// run and trace stop gracefully on a first signal; the others exit.
	interruptible.Store(cmd == "run" || cmd == "trace")
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "plot":
		return cmdPlot(rest, stdout, stderr)
	case "trace":
		return cmdTrace(ctx, rest, stdout, stderr)
	case "packetdrill":
		return cmdPacketdrill(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "tcpsim", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tcpsim: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// listFlag collects a repeated flag's values.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlags returns a flag set that reports errors on stderr without
// exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tcpsim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// usageError prints a problem with the command line.
func usageError(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "tcpsim: "+format+"\n", a...)
	return exitUsage
}

// isFlagHelp reports whether err is the flag package's -h request.
func isFlagHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }
