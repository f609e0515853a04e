package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run tables merge in (point, replication) order, overlapping runs once,
// and refuse shards whose columns differ.
func TestMergeRunTable(t *testing.T) {
	write := func(dir, text string) {
		if err := os.WriteFile(filepath.Join(dir, "connections.csv"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c, out := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	write(a, "point,replication,x\n0,0,a1\n0,0,a2\n1,1,a3\n")
	write(b, "point,replication,x\n0,1,b1\n1,0,b2\n1,1,dup\n10,0,b3\n")
	// c has no connections.csv: it contributes nothing.
	if err := mergeRunTable(out, []string{a, b, c}, "connections.csv"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(out, "connections.csv"))
	want := "point,replication,x\n0,0,a1\n0,0,a2\n0,1,b1\n1,0,b2\n1,1,a3\n10,0,b3\n"
	if string(got) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	write(c, "point,replication,y\n")
	if err := mergeRunTable(out, []string{a, c}, "connections.csv"); err == nil || !strings.Contains(err.Error(), "other columns") {
		t.Errorf("columns differ: %v", err)
	}
	write(c, "point,replication,x\nbad line\n")
	if err := mergeRunTable(out, []string{a, c}, "connections.csv"); err == nil || !strings.Contains(err.Error(), "point,replication") {
		t.Errorf("bad line: %v", err)
	}
}
