// Package sweep executes the runs of an experiment — every (point,
// replication) pair — on a pool of workers, and keeps the result directory
// consistent whatever happens to the process.
//
// Determinism: a run's seed and random streams depend only on the experiment
// seed, its point and its replication (see Seed), never on which worker ran
// it or when, so runs.csv is byte-identical for any number of workers and any
// split into shards (wall_s aside).
//
// Durability: each finished run is appended to a journal (runs.journal.csv)
// as one complete CSV line and flushed. If the process is interrupted —
// Ctrl-C, kill -9, a scheduler's time limit — running the same command again
// reads the journal and any earlier runs.csv and runs only what is missing;
// a torn last line is discarded. On completion or Ctrl-C the directory's
// runs.csv, summary.csv and manifest.json are rewritten atomically from
// everything done so far.
//
// Sharding: with a Shard {Index, Count}, a process runs only the runs whose
// index modulo Count equals Index (by point when replications are adaptive).
// Merge combines shard directories into the directory an unsharded run makes.
//
// The package knows nothing of TCP: the caller supplies the function that
// simulates one run and the metric columns it returns.
package sweep
