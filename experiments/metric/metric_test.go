package metric

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/metrics.md from the table")

const docPath = "../../docs/metrics.md"

// render writes docs/metrics.md from the table.
func render() string {
	var b strings.Builder
	b.WriteString("# Run metrics\n\n")
	b.WriteString("<!-- Made from experiments/metric's table by `go test ./experiments/metric -update`; edit the table, not this file. -->\n\n")
	b.WriteString("runs.csv has one column per metric, in this order, after `point`, `replication`, `seed` and the swept\n")
	b.WriteString("parameters; summary.csv has the mean, standard deviation, n and 95 % Student-t interval of the per-run\n")
	b.WriteString("values of each. Seconds are simulated time, except `wall_s`. The outcomes (marked ●) sum to\n")
	b.WriteString("`conns_attempted` in every run.\n\n")
	b.WriteString("| metric | unit | label | per run | meaning |\n|---|---|---|---|---|\n")
	for _, d := range Table {
		unit := d.Unit.Symbol()
		switch {
		case d.Unit == Fraction:
			unit = "fraction"
		case unit == "":
			unit = "count"
		}
		name := "`" + d.Name + "`"
		if d.Outcome {
			name += " ●"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, unit, d.Label, d.PerRun, d.Meaning)
	}
	b.WriteString("\n## Pooled percentiles (summary.csv only)\n\n")
	b.WriteString("These rows follow each point's per-run metrics in summary.csv. Each is one percentile of the values of\n")
	b.WriteString("all the point's runs pooled, from the runs' histograms (histograms.csv: one row per run, its non-empty\n")
	b.WriteString("buckets as `lo:hi:count`) merged, so it costs memory per bucket, not per connection, and survives\n")
	b.WriteString("resumes and `tcpsim merge` as runs.csv does. The value is in the `mean` column, `n` counts the runs that\n")
	b.WriteString("recorded a value, and `stddev` and the interval are empty: a run's connections are not independent\n")
	b.WriteString("samples, so no honest interval comes from the pooled sample; the per-run percentile's row has one.\n\n")
	b.WriteString("| row | unit | label | histogram | quantile | meaning |\n|---|---|---|---|---|---|\n")
	for _, d := range Pooled {
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %v | %s |\n", d.Name, d.Unit.Symbol(), d.Label, d.Histogram, d.Quantile, d.Meaning)
	}
	return b.String()
}

// docs/metrics.md is the table, rendered.
func TestDocsMetrics(t *testing.T) {
	want := render()
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is not the table rendered; run go test ./experiments/metric -update", docPath)
	}
}

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Table {
		switch {
		case seen[d.Name]:
			t.Errorf("%s listed twice", d.Name)
		case strings.HasSuffix(d.Name, "_s") != (d.Unit == Seconds):
			t.Errorf("%s: unit %v, but the _s suffix means seconds", d.Name, d.Unit)
		case d.Label == "" || d.Meaning == "" || d.PerRun == "":
			t.Errorf("%s: label, meaning and per-run rule are all needed", d.Name)
		case d.Outcome != strings.HasPrefix(d.Meaning, "outcome:"):
			t.Errorf("%s: Outcome %v disagrees with its meaning %q", d.Name, d.Outcome, d.Meaning)
		}
		seen[d.Name] = true
		if got, ok := Lookup(d.Name); !ok || got.Name != d.Name {
			t.Errorf("Lookup(%s) = %v, %v", d.Name, got, ok)
		}
	}
	for _, d := range Pooled {
		switch {
		case seen[d.Name]:
			t.Errorf("%s listed twice", d.Name)
		case strings.HasSuffix(d.Name, "_s") != (d.Unit == Seconds):
			t.Errorf("%s: unit %v, but the _s suffix means seconds", d.Name, d.Unit)
		case d.Label == "" || d.Meaning == "" || d.Histogram == "" || !(d.Quantile >= 0 && d.Quantile <= 1):
			t.Errorf("%s: label, meaning, histogram and a quantile in [0, 1] are all needed", d.Name)
		}
		seen[d.Name] = true
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
	if got := (Def{Label: "Mean handshake time", Unit: Seconds}).Axis(); got != "Mean handshake time (s)" {
		t.Errorf("Axis() = %q", got)
	}
}
