package endpoint

import (
	"errors"
	"strings"
)

// ErrConfig is matched (errors.Is) by the error Config.Validate returns.
var ErrConfig = errors.New("endpoint: invalid config")

// Problem is one thing wrong with a Config: the field, as its Go name
// ("DelayedACK", "KeepAlive"), and what is wrong with it, in words a user
// can act on. It has the shape of link.Problem, so that the experiment
// format can report both at the line the user wrote.
type Problem struct {
	Field string
	Msg   string
}

// Error returns "endpoint: config Field: Msg".
func (p Problem) Error() string { return "endpoint: config " + p.Field + ": " + p.Msg }

// Problems is every problem found in a Config, in field order.
type Problems []Problem

// Error returns one line per problem.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is reports whether target is ErrConfig.
func (ps Problems) Is(target error) bool { return target == ErrConfig }
