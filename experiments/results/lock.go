package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockName is the lock file of a result directory.
const LockName = ".tcpsim.lock"

// ErrLocked means another process holds a result directory's lock.
var ErrLocked = errors.New("results: the result directory is in use")

// Lock is a result directory's advisory lock (flock(2) on LockName): a
// directory has one writer at a time. The kernel releases it when the
// process dies, however it dies, so a stale lock file locks nothing.
type Lock struct {
	f *os.File
}

// LockDir creates dir if needed and takes its lock for the command what
// ("run", "merge", "plot"). If another process holds it, the error wraps
// ErrLocked and names that process's PID and command.
func LockDir(dir, what string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	path := filepath.Join(dir, LockName)
	f, err := openNoFollow(path, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, err
	}
	if err := flock(f); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, cmd, ok := strings.Cut(strings.TrimSpace(string(b)), " "); ok {
				if _, perr := strconv.Atoi(pid); perr == nil {
					holder = fmt.Sprintf("process %s (tcpsim %s)", pid, cmd)
				}
			}
		}
		f.Close()
		return nil, fmt.Errorf("%w: %s is being written by %s; wait for it to finish or use another directory",
			ErrLocked, dir, holder)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), what)), 0)
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock. The lock file stays, empty of meaning.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
