package experiments

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tcpsim/experiments/config"
	"tcpsim/experiments/results"
	"tcpsim/experiments/sim"
	"tcpsim/experiments/tracing"
)

// tracesDir is the folder of a result directory that record.trace writes
// to.
const tracesDir = "traces"

// recordTraces carries out record.trace once the runs are done: for each
// listed run that this invocation has (done now or before), the capture
// host's text trace (run-K.txt, at most Limit lines), a pcap (run-K.pcap)
// and a ladder diagram per listed connection (run-K-conn-C.png), into
// DIR/traces/. Each run is simulated again with tracing attached: the same
// seed and streams give the same events as the run that made runs.csv.
// Files that exist are kept, so a resumed sweep only adds what is missing.
func recordTraces(ctx context.Context, e *config.Experiment, dir string, runs *results.Runs) ([]string, error) {
	t := e.Record.Trace
	if t == nil {
		return nil, nil
	}
	done := map[[2]int]bool{}
	for _, r := range runs.Rows {
		done[[2]int{r.Point, r.Replication}] = true
	}
	list := t.Runs
	if len(list) == 0 {
		list = []config.Count{0}
	}
	conns := t.Conns
	if t.Ladder && len(conns) == 0 {
		conns = []config.Count{1}
	}
	out := filepath.Join(dir, tracesDir)
	var written []string
	for _, k := range list {
		j, err := sim.Job(e, int(k))
		if err != nil {
			// A run Trace could not trace either: said as Trace says it.
			return written, fmt.Errorf("record.trace.runs: %w: %w", tracing.ErrTrace, err)
		}
		if !done[[2]int{j.Point, j.Replication}] {
			continue // another shard's, or not reached yet
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return written, err
		}
		stem := filepath.Join(out, fmt.Sprintf("run-%d", k))
		if _, err := os.Stat(stem + ".txt"); os.IsNotExist(err) {
			var text, pcap bytes.Buffer
			opts := tracing.TraceOptions{Run: int(k), Text: &limitedLines{w: &text, left: int(t.Limit)}}
			if t.Pcap {
				opts.Pcap = &pcap
			}
			if _, err := tracing.Trace(ctx, e, opts); err != nil {
				return written, fmt.Errorf("record.trace: run %d: %w", k, err)
			}
			if t.Pcap {
				if err := writeBytes(stem+".pcap", pcap.Bytes()); err != nil {
					return written, err
				}
				written = append(written, stem+".pcap")
			}
			// The text trace last: its presence marks the run as traced.
			if err := writeBytes(stem+".txt", text.Bytes()); err != nil {
				return written, err
			}
			written = append(written, stem+".txt")
		}
		if !t.Ladder {
			continue
		}
		for _, c := range conns {
			name := fmt.Sprintf("%s-conn-%d.png", stem, c)
			if _, err := os.Stat(name); err == nil {
				continue
			}
			res, err := tracing.Trace(ctx, e, tracing.TraceOptions{Run: int(k), Ladder: true, Conn: int(c)})
			if err != nil {
				return written, fmt.Errorf("record.trace: run %d, connection %d: %w", k, c, err)
			}
			fig, err := res.LadderFigure(fmt.Sprintf("%s, run %d, %s", e.Name, k, res.ConnName))
			if err == nil {
				err = results.SaveFigure(fig, name)
			}
			if err != nil {
				return written, fmt.Errorf("record.trace: run %d, connection %d: %w", k, c, err)
			}
			written = append(written, name)
		}
	}
	return written, nil
}

func writeBytes(path string, b []byte) error {
	return results.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// limitedLines passes at most left lines to w, then one line saying the
// trace was cut, and swallows the rest.
type limitedLines struct {
	w    io.Writer
	left int
	cut  bool
}

// Write implements io.Writer.
func (l *limitedLines) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && !l.cut {
		if l.left == 0 {
			l.cut = true
			_, err := io.WriteString(l.w, "… cut here: record.trace.limit lines written\n")
			return n, err
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			_, err := l.w.Write(p)
			return n, err
		}
		if _, err := l.w.Write(p[:i+1]); err != nil {
			return n, err
		}
		l.left--
		p = p[i+1:]
	}
	return n, nil
}
