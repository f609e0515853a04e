package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tcpsim/endpoint"
	"tcpsim/experiments/packetdrill"
	"tcpsim/experiments/trace"
)

// cmdPacketdrill runs packetdrill scripts against one simulated host:
// one line per script, then "N passed, M failed, K skipped of T". Exit
// status 0 when none failed, 1 when one did, 2 on an unreadable script or
// a bad command line.
func cmdPacketdrill(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("packetdrill", stderr)
	profile := fs.String("profile", "rfc9293", "endpoint `profile` the host runs ("+strings.Join(endpoint.Profiles(), ", ")+")")
	var defines, sets listFlag
	fs.Var(&defines, "D", "define `NAME` for #ifdef (repeatable)")
	fs.Var(&sets, "set", "override an endpoint.Config field or a sysctl of the table, `Field=value` (repeatable)")
	asJSON := fs.Bool("json", false, "one JSON object per script {script, result, line, reason}")
	pcap := fs.String("pcap", "", "write the host's segments to `FILE` (one script only)")
	verbose := fs.Bool("v", false, "also print the skips counted by kind on stderr")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if isFlagHelp(err) {
			return 0
		}
		return exitUsage
	}
	if len(paths) == 0 {
		return usageError(stderr, "packetdrill: give at least one script or folder")
	}
	opts := packetdrill.Options{Profile: *profile, Defines: defines, Set: sets}
	if _, err := endpoint.Profile(*profile); err != nil {
		return usageError(stderr, "packetdrill: %v", err)
	}
	cfg, _ := endpoint.Profile(*profile)
	if err := packetdrill.ApplySet(&cfg, sets); err != nil {
		return usageError(stderr, "%v", err)
	}
	scripts, err := findScripts(paths)
	if err != nil {
		return usageError(stderr, "packetdrill: %v", err)
	}
	var pw *trace.PcapWriter
	if *pcap != "" {
		if len(scripts) != 1 {
			return usageError(stderr, "packetdrill: --pcap needs exactly one script, got %d", len(scripts))
		}
		f, err := os.Create(*pcap)
		if err != nil {
			return usageError(stderr, "packetdrill: %v", err)
		}
		defer f.Close()
		if pw, err = trace.NewPcapWriter(f); err != nil {
			return usageError(stderr, "packetdrill: %v", err)
		}
		opts.Observer = pcapObserver{pw}
	}
	var tally packetdrill.Tally
	unreadable := false
	for _, path := range scripts {
		res, err := packetdrill.RunFile(path, opts)
		if err != nil {
			fmt.Fprintf(stderr, "tcpsim: packetdrill: %v\n", err)
			unreadable = true
			continue
		}
		tally.Add(res)
		if *asJSON {
			res.WriteJSON(stdout)
		} else {
			res.WriteLine(stdout)
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
		}
	}
	if *verbose && tally.Skipped > 0 {
		fmt.Fprintf(stderr, "skipped by kind: %s\n", tally.SkipSummary())
	}
	fmt.Fprintln(stdout, tally.String())
	switch {
	case unreadable:
		return exitUsage
	case tally.Failed > 0:
		return exitFail
	}
	return 0
}

// findScripts expands folders into their *.pkt files, sorted; a file named
// on the command line is taken whatever its name.
func findScripts(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			// An unreadable script is reported when it is run.
			out = append(out, p)
			continue
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".pkt") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.pkt scripts", p)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// pcapObserver writes the host's segments, both directions, to a pcap.
type pcapObserver struct{ w *trace.PcapWriter }

// OnState ignores state changes.
func (pcapObserver) OnState(endpoint.StateEvent) {}

// OnSegment writes sent and received segments.
func (p pcapObserver) OnSegment(e endpoint.SegmentEvent) {
	switch e.Dir {
	case endpoint.Sent:
		p.w.Write(e.Time, e.Host, e.Peer, &e.Seg)
	case endpoint.Received:
		p.w.Write(e.Time, e.Peer, e.Host, &e.Seg)
	}
}
