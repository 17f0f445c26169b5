package file

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// syncDir makes the entries of dir (files created, renamed or removed in
// it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// moveTo moves the file src into dir under its own name, or under a
// numbered variant of it if that is taken, and returns its new path. It
// never overwrites a file, and the move is durable when it returns.
func moveTo(src, dir string) (string, error) {
	name := filepath.Base(src)
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; ; i++ {
		dst := filepath.Join(dir, name)
		if i > 0 {
			dst = filepath.Join(dir, stem+"-"+strconv.Itoa(i)+ext)
		}
		err := publish(src, dst, false)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return dst, err
	}
}

// publish gives the file src the name dst and removes the name src,
// durably: the new name is synced before the old one is removed, so that a
// crash leaves the file under one name or both, never under none. With
// replace it replaces a file at dst; otherwise it fails with an error
// wrapping fs.ErrExist if dst exists.
func publish(src, dst string, replace bool) error {
	if replace {
		return renameSynced(src, dst)
	}
	// A hard link fails if dst exists, which a rename would silently
	// replace.
	err := os.Link(src, dst)
	if err == nil {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return err
		}
		return removeSynced(src)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	var le *os.LinkError
	if !errors.As(err, &le) || !linkUnsupported(le.Err) {
		return err
	}
	// The file system has no hard links, or dst is on another one. The
	// check and the rename are two steps, but only this process names
	// files in dst's directory.
	if _, err := os.Lstat(dst); err == nil {
		return &os.LinkError{Op: "move", Old: src, New: dst, Err: fs.ErrExist}
	}
	err = renameSynced(src, dst)
	if errors.Is(err, syscall.EXDEV) {
		return copyFile(src, dst)
	}
	return err
}

// renameSynced renames src to dst and syncs the directories involved.
func renameSynced(src, dst string) error {
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	if filepath.Dir(src) != filepath.Dir(dst) {
		return syncDir(filepath.Dir(src))
	}
	return nil
}

// removeSynced removes the name src and syncs its directory.
func removeSynced(src string) error {
	if err := os.Remove(src); err != nil {
		return err
	}
	return syncDir(filepath.Dir(src))
}

// linkUnsupported reports whether a link failed because the file system
// cannot make one, rather than for a reason a rename would share.
func linkUnsupported(err error) bool {
	return errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EPERM) ||
		errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) ||
		errors.Is(err, syscall.EMLINK) || errors.Is(err, syscall.ENOSYS)
}

// copyFile copies src to the new file dst, syncs it, and removes src: a
// move across file systems.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Dir(dst))
	}
	if err != nil {
		// The copy is incomplete; src is still there.
		os.Remove(dst)
		return err
	}
	return removeSynced(src)
}
