// Package metric is the one table of tcpsim's run metrics: for each, its
// runs.csv column name, unit, a label for axes and the console, what it
// means, and how a run computes it and summary.csv aggregates it. The file
// format (which names a plot or a replication target may use), runs.csv,
// summary.csv, the figures' labels and docs/metrics.md are all made from
// it, so that a metric is described once. It imports nothing.
package metric
