package results

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Shard says which part of a sweep a result directory holds: runs whose
// index i satisfies i mod Count == Index.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Manifest is manifest.json: what produced a result directory.
type Manifest struct {
	Name    string `json:"name"`
	Version string `json:"tcpsim_version"`
	Seed    uint64 `json:"seed"`
	// ExperimentHash is a hash of the normalised experiment; merge refuses
	// directories whose hashes differ.
	ExperimentHash string `json:"experiment_hash"`
	// Experiment is the normalised experiment, as JSON.
	Experiment json.RawMessage `json:"experiment"`
	// Params are the swept parameters' dotted paths, the columns of runs.csv
	// between seed and the metrics.
	Params       []string `json:"params"`
	Points       int      `json:"points"`
	Replications int      `json:"replications"`
	Runs         int      `json:"runs"`
	// RunsDone counts the rows in runs.csv.
	RunsDone int    `json:"runs_done"`
	Shard    *Shard `json:"shard,omitempty"`
	// Started and Finished are wall-clock times (RFC 3339) of the command,
	// for the record; they never reach the simulation.
	Started  string `json:"started"`
	Finished string `json:"finished,omitempty"`
	// Complete says every run the directory owns is done (adaptive points
	// decided) and its files are final. It is written false before the
	// first run, so that a directory of any unfinished invocation says so.
	Complete bool `json:"complete"`
	// Tables are the run tables (connections.csv, timeseries.csv) the
	// experiment records, which a complete directory must hold.
	Tables []string `json:"tables,omitempty"`
	// Files holds, once Complete, the digest of each result file (runs.csv,
	// summary.csv and the tables), by name.
	Files map[string]FileDigest `json:"files,omitempty"`
	// Warnings are problems with runs that did not make them fail: runs
	// that stop.max_time or stop.events ended before their workloads were
	// done, say.
	Warnings []string `json:"warnings,omitempty"`
}

// Write writes the manifest as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("results: %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	return &m, nil
}
