// Package histogram counts non-negative integer values (durations in
// nanoseconds) in logarithmic buckets, HDR-style, so that percentiles cost
// O(1) memory however many values are recorded, and histograms merge by
// adding counts.
//
// Every value below 2^SubBits has a bucket of its own. Above, each power
// of two [2^k, 2^(k+1)) is split into 2^SubBits equal buckets, so a bucket
// spans at most 2^-SubBits of its lower bound. A percentile is reported as
// the midpoint of its bucket, clamped to the smallest and largest value the
// bucket actually received: its relative error is at most RelError
// (2^-(SubBits+1), 0.39 %), and it is exact when every value in the bucket
// was the same (the common case in a deterministic simulation, where many
// handshakes take exactly one round trip).
//
// It owns nothing else: what the values mean, and how percentiles are
// named in result files, belong to the caller.
package histogram

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// SubBits is the number of bits of a value's mantissa that its bucket
// keeps.
const SubBits = 7

// RelError bounds the relative error of Quantile: |got - exact| <=
// RelError * exact, where exact is the nearest-rank percentile of the
// values recorded.
const RelError = 1.0 / (2 << SubBits)

const sub = 1 << SubBits

// Histogram is a log-bucketed histogram of non-negative int64 values. The
// zero value is empty and ready to use.
type Histogram struct {
	counts   []uint64 // by bucket index
	lo, hi   []int64  // smallest and largest value seen in each bucket
	n        uint64
	sum      float64
	min, max int64
}

// index returns the bucket of v >= 0.
func index(v int64) int {
	u := uint64(v)
	if u < sub {
		return int(u)
	}
	shift := bits.Len64(u) - SubBits - 1
	return (shift+1)<<SubBits | int(u>>shift)&(sub-1)
}

// bounds returns the values bucket i spans, [lo, hi].
func bounds(i int) (lo, hi int64) {
	if i < sub {
		return int64(i), int64(i)
	}
	shift := i>>SubBits - 1
	m := int64(sub | i&(sub-1))
	return m << shift, (m+1)<<shift - 1
}

// Record adds one value; a negative value counts as 0.
func (h *Histogram) Record(v int64) {
	v = max(v, 0)
	i := index(v)
	if i >= len(h.counts) {
		h.grow(i)
	}
	if h.counts[i] == 0 || v < h.lo[i] {
		h.lo[i] = v
	}
	if h.counts[i] == 0 || v > h.hi[i] {
		h.hi[i] = v
	}
	h.counts[i]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if h.n == 0 || v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

func (h *Histogram) grow(i int) {
	n := max(i+1, 2*len(h.counts), sub)
	h.counts = append(h.counts, make([]uint64, n-len(h.counts))...)
	h.lo = append(h.lo, make([]int64, n-len(h.lo))...)
	h.hi = append(h.hi, make([]int64, n-len(h.hi))...)
}

// Merge adds o's values to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	if len(o.counts) > len(h.counts) {
		h.grow(len(o.counts) - 1)
	}
	for i, c := range o.counts {
		if c == 0 {
			continue
		}
		if h.counts[i] == 0 || o.lo[i] < h.lo[i] {
			h.lo[i] = o.lo[i]
		}
		if h.counts[i] == 0 || o.hi[i] > h.hi[i] {
			h.hi[i] = o.hi[i]
		}
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if h.n == 0 || o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of values recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Mean returns the mean of the values (NaN if none). It is exact up to
// float64 rounding: the sum is kept apart from the buckets.
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return math.NaN()
	}
	return h.sum / float64(h.n)
}

// Min returns the smallest value recorded (0 if none); it is exact.
func (h *Histogram) Min() int64 { return h.min }

// Max returns the largest value recorded (0 if none); it is exact.
func (h *Histogram) Max() int64 { return h.max }

// Quantile returns the q-quantile by the nearest-rank method (the smallest
// value with at least a fraction q of the values at or below it), within
// RelError of the exact one; 0 if the histogram is empty.
func (h *Histogram) Quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(max(1, math.Ceil(q*float64(h.n))))
	rank = min(rank, h.n)
	var seen uint64
	for i, c := range h.counts {
		if seen += c; c > 0 && seen >= rank {
			lo, hi := bounds(i)
			mid := lo + (hi-lo+1)/2
			return min(max(mid, h.lo[i]), h.hi[i])
		}
	}
	return h.max
}

// Reset empties h, keeping its memory.
func (h *Histogram) Reset() {
	clear(h.counts)
	h.n, h.sum, h.min, h.max = 0, 0, 0, 0
}

// Sum returns the sum of the values recorded, as Mean uses it.
func (h *Histogram) Sum() float64 { return h.sum }

// AppendBuckets appends h's non-empty buckets to b, in increasing order,
// separated by spaces: each as lo:hi:count, the smallest and largest value
// the bucket received and how many, or lo:count when they are the same.
// With the sum (Sum), Parse rebuilds a histogram that gives the same
// Quantile, Min, Max, Count and Mean, and merges as h does: it is the
// compact form a result file keeps of one run's histogram.
func (h *Histogram) AppendBuckets(b []byte) []byte {
	first := true
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		if !first {
			b = append(b, ' ')
		}
		first = false
		b = strconv.AppendInt(b, h.lo[i], 10)
		if h.hi[i] != h.lo[i] {
			b = append(b, ':')
			b = strconv.AppendInt(b, h.hi[i], 10)
		}
		b = append(b, ':')
		b = strconv.AppendUint(b, c, 10)
	}
	return b
}

// ErrSyntax means a text given to Parse is not one AppendBuckets writes.
var ErrSyntax = errors.New("histogram: malformed buckets")

// Parse rebuilds a histogram from the buckets AppendBuckets wrote and the
// sum of its values. It refuses buckets out of order, a value outside its
// bucket, and a count of 0.
func Parse(buckets string, sum float64) (*Histogram, error) {
	h := &Histogram{}
	last := -1
	for _, tok := range strings.Fields(buckets) {
		f := strings.Split(tok, ":")
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("%w: %q", ErrSyntax, tok)
		}
		lo, err1 := strconv.ParseInt(f[0], 10, 64)
		hi, err2 := lo, error(nil)
		if len(f) == 3 {
			hi, err2 = strconv.ParseInt(f[1], 10, 64)
		}
		c, err3 := strconv.ParseUint(f[len(f)-1], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || lo < 0 || c == 0 {
			return nil, fmt.Errorf("%w: %q", ErrSyntax, tok)
		}
		i := index(lo)
		if i <= last || index(hi) != i || hi < lo || (c == 1 && hi != lo) {
			return nil, fmt.Errorf("%w: %q out of order or not one bucket", ErrSyntax, tok)
		}
		last = i
		if i >= len(h.counts) {
			h.grow(i)
		}
		h.counts[i], h.lo[i], h.hi[i] = c, lo, hi
		if h.n == 0 {
			h.min = lo
		}
		h.max = hi
		h.n += c
	}
	h.sum = sum
	return h, nil
}
