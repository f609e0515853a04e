package experiments

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
	"tcpsim/experiments/sim"
)

var update = flag.Bool("update", false, "rewrite the golden error files of testdata/bad")

// TestBadInputs loads every testdata/bad/*.yaml (with the --set overrides
// of a sibling .set file, one per line) as validate and run do, and
// compares the error text with the .err golden file: every problem, the
// format's and the model packages', at its file, line and column.
func TestBadInputs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "bad", "*.yaml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("want at least 20 bad inputs, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var sets []string
			if s, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".set"); err == nil {
				sets = strings.Split(strings.TrimSpace(string(s)), "\n")
			}
			_, perr := config.ParseChecked(name, data, sim.Check, sets...)
			var es *config.Errors
			if !errors.As(perr, &es) || len(es.List) == 0 {
				t.Fatalf("got error %v (%T), want a non-empty *config.Errors", perr, perr)
			}
			for _, e := range es.List {
				if e.File == "" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
					t.Errorf("error without a position or message: %#v", e)
				}
			}
			got := perr.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update { // -update rewrites every golden file of the package
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Load(%s) errors:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}
