package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .err files under testdata/bad")

const testdata = "../../testdata"

// TestBadInputs parses every testdata/bad/*.yaml (with the --set overrides
// of a sibling .set file, one per line) and compares the error text with the
// .err golden file.
func TestBadInputs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata, "bad", "*.yaml"))
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
			_, perr := Parse(name, data, sets...)
			checkErrors(t, perr)
			got := perr.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
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
				t.Errorf("Parse(%s) errors:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}

// checkErrors fails unless err is a non-empty *Errors whose every entry has
// a file, a line and a column.
func checkErrors(t testing.TB, err error) {
	t.Helper()
	var es *Errors
	if !errors.As(err, &es) || len(es.List) == 0 {
		t.Fatalf("got error %v (%T), want a non-empty *Errors", err, err)
	}
	for _, e := range es.List {
		if e.File == "" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
			t.Errorf("error without a position or message: %#v", e)
		}
	}
}

// TestHugeFile checks that a file over MaxFileSize is refused, by Load and
// by Parse, without being parsed.
func TestHugeFile(t *testing.T) {
	data := bytes.Repeat([]byte("# padding padding padding padding padding padding padding\n"), MaxFileSize/50)
	data = append([]byte("name: huge\nhosts: [{name: a}]\n"), data...)
	path := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	checkErrors(t, err)
	want := path + ":1:1: file is larger than 8 MiB; refusing to read it"
	if err.Error() != want {
		t.Errorf("Load(huge) = %q, want %q", err, want)
	}
	if _, err := Parse("huge.yaml", data); err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("Parse(huge) = %v, want the size error", err)
	}
}

// TestMissingFile checks that an unreadable file is an *Errors too.
func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	checkErrors(t, err)
}
