package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"tcpsim/experiments/results"
)

// journalName is the file finished runs are appended to as they complete.
const journalName = "runs.journal.csv"

// journal is an append-only CSV of finished runs, in completion order, with
// the same header as runs.csv. Each row is one write(2) of a whole line, so a
// process killed at any moment leaves at most one torn last line, which
// openJournal drops.
type journal struct {
	f    *os.File
	cols []results.Column
}

// openJournal opens (creating if needed) the journal at path, returns the
// runs it already holds, and positions it for appending.
func openJournal(path string, header []string, params int, cols []results.Column) (*journal, []results.Run, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	head := strings.Join(header, ",") + "\n"
	var rows []results.Run
	keep := 0
	if len(data) > 0 {
		// Keep whole lines only.
		keep = bytes.LastIndexByte(data, '\n') + 1
		if !bytes.HasPrefix(data, []byte(head)) {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: %s has another header (from another experiment?); remove it", path)
		}
		got, err := results.ReadRuns(bytes.NewReader(data[:keep]), params)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: %s: %w", path, err)
		}
		rows = got.Rows
	}
	if err := f.Truncate(int64(keep)); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if keep == 0 {
		if _, err := f.WriteString(head); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: %w", err)
		}
	}
	return &journal{f: f, cols: cols}, rows, nil
}

// append writes one finished run as a single line.
func (j *journal) append(r results.Run) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	rec := []string{fmt.Sprint(r.Point), fmt.Sprint(r.Replication), fmt.Sprint(r.Seed)}
	rec = append(rec, r.Params...)
	for i, v := range r.Values {
		rec = append(rec, results.FormatValue(j.cols[i].Kind, v))
	}
	w.Write(rec)
	w.Flush()
	if _, err := j.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }
