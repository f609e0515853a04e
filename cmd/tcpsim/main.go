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
	case "help":
		return cmdHelp(rest, stdout, stderr)
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	return unknownCommand(cmd, stderr)
}

// listFlag collects a repeated flag's values.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones. On -h it prints
// the command's help, and on a bad flag what is wrong with it (the nearest
// flag for an unknown one), both to the flag set's output.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	out := fs.Output()
	for {
		fs.SetOutput(io.Discard) // the flag package's own messages
		err := fs.Parse(args)
		fs.SetOutput(out)
		if isFlagHelp(err) {
			c, _ := findCommand(strings.TrimPrefix(fs.Name(), "tcpsim "))
			printHelp(out, c, fs)
			return nil, err
		}
		if err != nil {
			flagError(fs, err, out)
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
