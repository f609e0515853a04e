package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tcpsim/experiments"
	"tcpsim/experiments/config"
)

// memLimit is the --max-memory flag: the most memory an experiment may be
// estimated to need, and the live heap at which a run stops.
type memLimit struct {
	limit int64
	from  string // where the value came from, for messages
}

func (m *memLimit) String() string { return experiments.Bytes(float64(m.limit)) }

func (m *memLimit) Set(s string) error {
	v, err := config.ParseSize(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("want a size such as 4GiB or 512MB")
	}
	m.limit, m.from = int64(v), "--max-memory"
	return nil
}

// memoryFlag adds --max-memory to fs, defaulting to machineLimit.
func memoryFlag(fs *flag.FlagSet) *memLimit {
	lim, from := machineLimit()
	m := &memLimit{limit: lim, from: from}
	fs.Var(m, "max-memory", "refuse experiments estimated to need more memory than `SIZE`, and stop a run whose heap passes it (default: 80% of the machine's memory)")
	return m
}

// machineLimit is 80 % of the machine's memory, or of the cgroup's limit
// when that is lower.
func machineLimit() (int64, string) {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				total = kb << 10
			}
		}
		f.Close()
	}
	from := "80% of the machine's memory; --max-memory to change"
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total, from = v, "80% of the cgroup's memory limit; --max-memory to change"
		}
	}
	if total <= 0 {
		return 8 << 30, "a default of 8 GiB (the machine's memory is unknown); --max-memory to change"
	}
	return total / 10 * 8, from
}

// interruptible says the running command stops gracefully on a first
// signal (run, trace); other commands exit at once.
var interruptible atomic.Bool

// watchMemory stops the process with exit status 1 and a message once the
// live heap passes the limit: an out-of-memory the estimate did not
// foresee is a failure, not the user's mistake (the runtime's own "out of
// memory" crash would exit with 2). It also keeps the collector from
// letting garbage approach the limit. Finished runs stay in dir's journal.
func watchMemory(m *memLimit, dir string, stderr io.Writer) (stop func()) {
	if m.limit <= 0 {
		return func() {}
	}
	heapLimit.Store(m.limit)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(min(currentMemoryLimit(), m.limit))
	}
	done := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(s)
				if s[0].Value.Kind() == metrics.KindUint64 && int64(s[0].Value.Uint64()) > m.limit {
					fmt.Fprintf(stderr, "tcpsim: out of memory: the live heap passed %s (%s); the runs finished so far are kept in %s. "+
						"Run fewer at once (--jobs), record less, or raise --max-memory.\n",
						experiments.Bytes(float64(s[0].Value.Uint64())), m.from, dir)
					os.Exit(exitFail)
				}
			}
		}
	}()
	return func() { close(done) }
}

// heapLimit is the --max-memory of the running command (0: none), which
// the collector's policy (gc.go) must not raise its soft limit above.
var heapLimit atomic.Int64

func currentMemoryLimit() int64 { return debug.SetMemoryLimit(-1) }
