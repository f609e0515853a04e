package config

// SafeName reports whether s is a name the experiment format accepts for
// something that becomes a file name (an experiment, a plot): letters,
// digits, '.', '_' and '-', at most 64, starting with a letter or digit.
// Code that reads such a name back from a result file (a manifest) checks
// it again with SafeName before it makes a path of it.
func SafeName(s string) bool { return safeName.MatchString(s) }
