package packetdrill

import (
	"path/filepath"
	"testing"
)

// TestLinuxScripts runs the linux profile's own scripts
// (testdata/packetdrill/linux, written the way Linux's packetdrill suite
// writes them): each is a golden test of the profile's connection
// management and must pass.
func TestLinuxScripts(t *testing.T) {
	files, err := filepath.Glob("../../testdata/packetdrill/linux/*.pkt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/packetdrill/linux: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := RunFile(f, Options{Profile: "linux"})
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != Pass {
				t.Errorf("%s:%d: %v: %s", f, r.Line, r.Outcome, r.Reason)
			}
		})
	}
}
