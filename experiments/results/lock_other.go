//go:build !unix

package results

import (
	"fmt"
	"os"
)

// flock does nothing where flock(2) does not exist: one writer per
// directory is then the user's to ensure.
func flock(*os.File) error { return nil }

// openNoFollow opens path after checking it is not a symbolic link.
func openNoFollow(path string, flag int) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%w: %s", ErrSymlink, path)
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return f, nil
}
