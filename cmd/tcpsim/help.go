package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is the help of one subcommand: "tcpsim help CMD" and "CMD -h"
// print it with the command's flags; "tcpsim help" lists every synopsis
// and about.
type command struct {
	name     string
	synopsis string   // the usage line, after "tcpsim "
	about    string   // what it does, a few lines
	args     []string // each positional argument: "NAME  meaning"
	example  string
}

// commands are the subcommands in the order "tcpsim help" lists them.
var commands = []command{
	{
		name: "run",
		synopsis: `run FILE.yaml [-o DIR] [-j N] [--shard I/N | --shards N] [--set path=value ...] [--quiet]
             [--max-memory SIZE] [--cpuprofile FILE]`,
		about: `Run every sweep point × replication and write DIR (default results/NAME):
manifest.json, runs.csv, summary.csv, histograms.csv, workloads.csv
when the file has more than one workload, and connections.csv and
timeseries.csv when it asks for them. Running the same command
again after an interruption runs only what is missing. Under a Slurm job
array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job
(JOB_COMPLETION_INDEX, with --shards N or TCPSIM_SHARDS) the shard is
found from the environment. One process writes a directory at a time.
SIGINT or SIGTERM stops the runs in progress and keeps the finished
ones; a second signal exits at once.`,
		args:    []string{"FILE.yaml  the experiment; - reads it from standard input"},
		example: "tcpsim run experiments/catalog/handshake-under-loss.yaml -o results/loss -j 2",
	},
	{
		name:     "validate",
		synopsis: "validate FILE.yaml [--set path=value ...] [-j N] [--max-memory SIZE]",
		about: `Check a file and print its sweep size and an estimate of its events,
memory and result size; report every problem at once. An experiment
estimated to need more memory than SIZE (default 80% of the machine's)
is refused.`,
		args:    []string{"FILE.yaml  the experiment; - reads it from standard input"},
		example: "tcpsim validate experiments/catalog/old-duplicate-syn.yaml --set 'workloads[0].count=300'",
	},
	{
		name:     "merge",
		synopsis: "merge OUT DIR...",
		about:    `Combine the result directories of the shards of one sweep into OUT.`,
		args: []string{
			"OUT     the result directory to write (created if missing)",
			"DIR...  the shards' result directories, one or more",
		},
		example: "tcpsim merge results/big shards/0 shards/1 shards/2",
	},
	{
		name:     "plot",
		synopsis: "plot DIR [--format png|svg|pdf]",
		about: `Redraw the figures of the experiment's plots: section from DIR's
result files into DIR/plots.`,
		args:    []string{"DIR  a result directory that tcpsim run wrote (it holds manifest.json)"},
		example: "tcpsim plot results/handshake-under-loss --format pdf",
	},
	{
		name: "trace",
		synopsis: `trace FILE.yaml [--run K] [--pcap F] [--ladder F] [--conn ID] [--window T1..T2]
               [--absolute-seq] [--host NAME] [--transitions F] [--set path=value ...] [--quiet]`,
		about: `Run run K (point K / replications, replication K % replications) with
tracing: a tcpdump-like text trace at the capture host (default: the
first workload's server) on stdout, and, each only when asked for, a
pcap, a ladder diagram of one connection or a time window, and
transitions.csv for coverage plots.`,
		args: []string{"FILE.yaml  the experiment; - reads it from standard input"},
		example: `tcpsim trace experiments/catalog/old-duplicate-syn.yaml --set 'workloads[0].count=300' \
      --conn 61 --ladder ladder.png --pcap run0.pcap`,
	},
	{
		name:     "packetdrill",
		synopsis: "packetdrill [--profile P] [-D NAME]... [--json] [--pcap FILE] [--set Field=value]... PATH...",
		about: `Run packetdrill scripts (files, or folders searched for *.pkt) against
one simulated host running profile P; the script plays the peer. One
line per script (PASS, FAIL script:line with expected and got, SKIP with
the reason), then "N passed, M failed, K skipped of T". See
docs/packetdrill.md.`,
		args:    []string{"PATH...  scripts, or folders searched for *.pkt"},
		example: "tcpsim packetdrill --profile linux testdata/packetdrill/linux",
	},
	{
		name:     "version",
		synopsis: "version",
		about:    "Print tcpsim's version.",
		example:  "tcpsim version",
	},
	{
		name:     "help",
		synopsis: "help [CMD]",
		about:    "Print this list, or one command's arguments, flags and an example.",
		args:     []string{"CMD  a command: " + commandNames()},
		example:  "tcpsim help run",
	},
}

// commandNames lists the command names for messages.
func commandNames() string {
	return "run, validate, merge, plot, trace, packetdrill, version or help"
}

// findCommand returns the help of the named command.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage is "tcpsim help": every command's synopsis and what it does.
var usage = func() string {
	var b strings.Builder
	b.WriteString("tcpsim: a discrete-event simulator for TCP connection management\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  tcpsim %s\n", c.synopsis)
		if c.name == "version" || c.name == "help" {
			continue
		}
		for _, l := range strings.Split(c.about, "\n") {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	b.WriteString(`
Run "tcpsim help CMD" (or "tcpsim CMD -h") for a command's arguments, flags
and an example.

Exit status: 0 success, 1 failure (out of memory included), 2 bad input,
130 interrupted (SIGINT), 143 terminated (SIGTERM).
`)
	return b.String()
}()

// printHelp writes a command's help: usage line, what it does, its
// positional arguments, its flags (fs, if not nil) and an example.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: tcpsim %s\n\n%s\n", c.synopsis, c.about)
	if len(c.args) > 0 {
		fmt.Fprintf(w, "\nArguments:\n")
		for _, a := range c.args {
			fmt.Fprintf(w, "  %s\n", a)
		}
	}
	if fs != nil {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintf(w, "\nFlags:\n")
			out := fs.Output()
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(out)
		}
	}
	fmt.Fprintf(w, "\nExample:\n  %s\n", c.example)
}

// cmdHelp is "tcpsim help [CMD]": the list of commands, or one command's
// help with its flags (got by asking the command itself for -h).
func cmdHelp(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) > 1:
		return usageError(stderr, "help takes at most one command, got %d arguments", len(args))
	}
	c, ok := findCommand(args[0])
	if !ok {
		return unknownCommand(args[0], stderr)
	}
	switch c.name {
	case "version", "help":
		printHelp(stdout, c, nil)
		return 0
	}
	// The command prints its own help, flags included, where it would
	// print its errors: here, stdout.
	return run(context.Background(), []string{c.name, "-h"}, stdout, stdout)
}

// unknownCommand reports a command that does not exist, with the nearest
// one when it is a likely typo.
func unknownCommand(name string, stderr io.Writer) int {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	hint := ""
	if s := nearest(name, names); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	fmt.Fprintf(stderr, "tcpsim: unknown command %q%s\n\n%s", name, hint, usage)
	return exitUsage
}

// flagError explains a flag the flag package refused: the problem, the
// nearest defined flag for an unknown one, and where the help is.
func flagError(fs *flag.FlagSet, err error, w io.Writer) {
	cmd := strings.TrimPrefix(fs.Name(), "tcpsim ")
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = fmt.Sprintf("unknown flag %s", dashed(name))
		if s := nearest(name, names); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", dashed(s))
		}
	}
	fmt.Fprintf(w, "tcpsim %s: %s\nRun \"tcpsim help %s\" for its arguments and flags.\n", cmd, msg, cmd)
}

// dashed spells a flag as a user types it: -j, --jobs.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// nearest returns the candidate closest to s when it is close enough to be
// a typo (at most half of s's letters apart, or s a prefix of it), or "".
func nearest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+1
	for _, c := range candidates {
		if len(s) >= 2 && strings.HasPrefix(c, s) {
			return c
		}
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}
