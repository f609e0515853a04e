package packetdrill

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Outcome is a script's verdict.
type Outcome uint8

// The verdicts.
const (
	Pass Outcome = iota
	Fail
	Skip
)

var outcomeNames = [...]string{"PASS", "FAIL", "SKIP"}

// String returns "PASS", "FAIL" or "SKIP".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// MarshalJSON writes the verdict as its name.
func (o Outcome) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }

// Result is the verdict on one script.
type Result struct {
	// Script is the path the script was read from.
	Script string `json:"script"`
	// Outcome is PASS, FAIL or SKIP.
	Outcome Outcome `json:"result"`
	// Line is the script line of the failure or of what made it skip (0
	// for a pass, or a reason that belongs to no line).
	Line int `json:"line"`
	// Reason says what was expected and what the host did (FAIL) or what
	// is outside the subset (SKIP).
	Reason string `json:"reason"`
	// Kind groups skip reasons for counting ("sysctl", "syscall", ...);
	// empty for passes and failures.
	Kind string `json:"-"`
	// Warnings are things reported but not fatal, such as unknown header
	// flags.
	Warnings []string `json:"-"`
}

// WriteLine writes the result as one line: "PASS path", "FAIL path:line:
// reason" or "SKIP path:line: reason".
func (r Result) WriteLine(w io.Writer) error {
	var err error
	switch {
	case r.Outcome == Pass:
		_, err = fmt.Fprintf(w, "PASS %s\n", r.Script)
	case r.Line > 0:
		_, err = fmt.Fprintf(w, "%s %s:%d: %s\n", r.Outcome, r.Script, r.Line, r.Reason)
	default:
		_, err = fmt.Fprintf(w, "%s %s: %s\n", r.Outcome, r.Script, r.Reason)
	}
	return err
}

// WriteJSON writes the result as one JSON object {script, result, line,
// reason} on its own line.
func (r Result) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// Tally counts verdicts.
type Tally struct {
	Passed, Failed, Skipped int
	// SkipKinds counts skips by Result.Kind.
	SkipKinds map[string]int
}

// Add counts r.
func (t *Tally) Add(r Result) {
	switch r.Outcome {
	case Pass:
		t.Passed++
	case Fail:
		t.Failed++
	default:
		t.Skipped++
		if t.SkipKinds == nil {
			t.SkipKinds = map[string]int{}
		}
		t.SkipKinds[r.Kind]++
	}
}

// Total is the number of scripts counted.
func (t *Tally) Total() int { return t.Passed + t.Failed + t.Skipped }

// String is the summary line "N passed, M failed, K skipped of T".
func (t *Tally) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped of %d", t.Passed, t.Failed, t.Skipped, t.Total())
}

// SkipSummary lists the skip kinds with their counts, most frequent first:
// "sysctl 3, syscall 1".
func (t *Tally) SkipSummary() string {
	kinds := make([]string, 0, len(t.SkipKinds))
	for k := range t.SkipKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, b := t.SkipKinds[kinds[i]], t.SkipKinds[kinds[j]]
		if a != b {
			return a > b
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, t.SkipKinds[k])
	}
	return strings.Join(parts, ", ")
}
