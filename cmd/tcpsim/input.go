package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

// stdin is where "-" reads an experiment from; tests replace it.
var stdin io.Reader = os.Stdin

// stdinName names standard input in error messages (stdin:3:5: ...).
const stdinName = "stdin"

// fileName is how messages name a file argument: "-" is stdin.
func fileName(arg string) string {
	if arg == "-" {
		return stdinName
	}
	return arg
}

// badPath reports whether err says that a path the user gave cannot be
// used as asked: no permission, a read-only file system, a file where a
// directory must be or the other way round, or a missing parent. Those
// are the user's to fix (exit status 2), unlike a full disk or an I/O
// error.
func badPath(err error) bool {
	for _, e := range []error{fs.ErrPermission, fs.ErrExist, fs.ErrNotExist, syscall.ENOTDIR, syscall.EISDIR, syscall.EROFS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// loadStdin is experiments.Load for an experiment on standard input; its
// problems are reported as stdin:LINE:COL.
func loadStdin(sets []string) (*config.Experiment, error) {
	data, err := io.ReadAll(io.LimitReader(stdin, config.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", stdinName, err)
	}
	return config.ParseChecked(stdinName, data, sim.Check, sets...)
}
