package results

import (
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"
)

// SummaryRow is one row of summary.csv: one metric at one sweep point.
type SummaryRow struct {
	Point  int
	Params []string
	Metric string
	Estimate
}

// Summary is the content of summary.csv.
type Summary struct {
	Params []string
	Rows   []SummaryRow
}

// Summarize computes summary.csv from runs: for every point and metric, the
// estimate over its replications, ignoring empty (NaN) values. Rows come in
// point order, then in the metric order of runs.csv.
func Summarize(r *Runs) *Summary {
	r.Sort()
	s := &Summary{Params: slices.Clone(r.Params)}
	for start := 0; start < len(r.Rows); {
		end := start
		for end < len(r.Rows) && r.Rows[end].Point == r.Rows[start].Point {
			end++
		}
		rows := r.Rows[start:end]
		for m, col := range r.Metrics {
			xs := make([]float64, 0, len(rows))
			for _, row := range rows {
				if v := row.Values[m]; !math.IsNaN(v) {
					xs = append(xs, v)
				}
			}
			s.Rows = append(s.Rows, SummaryRow{
				Point:    rows[0].Point,
				Params:   rows[0].Params,
				Metric:   col.Name,
				Estimate: Estimate95(xs),
			})
		}
		start = end
	}
	return s
}

// Write writes summary.csv.
func (s *Summary) Write(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := slices.Concat([]string{"point"}, s.Params,
		[]string{"metric", "mean", "stddev", "n", "ci95_lo", "ci95_hi"})
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range s.Rows {
		rec := slices.Concat([]string{strconv.Itoa(row.Point)}, row.Params, []string{
			row.Metric,
			FormatValue(Real, row.Mean),
			FormatValue(Real, row.StdDev),
			strconv.Itoa(row.N),
			FormatValue(Real, row.CILo),
			FormatValue(Real, row.CIHi),
		})
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Lookup returns the estimate of metric at point, and whether it exists.
func (s *Summary) Lookup(point int, metric string) (Estimate, bool) {
	for _, row := range s.Rows {
		if row.Point == point && row.Metric == metric {
			return row.Estimate, true
		}
	}
	return Estimate{}, false
}
