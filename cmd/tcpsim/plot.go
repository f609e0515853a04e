package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tcpsim/experiments/figures"
)

// cmdPlot redraws the figures of a result directory.
func cmdPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot", stderr)
	format := fs.String("format", "", "png, svg or pdf (default: each plot's format:)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(stderr, "plot takes one result directory, got %d arguments", len(pos))
	}
	switch *format {
	case "", "png", "svg", "pdf":
	default:
		return usageError(stderr, "--format %q: want png, svg or pdf", *format)
	}
	if _, err := os.Stat(filepath.Join(pos[0], "manifest.json")); err != nil {
		// A directory that is not a result directory: the user's mistake.
		return usageError(stderr, "plot %s: not a result directory (%v); give the directory tcpsim run wrote", pos[0], err)
	}
	lock, code := lockDir(pos[0], "plot", stderr)
	if lock == nil {
		return code
	}
	defer lock.Unlock()
	files, err := figures.DrawPlots(pos[0], *format)
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tcpsim:", err)
		return exitFail
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "tcpsim: %s: the experiment has no plots: section\n", pos[0])
	}
	return 0
}
