package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testdata = "../../testdata"

// The broken inputs under testdata/bad, with their golden .err files, are
// checked through experiments.Load, the path validate and run take (the
// format's own checks and the model packages' rules): see
// experiments/golden_test.go.

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
