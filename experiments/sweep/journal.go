package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"tcpsim/experiments/results"
)

// journalName is the file finished runs are appended to as they complete.
const journalName = "runs.journal"

// journal is an append-only file of finished runs, in completion order.
// Each line is "CRC JSON": a JSON array of the cells of one runs.csv row
// (the first line holds the header), preceded by the CRC-32C of the JSON
// in eight hex digits. A line is one write(2); a line torn by a kill, or
// garbled in any other way, fails its checksum and is ignored on resume,
// so the run is simply done again.
type journal struct {
	f    *os.File
	cols []results.Column
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// journalLine encodes one line, newline included.
func journalLine(cells []string) []byte {
	js, _ := json.Marshal(cells) // strings always marshal
	b := fmt.Appendf(nil, "%08x ", crc32.Checksum(js, crcTable))
	b = append(b, js...)
	return append(b, '\n')
}

// parseJournalLine decodes a line without its newline; ok is false for a
// torn or garbled line.
func parseJournalLine(line []byte) (cells []string, ok bool) {
	if len(line) < 10 || line[8] != ' ' {
		return nil, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil || uint32(sum) != crc32.Checksum(line[9:], crcTable) {
		return nil, false
	}
	if json.Unmarshal(line[9:], &cells) != nil {
		return nil, false
	}
	return cells, true
}

// openJournal opens (creating if needed) the journal at path, returns the
// runs its intact lines hold and the number of lines it ignored, and
// positions it for appending. It refuses a symbolic link.
func openJournal(path string, header []string, params int, cols []results.Column) (*journal, []results.Run, int, error) {
	f, err := results.OpenNoFollow(path, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, nil, 0, err
	}
	fail := func(err error) (*journal, []results.Run, int, error) {
		f.Close()
		return nil, nil, 0, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fail(fmt.Errorf("sweep: %w", err))
	}
	// Whole lines only: appends go after the last newline.
	keep := bytes.LastIndexByte(data, '\n') + 1
	var rows []results.Run
	bad, headed := 0, false
	sc := bufio.NewScanner(bytes.NewReader(data[:keep]))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		cells, ok := parseJournalLine(sc.Bytes())
		switch {
		case !ok:
			bad++
		case !headed:
			if !slices.Equal(cells, header) {
				return fail(fmt.Errorf("%w: %s has other columns; remove it", ErrOtherExperiment, path))
			}
			headed = true
		default:
			r, ok := journalRun(cells, params, cols)
			if !ok {
				bad++
				continue
			}
			rows = append(rows, r)
		}
	}
	if keep < len(data) {
		bad++
	}
	if !headed {
		keep, rows = 0, nil
	}
	if err := f.Truncate(int64(keep)); err != nil {
		return fail(fmt.Errorf("sweep: %w", err))
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		return fail(fmt.Errorf("sweep: %w", err))
	}
	if keep == 0 {
		if _, err := f.Write(journalLine(header)); err != nil {
			return fail(fmt.Errorf("sweep: %w", err))
		}
	}
	return &journal{f: f, cols: cols}, rows, bad, nil
}

// journalRun turns a line's cells back into a run.
func journalRun(cells []string, params int, cols []results.Column) (results.Run, bool) {
	var r results.Run
	if len(cells) != 3+params+len(cols) {
		return r, false
	}
	var err1, err2, err3 error
	r.Point, err1 = strconv.Atoi(cells[0])
	r.Replication, err2 = strconv.Atoi(cells[1])
	r.Seed, err3 = strconv.ParseUint(cells[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || r.Point < 0 || r.Replication < 0 {
		return r, false
	}
	r.Params = slices.Clone(cells[3 : 3+params])
	for _, c := range cells[3+params:] {
		v := math.NaN()
		if c != "" {
			var err error
			if v, err = strconv.ParseFloat(c, 64); err != nil {
				return r, false
			}
		}
		r.Values = append(r.Values, v)
	}
	return r, true
}

// append writes one finished run as a single line.
func (j *journal) append(r results.Run) error {
	rec := []string{strconv.Itoa(r.Point), strconv.Itoa(r.Replication), strconv.FormatUint(r.Seed, 10)}
	rec = append(rec, r.Params...)
	for i, v := range r.Values {
		rec = append(rec, results.FormatValue(j.cols[i].Kind, v))
	}
	if _, err := j.f.Write(journalLine(rec)); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }
