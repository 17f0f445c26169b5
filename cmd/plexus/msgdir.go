package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
)

// msgDir is the --out directory of "plexus listen": one file per received
// message, named NNNNNN-CONTROLID.hl7 (NNNNNN-CONTROLID.hl7.error for a
// message that was refused).
type msgDir struct {
	path string
	seq  atomic.Int64 // number of the last file written
}

// openMsgDir creates the directory if needed and continues numbering after
// the highest number already in it, so that no earlier file is replaced.
func openMsgDir(path string) (*msgDir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("creating output directory: %w", err)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("reading output directory: %w", err)
	}
	d := &msgDir{path: path}
	for _, e := range entries {
		digits, _, ok := strings.Cut(e.Name(), "-")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(digits, 10, 64); err == nil && n > d.seq.Load() {
			d.seq.Store(n)
		}
	}
	return d, nil
}

// save writes one message to a new file and returns its name and number.
// The file is written under a temporary name, synced, and renamed, and the
// directory is synced, so that once save returns the message survives a
// crash and no reader ever sees a partial file.
func (d *msgDir) save(controlID string, refused bool, payload []byte) (name string, n int64, err error) {
	n = d.seq.Add(1)
	name = fmt.Sprintf("%06d-%s.hl7", n, fileSafe(controlID))
	if refused {
		name += ".error"
	}
	tmp, err := os.CreateTemp(d.path, ".incoming-*")
	if err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(payload); err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(d.path, name)); err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	if err = syncDir(d.path); err != nil {
		return "", n, fmt.Errorf("storing message: %w", err)
	}
	return name, n, nil
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory,
// and does not need to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// fileSafe turns a control ID into a file name part: letters, digits, '.',
// '_' and '-' are kept, anything else becomes '_', and the result is at most
// 64 bytes and never empty nor starting with a dot.
func fileSafe(id string) string {
	if id == "" {
		return "noid"
	}
	b := []byte(id)
	if len(b) > 64 {
		b = b[:64]
	}
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if b[0] == '.' {
		b[0] = '_'
	}
	return string(b)
}
