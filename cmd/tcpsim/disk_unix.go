//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
)

// freeSpace returns the bytes available to this user on the file system
// that holds dir (or its nearest existing parent), 0 if unknown.
func freeSpace(dir string) int64 {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			var st syscall.Statfs_t
			if syscall.Statfs(d, &st) != nil {
				return 0
			}
			return int64(st.Bavail) * int64(st.Bsize)
		}
		if d == filepath.Dir(d) {
			return 0
		}
	}
}
