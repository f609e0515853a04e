package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes (and an arbitrary --set) to Parse: it must
// never panic, every error it returns must carry a position, and every
// experiment it accepts must survive Normalized (see roundTrip).
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join(testdata, dir, "*.yaml"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 4096 {
				f.Add(data, "links[0].delay=5ms")
			}
		}
	}
	f.Add([]byte("a: &a [*a]\n"), "")
	f.Add([]byte("name: x\nhosts: [{name: a}]\nsweep: {grid: {seed: &s [*s]}}\n"), "x=")
	f.Add([]byte("<<: {name: x}\nhosts: [{<<: [{name: a}]}]\n"), "hosts[0].name=[")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		e, err := Parse("fuzz.yaml", data, set)
		if err != nil {
			checkErrors(t, err)
			return
		}
		roundTrip(t, e)
	})
}
