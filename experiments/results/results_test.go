package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func sampleRuns() *Runs {
	return &Runs{
		Params:  []string{"links[0].loss"},
		Metrics: []Column{{"conns_established", Count}, {"handshake_mean_s", Seconds}},
		Rows: []Run{
			{Point: 1, Replication: 0, Seed: 9, Params: []string{"5%"}, Values: []float64{7, 0.25}},
			{Point: 0, Replication: 1, Seed: 8, Params: []string{"1%"}, Values: []float64{10, math.NaN()}},
			{Point: 0, Replication: 0, Seed: 7, Params: []string{"1%"}, Values: []float64{12, 0.125}},
		},
	}
}

func TestRunsWriteIsSortedAndTidy(t *testing.T) {
	var b bytes.Buffer
	if err := sampleRuns().Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "point,replication,seed,links[0].loss,conns_established,handshake_mean_s\n" +
		"0,0,7,1%,12,0.125\n" +
		"0,1,8,1%,10,\n" +
		"1,0,9,5%,7,0.25\n"
	if b.String() != want {
		t.Errorf("runs.csv =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestRunsRoundTrip(t *testing.T) {
	var b bytes.Buffer
	r := sampleRuns()
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRuns(bytes.NewReader(b.Bytes()), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	if err := got.Write(&b2); err != nil {
		t.Fatal(err)
	}
	if b.String() != b2.String() {
		t.Errorf("round trip changed runs.csv:\n%s\nvs\n%s", b.String(), b2.String())
	}
	if k := got.Metrics[1].Kind; k != Seconds {
		t.Errorf("handshake_mean_s read back as kind %v, want Seconds", k)
	}
}

func TestReadRunsErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"bad header", "pt,replication,seed,x\n"},
		{"bad point", "point,replication,seed,x\nA,0,1,2\n"},
		{"bad value", "point,replication,seed,x\n0,0,1,two\n"},
		{"ragged", "point,replication,seed,x\n0,0,1\n"},
	}
	for _, tt := range tests {
		if _, err := ReadRuns(bytes.NewReader([]byte(tt.in)), 0); err == nil {
			t.Errorf("%s: ReadRuns succeeded, want an error", tt.name)
		}
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize(sampleRuns())
	if len(s.Rows) != 4 {
		t.Fatalf("%d summary rows, want 2 points × 2 metrics", len(s.Rows))
	}
	e, ok := s.Lookup(0, "conns_established")
	if !ok || e.N != 2 || e.Mean != 11 {
		t.Errorf("point 0 conns_established = %+v, want n=2 mean=11", e)
	}
	e, _ = s.Lookup(0, "handshake_mean_s")
	if e.N != 1 || e.Mean != 0.125 {
		t.Errorf("point 0 handshake_mean_s = %+v, want the NaN skipped: n=1 mean=0.125", e)
	}
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(b.Bytes()), []byte("\n"))
	if string(lines[0]) != "point,links[0].loss,metric,mean,stddev,n,ci95_lo,ci95_hi" {
		t.Errorf("summary header = %s", lines[0])
	}
	// t(0.975, 1) = 12.7062; sd of {12, 10} = sqrt 2; half-width = 12.7062·sqrt2/sqrt2.
	if got := string(lines[1]); got[:len("0,1%,conns_established,11,1.414")] != "0,1%,conns_established,11,1.414" {
		t.Errorf("first summary row = %s", got)
	}
	if e, _ := s.Lookup(0, "conns_established"); math.Abs(e.HalfWidth()-12.7062) > 1e-3 {
		t.Errorf("half-width = %v, want 12.7062", e.HalfWidth())
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.csv")
	if err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "old\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half a fi")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want it to wrap boom", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old\n" {
		t.Errorf("after a failed write the file holds %q, want the old content", got)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"runs.csv"}) {
		t.Errorf("directory holds %v, want only runs.csv (no temporary left)", names)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := &Manifest{Name: "x", Version: "0.1.0", Seed: 3, ExperimentHash: "abc",
		Experiment: []byte(`{"name":"x"}`), Params: []string{"a.b"}, Points: 2,
		Replications: 3, Runs: 6, RunsDone: 6, Shard: &Shard{Index: 1, Count: 3}, Started: "t0"}
	if err := WriteFileAtomic(filepath.Join(dir, "manifest.json"), m.Write); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	json.Compact(&compact, got.Experiment)
	if got.Name != "x" || got.Seed != 3 || got.Shard.Count != 3 || !slices.Equal(got.Params, m.Params) ||
		compact.String() != `{"name":"x"}` {
		t.Errorf("manifest read back as %+v", got)
	}
}
