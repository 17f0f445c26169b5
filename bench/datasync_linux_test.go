package bench

import (
	"os"
	"syscall"
)

// datasync is what SQLite calls to sync its WAL on Linux.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
