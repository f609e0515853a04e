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
	"syscall"
)

// Exit codes: 0 success, 1 a failure while running, 2 a user's mistake (a
// bad file, flag or directory), 130 interrupted.
const (
	exitFail  = 1
	exitUsage = 2
	exitIntr  = 130
)

const usage = `tcpsim: a discrete-event simulator for TCP connection management

Usage:
  tcpsim run FILE.yaml [-o DIR] [--jobs N] [--shard I/N | --shards N] [--set path=value ...] [--quiet]
      Run every sweep point × replication and write DIR (default results/NAME):
      manifest.json, runs.csv, summary.csv, and connections.csv and
      timeseries.csv when the file asks for them. Running the same command
      again after an interruption runs only what is missing. Under a Slurm job
      array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job
      (JOB_COMPLETION_INDEX, with --shards N or TCPSIM_SHARDS) the shard is
      found from the environment.
  tcpsim validate FILE.yaml [--set path=value ...]
      Check a file and print its sweep size; report every problem at once.
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

Exit status: 0 success, 1 failure, 2 bad input, 130 interrupted.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopGC := tuneGC(os.Getenv)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopGC()
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
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
