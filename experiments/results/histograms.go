package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"

	"tcpsim/experiments/histogram"
)

// HistogramsFile is the run table that keeps each run's histograms, so
// that percentiles pooled over a point's runs survive resumes and shard
// merges as runs.csv does.
const HistogramsFile = "histograms.csv"

// HistogramColumns are histograms.csv's columns: one row per run and
// histogram metric; count and sum of the values recorded, and the
// non-empty buckets as histogram.Histogram.AppendBuckets writes them
// (space-separated lo:hi:count, or lo:count when the bucket received one
// distinct value), in the metric's integer unit (nanoseconds for _ns).
var HistogramColumns = []string{"point", "replication", "metric", "count", "sum", "buckets"}

// AppendHistogramRow appends one row of histograms.csv, newline included.
func AppendHistogramRow(b []byte, point, rep int, metric string, h *histogram.Histogram) []byte {
	b = fmt.Appendf(b, "%d,%d,%s,%d,%s,", point, rep, metric, h.Count(), strconv.FormatFloat(h.Sum(), 'g', -1, 64))
	b = h.AppendBuckets(b)
	return append(b, '\n')
}

// Pooled is a percentile of a histogram metric with the runs of a point
// pooled: a row of summary.csv that is not the mean of per-run values.
type Pooled struct {
	// Name is the row's metric in summary.csv.
	Name string
	// Histogram is the metric column of histograms.csv pooled.
	Histogram string
	// Quantile is the nearest-rank quantile taken, in [0, 1].
	Quantile float64
	// Convert turns a value of the histogram into the row's unit
	// (nanoseconds into seconds, say); nil keeps it.
	Convert func(int64) float64
}

// Pool is the histograms of histograms.csv merged per point and metric.
type Pool struct {
	hists map[poolKey]*histogram.Histogram
	runs  map[poolKey]int // runs with at least one value
}

type poolKey struct {
	point  int
	metric string
}

// ReadPool reads a histograms.csv and merges its rows per point and
// metric; memory grows with points and buckets, not with runs or values.
// A missing file gives an empty pool.
func ReadPool(path string) (*Pool, error) {
	p := &Pool{hists: map[poolKey]*histogram.Histogram{}, runs: map[poolKey]int{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = len(HistogramColumns)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	for i, c := range HistogramColumns {
		if head[i] != c {
			return nil, fmt.Errorf("results: %s: header %q, want %q", path, head, HistogramColumns)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, fmt.Errorf("results: %s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		point, err1 := strconv.Atoi(rec[0])
		n, err2 := strconv.ParseUint(rec[3], 10, 64)
		sum, err3 := strconv.ParseFloat(rec[4], 64)
		h, err4 := histogram.Parse(rec[5], sum)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("results: %s:%d: %w", path, line, err)
		}
		if h.Count() != n {
			return nil, fmt.Errorf("results: %s:%d: count %d, the buckets hold %d", path, line, n, h.Count())
		}
		k := poolKey{point, rec[2]}
		if p.hists[k] == nil {
			p.hists[k] = &histogram.Histogram{}
		}
		p.hists[k].Merge(h)
		if n > 0 {
			p.runs[k]++
		}
	}
}

// AddPooled adds to s, after each point's rows, a row per pooled
// percentile of defs: the percentile of every value its runs recorded (in
// the mean column; NaN if none), n the number of runs that recorded one,
// and no standard deviation or interval, which one pooled sample cannot
// give honestly (a run's values are not independent of one another).
func (s *Summary) AddPooled(p *Pool, defs []Pooled) {
	if len(defs) == 0 {
		return
	}
	var rows []SummaryRow
	for i, r := range s.Rows {
		rows = append(rows, r)
		if i+1 < len(s.Rows) && s.Rows[i+1].Point == r.Point {
			continue
		}
		for _, d := range defs {
			k := poolKey{r.Point, d.Histogram}
			v := math.NaN()
			if h := p.hists[k]; h != nil && h.Count() > 0 {
				q := h.Quantile(d.Quantile)
				if v = float64(q); d.Convert != nil {
					v = d.Convert(q)
				}
			}
			rows = append(rows, SummaryRow{Point: r.Point, Params: r.Params, Metric: d.Name,
				Estimate: Estimate{Mean: v, StdDev: math.NaN(), N: p.runs[k], CILo: math.NaN(), CIHi: math.NaN()}})
		}
	}
	s.Rows = rows
}
