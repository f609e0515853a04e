package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"tcpsim/engine"
	"tcpsim/experiments/config"
	"tcpsim/experiments/figures"
	"tcpsim/experiments/results"
	"tcpsim/experiments/tracing"
	"tcpsim/plots"
)

// cmdTrace runs one run with tracing: the text trace on stdout, and the
// pcap, ladder diagram and transitions.csv each only when asked for.
func cmdTrace(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("trace", stderr)
	var sets listFlag
	runK := fs.Int("run", 0, "run index K: point K / replications, replication K % replications")
	pcap := fs.String("pcap", "", "write a pcap of the capture host's packets to `FILE`")
	ladder := fs.String("ladder", "", "draw a ladder diagram to `FILE` (.png, .svg or .pdf)")
	conn := fs.Int("conn", 0, "the ladder's connection: 1-based ordinal in the first workload (default 1, or all in --window)")
	window := fs.String("window", "", "the ladder's time window `T1..T2` (seconds or durations: 1s..2.5s)")
	host := fs.String("host", "", "capture host (default: the first workload's server)")
	trans := fs.String("transitions", "", "write the run's state transitions (transitions.csv, for coverage plots) to `FILE`")
	quiet := fs.Bool("quiet", false, "print only the summary line, not the text trace")
	absSeq := fs.Bool("absolute-seq", false, "label the ladder's segments with sequence numbers as on the wire (default: relative to each incarnation's ISN)")
	fs.Var(&sets, "set", "override a field: path=value (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(stderr, "trace takes one file, got %d arguments", len(pos))
	}
	if *conn < 0 {
		return usageError(stderr, "--conn %d: want a connection ordinal ≥ 1", *conn)
	}
	var start, end engine.Time
	if *window != "" {
		if start, end, err = parseWindow(*window); err != nil {
			return usageError(stderr, "--window %q: %v", *window, err)
		}
	}
	for _, f := range []struct{ flag, path string }{{"pcap", *pcap}, {"ladder", *ladder}, {"transitions", *trans}} {
		if f.path == "" {
			continue
		}
		// Found before the run, not after it: a directory that is not there.
		if st, err := os.Stat(filepath.Dir(f.path)); err != nil || !st.IsDir() {
			return usageError(stderr, "--%s %s: %s is not a directory", f.flag, f.path, filepath.Dir(f.path))
		}
	}
	if *ladder != "" {
		if _, err := plots.ParseFormat(filepath.Ext(*ladder)); err != nil {
			return usageError(stderr, "--ladder %s: want a .png, .svg or .pdf file", *ladder)
		}
		if *conn == 0 && *window == "" {
			*conn = 1
		}
	}
	e, ok := load(pos[0], sets, stderr)
	if !ok {
		return exitUsage
	}

	opts := tracing.TraceOptions{Run: *runK, Host: *host, Ladder: *ladder != "", Conn: *conn, Start: start, End: end,
		AbsoluteSeq: *absSeq}
	out := bufio.NewWriter(stdout)
	if !*quiet {
		opts.Text = out
	}
	var pcapFile *os.File
	var pcapTmp string
	if *pcap != "" {
		// A temporary with an unpredictable name, created exclusively in
		// the target's directory (never through a link planted at a known
		// name), renamed over the target at the end.
		if pcapFile, err = os.CreateTemp(filepath.Dir(*pcap), "."+filepath.Base(*pcap)+".tmp*"); err != nil {
			fmt.Fprintln(stderr, "tcpsim:", err)
			if badPath(err) {
				return exitUsage
			}
			return exitFail
		}
		pcapTmp = pcapFile.Name()
		defer os.Remove(pcapTmp)
		pw := bufio.NewWriter(pcapFile)
		opts.Pcap = pw
		defer pw.Flush()
	}
	res, err := tracing.Trace(ctx, e, opts)
	switch {
	case errors.Is(err, tracing.ErrTrace):
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "tcpsim: interrupted")
		return exitIntr
	case err != nil:
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	if *quiet {
		fmt.Fprintln(out, res.Counts)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	if pcapFile != nil {
		if err := finishFile(pcapFile, opts.Pcap.(*bufio.Writer), pcapTmp, *pcap); err != nil {
			fmt.Fprintln(stderr, "tcpsim:", err)
			return exitFail
		}
		fmt.Fprintf(stderr, "pcap: %s (%d packets at %s)\n", *pcap, res.Counts.Packets, res.Host)
	}
	if *ladder != "" {
		title := fmt.Sprintf("%s, run %d", e.Name, *runK)
		if res.ConnName != "" {
			title += ", " + res.ConnName
		}
		fig, err := res.LadderFigure(title)
		if err == nil {
			err = results.SaveFigure(fig, *ladder)
		}
		if err != nil {
			fmt.Fprintln(stderr, "tcpsim: ladder:", err)
			return exitFail
		}
		fmt.Fprintf(stderr, "ladder: %s (%d segments)\n", *ladder, len(res.Segments))
	}
	if *trans == "" {
		return 0
	}
	tpath := *trans
	if err := results.WriteFileAtomic(tpath, func(w io.Writer) error {
		return figures.WriteTransitions(w, res.Transitions)
	}); err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "transitions: %s (run %d: point %d, replication %d)\n", tpath, *runK, res.Point, res.Replication)
	return 0
}

// finishFile flushes, syncs and closes a temporary file and renames it into
// place.
func finishFile(f *os.File, w *bufio.Writer, tmp, dst string) error {
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// parseWindow parses "T1..T2": seconds ("1.5") or durations ("1500ms").
func parseWindow(s string) (start, end engine.Time, err error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, errors.New("want T1..T2, such as 0..2s")
	}
	t := func(v string) (engine.Time, error) {
		v = strings.TrimSpace(v)
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
			return engine.Time(f * 1e9), nil
		}
		d, err := config.ParseDuration(v)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("%q: want seconds or a duration", v)
		}
		return engine.Time(d), nil
	}
	if start, err = t(a); err != nil {
		return 0, 0, err
	}
	if end, err = t(b); err != nil {
		return 0, 0, err
	}
	if end <= start {
		return 0, 0, errors.New("want T1 < T2")
	}
	return start, end, nil
}
