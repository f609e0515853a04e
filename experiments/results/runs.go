package results

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind says how a metric column is formatted.
type Kind uint8

// The kinds of metric column.
const (
	// Count is a non-negative integer.
	Count Kind = iota
	// Seconds is a duration in seconds; its name ends in _s.
	Seconds
	// Real is any other real number, such as a ratio.
	Real
)

// Column names one metric column and how it is formatted.
type Column struct {
	Name string
	Kind Kind
}

// Run is one row of runs.csv: one replication of one sweep point.
type Run struct {
	Point       int
	Replication int
	Seed        uint64
	// Params holds the values of the swept parameters, in Runs.Params order,
	// as written in the experiment file.
	Params []string
	// Values holds the metrics, in Runs.Metrics order. NaN means "no value"
	// (say, a mean over zero connections) and is written as an empty cell.
	Values []float64
}

// Runs is the content of runs.csv.
type Runs struct {
	Params  []string // dotted YAML paths of the swept parameters
	Metrics []Column
	Rows    []Run
}

// fixedColumns lead every runs.csv.
var fixedColumns = []string{"point", "replication", "seed"}

// Sort orders the rows by point, then replication.
func (r *Runs) Sort() {
	slices.SortFunc(r.Rows, func(a, b Run) int {
		return cmp.Or(cmp.Compare(a.Point, b.Point), cmp.Compare(a.Replication, b.Replication))
	})
}

// Header returns the CSV header line's cells.
func (r *Runs) Header() []string {
	h := slices.Concat(fixedColumns, r.Params)
	for _, m := range r.Metrics {
		h = append(h, m.Name)
	}
	return h
}

// Write writes runs.csv, rows sorted by point and replication.
func (r *Runs) Write(w io.Writer) error {
	r.Sort()
	cw := csv.NewWriter(w)
	if err := cw.Write(r.Header()); err != nil {
		return err
	}
	rec := make([]string, 0, len(fixedColumns)+len(r.Params)+len(r.Metrics))
	for _, row := range r.Rows {
		if len(row.Params) != len(r.Params) || len(row.Values) != len(r.Metrics) {
			return fmt.Errorf("results: run %d/%d has %d params and %d values, want %d and %d",
				row.Point, row.Replication, len(row.Params), len(row.Values), len(r.Params), len(r.Metrics))
		}
		rec = append(rec[:0], strconv.Itoa(row.Point), strconv.Itoa(row.Replication),
			strconv.FormatUint(row.Seed, 10))
		rec = append(rec, row.Params...)
		for i, v := range row.Values {
			rec = append(rec, FormatValue(r.Metrics[i].Kind, v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatValue formats one metric value: NaN as an empty cell, counts as
// integers, anything else in strconv's shortest round-trip form.
func FormatValue(k Kind, v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case k == Count && v == math.Trunc(v) && math.Abs(v) < 1<<53:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// KindOf guesses a column's kind from its name: _s means seconds, and a
// column whose values are all integers is a count. ReadRuns uses it.
func KindOf(name string) Kind {
	if strings.HasSuffix(name, "_s") {
		return Seconds
	}
	return Count
}

// ReadRuns reads a runs.csv written by Write. nParams is the number of swept
// parameter columns after the fixed ones (the manifest records them).
func ReadRuns(rd io.Reader, nParams int) (*Runs, error) {
	recs, err := csv.NewReader(rd).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("results: runs.csv: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("results: runs.csv is empty")
	}
	head := recs[0]
	nf := len(fixedColumns)
	if len(head) < nf+nParams || !slices.Equal(head[:nf], fixedColumns) {
		return nil, fmt.Errorf("results: runs.csv header %q does not start with %q and %d parameters",
			strings.Join(head, ","), strings.Join(fixedColumns, ","), nParams)
	}
	r := &Runs{Params: slices.Clone(head[nf : nf+nParams])}
	for _, name := range head[nf+nParams:] {
		r.Metrics = append(r.Metrics, Column{Name: name, Kind: KindOf(name)})
	}
	for i, rec := range recs[1:] {
		line := i + 2
		var row Run
		var err error
		if row.Point, err = strconv.Atoi(rec[0]); err != nil {
			return nil, fmt.Errorf("results: runs.csv:%d: point %q is not an integer", line, rec[0])
		}
		if row.Replication, err = strconv.Atoi(rec[1]); err != nil {
			return nil, fmt.Errorf("results: runs.csv:%d: replication %q is not an integer", line, rec[1])
		}
		if row.Seed, err = strconv.ParseUint(rec[2], 10, 64); err != nil {
			return nil, fmt.Errorf("results: runs.csv:%d: seed %q is not an integer", line, rec[2])
		}
		row.Params = slices.Clone(rec[nf : nf+nParams])
		for j, cell := range rec[nf+nParams:] {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					return nil, fmt.Errorf("results: runs.csv:%d: %s = %q is not a number",
						line, r.Metrics[j].Name, cell)
				}
				if strings.Trim(cell, "-0123456789") != "" {
					// Written by strconv's float form, not as an integer.
					r.Metrics[j].Kind = max(r.Metrics[j].Kind, Real)
				}
			}
			row.Values = append(row.Values, v)
		}
		r.Rows = append(r.Rows, row)
	}
	for i := range r.Metrics {
		if r.Metrics[i].Kind == Real && strings.HasSuffix(r.Metrics[i].Name, "_s") {
			r.Metrics[i].Kind = Seconds
		}
	}
	return r, nil
}

// Column returns the values of the named metric for the rows of one point,
// or nil if there is no such metric.
func (r *Runs) Column(metric string, point int) []float64 {
	i := slices.IndexFunc(r.Metrics, func(c Column) bool { return c.Name == metric })
	if i < 0 {
		return nil
	}
	var out []float64
	for _, row := range r.Rows {
		if row.Point == point {
			out = append(out, row.Values[i])
		}
	}
	return out
}
