package results

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// ErrSymlink means a result directory holds a symbolic link where tcpsim
// would write: it refuses to follow it.
var ErrSymlink = errors.New("results: symbolic link in a result directory")

// subdirs are the directories tcpsim writes inside a result directory.
var subdirs = []string{"parts", "plots"}

// PrepareDir readies a result directory whose lock the caller holds: it
// refuses a symbolic link anywhere tcpsim writes (the directory's entries
// and those of parts/ and plots/), and removes the temporary files a killed
// process left behind. It returns the temporaries it removed.
func PrepareDir(dir string) (removed []string, err error) {
	for _, d := range append([]string{""}, subdirs...) {
		path := filepath.Join(dir, d)
		ents, err := os.ReadDir(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, fmt.Errorf("results: %w", err)
		}
		for _, e := range ents {
			name := filepath.Join(path, e.Name())
			if e.Type()&os.ModeSymlink != 0 {
				return removed, fmt.Errorf("%w: %s; tcpsim does not follow links inside a result directory: remove it", ErrSymlink, name)
			}
			if e.Type().IsRegular() && isTemporary(e.Name()) {
				if err := os.Remove(name); err != nil {
					return removed, fmt.Errorf("results: %w", err)
				}
				removed = append(removed, name)
			}
		}
	}
	return removed, nil
}

// temporaryName matches WriteFileAtomic's temporaries: ".NAME.tmp" and
// the digits os.CreateTemp puts in place of its "*".
var temporaryName = regexp.MustCompile(`^\..+\.tmp[0-9]+$`)

// isTemporary reports whether a file name is one of WriteFileAtomic's
// temporaries.
func isTemporary(name string) bool { return temporaryName.MatchString(name) }

// OpenNoFollow opens a file in a result directory with the given flags
// (permissions 0644 when created), refusing a symbolic link with an error
// that wraps ErrSymlink.
func OpenNoFollow(path string, flag int) (*os.File, error) { return openNoFollow(path, flag) }

// FileDigest is what a manifest records of a finished result file, so that
// merge can tell a whole file from a truncated, torn or replaced one.
type FileDigest struct {
	// Rows counts the lines after the header.
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Digest reads the file at path and returns its digest.
func Digest(path string) (FileDigest, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileDigest{}, err
	}
	defer f.Close()
	h := sha256.New()
	lines := 0
	buf := make([]byte, 1<<16)
	r := bufio.NewReaderSize(f, 1<<16)
	for {
		n, err := r.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return FileDigest{}, fmt.Errorf("results: %w", err)
		}
	}
	return FileDigest{Rows: max(lines-1, 0), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
