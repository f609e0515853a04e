package sweep

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress reports how far a sweep has come: a live bar redrawn in place on a
// terminal, or a plain line at most every interval otherwise (CI and cluster
// logs). A nil writer reports nothing.
type progress struct {
	w        io.Writer
	tty      bool
	now      func() time.Time
	start    time.Time
	last     time.Time
	interval time.Duration
	total    int // 0 when unknown
	// atLeast says total is a lower bound (adaptive replications): no
	// percentage or ETA, and done may pass it.
	atLeast bool
	// most is the upper bound under adaptive replications (every point
	// taken to its max); 0 when unknown.
	most int
	unit string
}

func newProgress(w io.Writer, tty bool, now func() time.Time, total int, unit string) *progress {
	t := now()
	return &progress{w: w, tty: tty, now: now, start: t, last: t, interval: 10 * time.Second,
		total: total, unit: unit}
}

// update reports done runs, this session's new runs, and resumed ones.
func (p *progress) update(done, fresh int, final bool) {
	if p.w == nil {
		return
	}
	t := p.now()
	every := p.interval
	if p.tty {
		every = 200 * time.Millisecond
	}
	if !final && t.Sub(p.last) < every {
		return
	}
	p.last = t
	elapsed := t.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(fresh) / elapsed
	}
	eta := "?"
	if p.total > 0 && rate > 0 {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	var line string
	switch {
	case p.atLeast:
		line = fmt.Sprintf("%d %s (%s), %.1f %s/s", done, p.unit, p.bounds(), rate, p.unit)
	case p.total > 0:
		line = fmt.Sprintf("%d/%d %s (%.0f%%), %.1f %s/s, ETA %s", done, p.total, p.unit,
			100*float64(done)/float64(p.total), rate, p.unit, eta)
	default:
		line = fmt.Sprintf("%d %s, %.1f %s/s", done, p.unit, rate, p.unit)
	}
	switch {
	case p.tty:
		bar := ""
		if p.total > 0 && !p.atLeast {
			n := 24 * done / p.total
			bar = "[" + strings.Repeat("#", n) + strings.Repeat("-", 24-n) + "] "
		}
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r\033[K%s%s%s", bar, line, end)
	default:
		fmt.Fprintf(p.w, "tcpsim: %s\n", line)
	}
}

// bounds says how many runs an adaptive sweep does in all: "adaptive
// replication: 10 to 100 in all", or "at least 10" when the most is unknown.
func (p *progress) bounds() string {
	if p.most > p.total {
		return fmt.Sprintf("adaptive replication: %d to %d in all", p.total, p.most)
	}
	return fmt.Sprintf("adaptive replication: at least %d in all", p.total)
}

// resuming says, before the first new run, how many runs an earlier
// invocation finished: "resuming: 32 of 120 runs done".
func (p *progress) resuming(done int) {
	if p.w == nil || done == 0 {
		return
	}
	if p.atLeast {
		fmt.Fprintf(p.w, "tcpsim: resuming: %d %s done (%s)\n", done, p.unit, p.bounds())
		return
	}
	fmt.Fprintf(p.w, "tcpsim: resuming: %d of %d %s done\n", done, p.total, p.unit)
}
