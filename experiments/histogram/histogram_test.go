package histogram

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// exact is the nearest-rank q-quantile of sorted.
func exact(sorted []int64, q float64) int64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Quantile is within RelError of the exact nearest-rank percentile for
// every distribution and every q, and exact for values below 2^SubBits and
// for buckets holding one distinct value.
func TestQuantileError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name  string
		draw  func() int64
		exact bool // every quantile must be exact
	}{
		{"one round trip", func() int64 { return 20_000_000 }, true},
		{"RTT or RTT+1s", func() int64 { return 20_000_000 + int64(rng.IntN(50)/49)*1_000_000_000 }, true},
		{"small", func() int64 { return int64(rng.IntN(sub)) }, true},
		{"uniform ns..s", func() int64 { return rng.Int64N(1_000_000_000) }, false},
		{"exponential", func() int64 { return int64(rng.ExpFloat64() * 4e7) }, false},
		{"log-uniform", func() int64 { return int64(math.Exp(rng.Float64() * 40)) }, false},
		{"huge", func() int64 { return math.MaxInt64 - rng.Int64N(1<<40) }, false},
	} {
		var h Histogram
		vs := make([]int64, 20_000)
		for i := range vs {
			vs[i] = tc.draw()
			h.Record(vs[i])
		}
		slices.Sort(vs)
		for _, q := range []float64{0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1} {
			got, want := h.Quantile(q), exact(vs, q)
			err := math.Abs(float64(got)-float64(want)) / math.Max(float64(want), 1)
			if tc.exact && got != want || err > RelError {
				t.Errorf("%s: Quantile(%v) = %d, want %d (relative error %.3g, bound %.3g, exact %v)",
					tc.name, q, got, want, err, RelError, tc.exact)
			}
		}
		if h.Min() != vs[0] || h.Max() != vs[len(vs)-1] || h.Count() != uint64(len(vs)) {
			t.Errorf("%s: Min, Max, Count = %d, %d, %d; want %d, %d, %d", tc.name, h.Min(), h.Max(), h.Count(), vs[0], vs[len(vs)-1], len(vs))
		}
	}
}

// The bound is tight: a bucket's worst value is off by nearly RelError,
// so a bound stated smaller would be false.
func TestRelErrorIsTight(t *testing.T) {
	var h Histogram
	lo, hi := bounds(index(1 << 30))
	h.Record(lo)
	h.Record(hi)
	got := h.Quantile(0) // the exact answer is lo
	if err := float64(got-lo) / float64(lo); err > RelError || err < RelError/2 {
		t.Errorf("bucket [%d, %d]: Quantile(0) = %d, relative error %.3g; want close to %.3g", lo, hi, got, err, RelError)
	}
}

// Merging histograms gives the histogram of all their values.
func TestMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var all, a, b Histogram
	for i := range 10_000 {
		v := rng.Int64N(1 << 35)
		all.Record(v)
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(&b)
	for _, q := range []float64{0.01, 0.5, 0.99} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged Quantile(%v) = %d, want %d", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != all.Count() || a.Mean() != all.Mean() || a.Min() != all.Min() || a.Max() != all.Max() {
		t.Errorf("merged count, mean, min, max = %d %v %d %d; want %d %v %d %d",
			a.Count(), a.Mean(), a.Min(), a.Max(), all.Count(), all.Mean(), all.Min(), all.Max())
	}
}

// Every value falls in a bucket whose bounds contain it, and buckets are in
// value order.
func TestBuckets(t *testing.T) {
	prevHi := int64(-1)
	for i := range index(math.MaxInt64) + 1 {
		lo, hi := bounds(i)
		if lo != prevHi+1 || hi < lo {
			t.Fatalf("bucket %d = [%d, %d]; previous ended at %d", i, lo, hi, prevHi)
		}
		for _, v := range []int64{lo, hi, lo + (hi-lo)/2} {
			if index(v) != i {
				t.Fatalf("index(%d) = %d, want %d", v, index(v), i)
			}
		}
		prevHi = hi
	}
}

// An empty histogram has no mean and reports 0.
func TestEmpty(t *testing.T) {
	var h Histogram
	if !math.IsNaN(h.Mean()) || h.Quantile(0.5) != 0 || h.Count() != 0 {
		t.Errorf("empty: Mean %v, Quantile %d, Count %d", h.Mean(), h.Quantile(0.5), h.Count())
	}
	h.Record(5)
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.5) != 0 {
		t.Errorf("after Reset: Count %d, Quantile %d", h.Count(), h.Quantile(0.5))
	}
}

// Recording allocates nothing once the buckets exist.
func BenchmarkRecord(b *testing.B) {
	var h Histogram
	h.Record(1 << 40)
	b.ReportAllocs()
	v := int64(20_000_000)
	for b.Loop() {
		h.Record(v)
		v += 7919
		if v > 1<<36 {
			v = 20_000_000
		}
	}
}

// AppendBuckets and Parse keep everything Quantile, Min, Max, Count and
// Mean read, and histograms parsed from several runs' texts merge into the
// histogram of all their values pooled: the pooled percentiles of a result
// file are within RelError of the exact ones.
func TestBucketsRoundTripAndPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var pooled, fromText Histogram
	var all []int64
	for run := range 5 {
		var h Histogram
		for range 1000 + 500*run {
			v := int64(rng.ExpFloat64() * 4e7)
			if rng.IntN(3) == 0 {
				v = 20_000_000 // many exact round trips
			}
			h.Record(v)
			all = append(all, v)
		}
		text := string(h.AppendBuckets(nil))
		got, err := Parse(text, h.Sum())
		if err != nil {
			t.Fatalf("Parse(%.40q…) = %v", text, err)
		}
		for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.99, 0.999, 1} {
			if a, b := got.Quantile(q), h.Quantile(q); a != b {
				t.Errorf("run %d: parsed Quantile(%v) = %d, want %d", run, q, a, b)
			}
		}
		if got.Count() != h.Count() || got.Min() != h.Min() || got.Max() != h.Max() || got.Mean() != h.Mean() {
			t.Errorf("run %d: parsed count/min/max/mean %d %d %d %v, want %d %d %d %v", run,
				got.Count(), got.Min(), got.Max(), got.Mean(), h.Count(), h.Min(), h.Max(), h.Mean())
		}
		if again := string(got.AppendBuckets(nil)); again != text {
			t.Errorf("run %d: text changed by a round trip", run)
		}
		pooled.Merge(&h)
		fromText.Merge(got)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.99} {
		got, want := fromText.Quantile(q), exact(all, q)
		if got != pooled.Quantile(q) {
			t.Errorf("Quantile(%v) of parsed runs merged = %d, of runs merged %d", q, got, pooled.Quantile(q))
		}
		if err := math.Abs(float64(got-want)) / float64(want); err > RelError {
			t.Errorf("pooled Quantile(%v) = %d, exact %d: error %.3g above %.3g", q, got, want, err, RelError)
		}
	}
	var empty Histogram
	if s := string(empty.AppendBuckets(nil)); s != "" {
		t.Errorf("empty histogram's buckets = %q, want none", s)
	}
	if h, err := Parse("", 0); err != nil || h.Count() != 0 {
		t.Errorf(`Parse("") = %v, %v; want an empty histogram`, h, err)
	}
}

// Parse refuses what AppendBuckets never writes.
func TestParseRefuses(t *testing.T) {
	for _, text := range []string{
		"5", "5:0", "-1:2", "x:1", "5:1:2:3", // shape
		"7:1 5:1",     // out of order
		"5:1 5:2",     // a bucket twice
		"1000:2000:2", // two buckets
		"1000:1001:1", // one value, two bounds
		"1001:1000:2", // hi below lo
	} {
		if _, err := Parse(text, 0); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", text, err)
		}
	}
}
