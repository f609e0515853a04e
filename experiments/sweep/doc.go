// Package sweep executes the runs of an experiment — every (point,
// replication) pair — on a pool of workers, and keeps the result directory
// consistent whatever happens to the process.
//
// Determinism: a run's seed and random streams depend only on the experiment
// seed, its point and its replication (see Seed), never on which worker ran
// it or when, so runs.csv is byte-identical for any number of workers and any
// split into shards (wall_s aside).
//
// Durability: the manifest, with the experiment's hash, is written
// (incomplete) before the first run, so that any later invocation refuses
// an edited experiment whatever killed this one. Each finished run is
// appended to a journal (runs.journal) as one line with its own CRC-32C
// (journal.go). If the process is interrupted — Ctrl-C, kill -9, a
// scheduler's time limit — running the same command again reads the
// journal and any earlier runs.csv and runs only what is missing; a torn or
// garbled line fails its checksum and is ignored. On completion or Ctrl-C
// the directory's runs.csv, summary.csv and manifest.json are rewritten
// atomically from everything done so far; a complete manifest records each
// result file's row count and SHA-256.
//
// Sharding: with a Shard {Index, Count}, a process runs only the runs whose
// index modulo Count equals Index (by point when replications are adaptive).
// Merge combines shard directories into the directory an unsharded run
// makes, after checking that every shard is complete and every file whole
// by its manifest.
//
// One writer per directory is the caller's to ensure (results.LockDir).
//
// The package knows nothing of TCP: the caller supplies the function that
// simulates one run and the metric columns it returns.
package sweep
