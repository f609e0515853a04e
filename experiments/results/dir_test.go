package results

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A result directory has one writer: a second lock is refused with the
// holder's PID, and free again once released.
func TestLockDirOneWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	l, err := LockDir(dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockDir(dir, "merge")
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())+" (tcpsim run)") {
		t.Errorf("second lock: %v, want ErrLocked naming process %d (tcpsim run)", err, os.Getpid())
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := LockDir(dir, "plot")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	l2.Unlock()
}

// PrepareDir refuses a symbolic link where tcpsim writes, and removes the
// temporaries of a killed process (finding 8: a 30 MB temporary stayed).
func TestPrepareDir(t *testing.T) {
	outside := t.TempDir()
	tests := []struct {
		name    string
		files   []string // created empty
		links   []string // symbolic links to outside
		wantErr bool
		removed int
	}{
		{"clean", []string{"runs.csv", "parts/connections-p0-r0.csv", ".notes.tmpl", ".x.tmp", LockName}, nil, false, 0},
		{"stale temporaries", []string{".runs.csv.tmp123", "parts/.connections-p0-r0.csv.tmp9", "plots/.a.png.tmp1", "runs.csv"}, nil, false, 3},
		{"parts is a link", nil, []string{"parts"}, true, 0},
		{"journal is a link", nil, []string{"runs.journal"}, true, 0},
		{"a part is a link", []string{"parts/x.csv"}, []string{"parts/connections-p0-r0.csv"}, true, 0},
		{"a plot is a link", []string{"plots/x.png"}, []string{"plots/a.svg"}, true, 0},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for _, f := range tt.files {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
			os.WriteFile(filepath.Join(dir, f), nil, 0o644)
		}
		for _, l := range tt.links {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, l)), 0o755)
			os.Symlink(outside, filepath.Join(dir, l))
		}
		removed, err := PrepareDir(dir)
		if (err != nil) != tt.wantErr || err != nil && !errors.Is(err, ErrSymlink) || len(removed) != tt.removed {
			t.Errorf("%s: PrepareDir = %v, %v; want error %v, %d removed", tt.name, removed, err, tt.wantErr, tt.removed)
		}
		if _, err := os.Stat(filepath.Join(dir, "runs.csv")); tt.name == "stale temporaries" && err != nil {
			t.Errorf("%s: removed runs.csv too", tt.name)
		}
	}
}

// Digest counts rows after the header and hashes the content, so a torn
// or truncated file differs.
func TestDigest(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.csv")
	os.WriteFile(p, []byte("a,b\n1,2\n3,4\n"), 0o644)
	d1, err := Digest(p)
	if err != nil || d1.Rows != 2 {
		t.Fatalf("Digest = %+v, %v; want 2 rows", d1, err)
	}
	os.WriteFile(p, []byte("a,b\n1,2\n3,5\n"), 0o644)
	if d2, _ := Digest(p); d2.SHA256 == d1.SHA256 || d2.Rows != 2 {
		t.Errorf("a changed cell: digest %+v vs %+v", d2, d1)
	}
}
