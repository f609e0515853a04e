package results

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/histogram"
)

// ReadPool merges histograms.csv's rows per point, and AddPooled puts a
// pooled row after each point's rows: the percentile in the mean column,
// n the runs with a value, no spread.
func TestPooledRows(t *testing.T) {
	var b []byte
	b = append(b, strings.Join(HistogramColumns, ",")+"\n"...)
	add := func(point, rep int, vs ...int64) {
		var h histogram.Histogram
		for _, v := range vs {
			h.Record(v)
		}
		b = AppendHistogramRow(b, point, rep, "x_ns", &h)
	}
	add(0, 0, 1, 2, 3)
	add(0, 1, 4, 5, 6, 7, 8, 9, 10)
	add(1, 0)
	path := filepath.Join(t.TempDir(), HistogramsFile)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	pool, err := ReadPool(path)
	if err != nil {
		t.Fatal(err)
	}
	runs := &Runs{Metrics: []Column{{Name: "m", Kind: Count}}, Rows: []Run{
		{Point: 0, Values: []float64{1}}, {Point: 0, Replication: 1, Values: []float64{2}}, {Point: 1, Values: []float64{3}},
	}}
	s := Summarize(runs)
	s.AddPooled(pool, []Pooled{{Name: "x_p50_pooled", Histogram: "x_ns", Quantile: 0.5}})
	var got []string
	for _, r := range s.Rows {
		got = append(got, r.Metric)
	}
	if want := "m x_p50_pooled m x_p50_pooled"; strings.Join(got, " ") != want {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if r := s.Rows[1]; r.Mean != 5 || r.N != 2 || !math.IsNaN(r.CILo) || !math.IsNaN(r.StdDev) {
		t.Errorf("point 0 pooled row %+v, want median 5 of 2 runs, no spread", r.Estimate)
	}
	if r := s.Rows[3]; !math.IsNaN(r.Mean) || r.N != 0 {
		t.Errorf("point 1 pooled row %+v, want no value from no run", r.Estimate)
	}
	if err := os.WriteFile(path, append(b, "2,0,x_ns,3,1,5:2\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPool(path); err == nil || !strings.Contains(err.Error(), ":5:") {
		t.Errorf("ReadPool of a row whose count disagrees with its buckets = %v, want an error naming line 5", err)
	}
}
