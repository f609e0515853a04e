// Package results owns tcpsim's result files: their columns, how they are
// written (atomically: a temporary file renamed into place, so a reader never
// sees half a file), how they are read back (for tcpsim plot and tcpsim
// merge), and the statistics of summary.csv (mean, sample standard deviation,
// n, and the Student-t 95 % confidence interval of the mean).
//
// The files, in a result directory (see ARCHITECTURE.md):
//
//	manifest.json     the normalised experiment, version, seed, sweep size, shard, times
//	runs.csv          one row per run: point, replication, seed, swept parameters, metrics
//	summary.csv       one row per (point, metric): mean, stddev, n, ci95_lo, ci95_hi;
//	                  then each point's pooled percentiles (AddPooled): the value, n, no spread
//	histograms.csv    one row per (run, histogram): count, sum, buckets as lo:hi:count
//
// Durations are seconds with a _s suffix; counts are integers. Numbers are
// formatted with strconv's shortest round-trip form, so the same values always
// give the same bytes.
//
// It also keeps a result directory safe to write: one writer at a time
// (LockDir, an flock on .tcpsim.lock), no symbolic links followed inside it
// and the temporaries of a killed process removed (PrepareDir), and each
// finished file's row count and SHA-256 recorded in the manifest (Digest),
// so that merge can tell whole files from damaged ones. Figures are
// written the same way (SaveFigure), in the format the file's extension
// names.
//
// It does not run simulations or decide which metrics exist; the experiments
// package fills the rows.
package results
