package keyring

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// File is the content of a key file:
//
//	{"active": "2026-11-22-1a2b", "keys": [{"id": "2026-11-22-1a2b", "key": "<base64 of 32 bytes>"}]}
//
// YAML with the same fields is read too. Keys are never removed by
// rotation: a payload sealed under an old key needs it to open.
type File struct {
	Active string    `json:"active" yaml:"active"`
	Keys   []FileKey `json:"keys" yaml:"keys"`
}

// FileKey is one key of a key file: its ID and the standard base64
// encoding of its 32 bytes.
type FileKey struct {
	ID  string `json:"id" yaml:"id"`
	Key string `json:"key" yaml:"key"`
}

// String shows the key's ID only.
func (k FileKey) String() string { return "key " + k.ID }

// GoString shows the key's ID only, for %#v.
func (k FileKey) GoString() string { return "keyring.FileKey{ID: " + fmt.Sprintf("%q", k.ID) + "}" }

// ReadFile reads a key file. It refuses a file that group or others may
// read or write, since the keys in it open every sealed payload.
func ReadFile(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: key file: %w", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyring: key file %s is accessible to group or others (mode %04o); run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: key file: %w", err)
	}
	f, err := parseFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// parseFile decodes a key file's bytes (YAML, of which JSON is a subset).
func parseFile(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		// The decoder's message may quote the offending line, which can
		// hold a key: say where, not what.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("keyring: key file has %d unexpected fields or values (want active and keys: [{id, key}])", len(te.Errors))
		}
		return nil, errors.New("keyring: key file is not valid JSON or YAML")
	}
	return &f, nil
}

// Ring returns the ring of the file's keys.
func (f *File) Ring() (*Ring, error) {
	keys := map[string][]byte{}
	for i, k := range f.Keys {
		if err := checkID(k.ID); err != nil {
			return nil, fmt.Errorf("keys[%d]: %w", i, err)
		}
		if _, dup := keys[k.ID]; dup {
			return nil, fmt.Errorf("keyring: key ID %q appears twice", k.ID)
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k.Key))
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q is not standard base64", k.ID)
		}
		keys[k.ID] = b
	}
	return New(keys, f.Active)
}

// Add appends a key and makes it the active one.
func (f *File) Add(k FileKey) error {
	for _, have := range f.Keys {
		if have.ID == k.ID {
			return fmt.Errorf("keyring: key ID %q is already in the file", k.ID)
		}
	}
	f.Keys = append(f.Keys, k)
	f.Active = k.ID
	return nil
}

// Write stores the file at path with mode 0600, atomically: a reader (a
// running server reloading its keys) sees the old file or the new one,
// never half of one.
func (f *File) Write(path string) error {
	if _, err := f.Ring(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("keyring: encoding key file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("keyring: writing key file: %w", err)
	}
	return nil
}

// Generate returns a new random key with an ID made of today's date and
// random hex digits ("2026-11-22-9f3c1a"), so IDs sort by age.
func Generate(now time.Time) (FileKey, error) {
	var b [KeySize + 3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return FileKey{}, fmt.Errorf("keyring: generating a key: %w", err)
	}
	return FileKey{
		ID:  now.UTC().Format("2006-01-02") + "-" + hex.EncodeToString(b[KeySize:]),
		Key: base64.StdEncoding.EncodeToString(b[:KeySize]),
	}, nil
}

// LoadFile reads a key file and returns its ring.
func LoadFile(path string) (*Ring, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := f.Ring()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// FromEnv reads a ring from the environment variable name. Its value is
// either a key file's JSON, or the short form
//
//	ID:BASE64KEY[,ID:BASE64KEY...]
//
// in which the last key listed is the active one (append the new key to
// rotate).
func FromEnv(name string) (*Ring, error) {
	v, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("keyring: environment variable %s is not set", name)
	}
	f, err := parseEnv(v)
	if err != nil {
		return nil, fmt.Errorf("environment variable %s: %w", name, err)
	}
	r, err := f.Ring()
	if err != nil {
		return nil, fmt.Errorf("environment variable %s: %w", name, err)
	}
	return r, nil
}

// parseEnv decodes an environment variable's value.
func parseEnv(v string) (*File, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "{") {
		return parseFile([]byte(v))
	}
	f := &File{}
	for i, item := range strings.Split(v, ",") {
		id, key, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			return nil, fmt.Errorf("keyring: item %d is not ID:BASE64KEY", i+1)
		}
		f.Keys = append(f.Keys, FileKey{ID: id, Key: key})
		f.Active = id
	}
	return f, nil
}

// Source says where a ring's keys come from, so that a running server can
// read them again after a rotation.
type Source struct {
	File string // a key file
	Env  string // or an environment variable
}

// Load reads the ring the source names.
func (s Source) Load() (*Ring, error) {
	switch {
	case s.File != "":
		return LoadFile(s.File)
	case s.Env != "":
		return FromEnv(s.Env)
	}
	return nil, errors.New("keyring: no key file or environment variable given")
}

// Stamp identifies the version of a key file (size and modification
// time), to notice a rotation without reading the keys; "" for an
// environment variable, which cannot change while the process runs.
func (s Source) Stamp() string {
	if s.File == "" {
		return ""
	}
	st, err := os.Stat(s.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "missing"
		}
		return "error"
	}
	return fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
}
