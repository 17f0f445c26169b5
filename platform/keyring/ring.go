package keyring

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// KeySize is the size of a data key in bytes (AES-256).
const KeySize = 32

// header layout.
const (
	magic     = "\x00PXE"
	version   = 1
	nonceSize = 12
	maxIDLen  = 64
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Ring is a set of data keys with one active key. It is safe for
// concurrent use; Replace swaps its keys atomically, so a running server
// can take a rotated key file without stopping.
type Ring struct {
	keys atomic.Pointer[keySet]

	reloadMu   sync.Mutex
	reload     func() (*Ring, error) // see ReloadOnUnknown
	lastReload time.Time
	now        func() time.Time // time.Now; tests fix it
}

// keySet is one immutable generation of a ring's keys.
type keySet struct {
	active string
	aeads  map[string]cipher.AEAD
	ids    []string // sorted
}

// New returns a ring of keys (ID to 32-byte key) whose active key is
// active. The key bytes are copied into AES ciphers; the map may be
// cleared afterwards.
func New(keys map[string][]byte, active string) (*Ring, error) {
	s, err := newSet(keys, active)
	if err != nil {
		return nil, err
	}
	r := &Ring{}
	r.keys.Store(s)
	return r, nil
}

func newSet(keys map[string][]byte, active string) (*keySet, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no keys")
	}
	s := &keySet{active: active, aeads: map[string]cipher.AEAD{}}
	for id, k := range keys {
		if err := checkID(id); err != nil {
			return nil, err
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("keyring: key %q is %d bytes; AES-256 needs %d", id, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		s.aeads[id] = aead
		s.ids = append(s.ids, id)
	}
	slices.Sort(s.ids)
	if active == "" {
		return nil, errors.New("keyring: no active key named")
	}
	if _, ok := s.aeads[active]; !ok {
		return nil, fmt.Errorf("keyring: active key %q is not among the keys (%s)", active, strings.Join(s.ids, ", "))
	}
	return s, nil
}

// checkID reports a key ID that cannot go in a header.
func checkID(id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("keyring: key ID %q must be 1 to %d letters, digits, '.', '_' or '-'", id, maxIDLen)
	}
	return nil
}

// Replace makes r use other's keys from now on. Values being sealed or
// opened finish with the keys they started with.
func (r *Ring) Replace(other *Ring) { r.keys.Store(other.keys.Load()) }

// ReloadOnUnknown makes Open, when it meets a key ID the ring lacks, read
// the keys again with load and retry, at most once a second. Another
// process may seal under a key this one has not loaded yet: plexus keys
// rotate --reencrypt re-seals stored payloads while serve runs, and serve
// must open them before it has noticed the new key file.
func (r *Ring) ReloadOnUnknown(load func() (*Ring, error)) {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	r.reload = load
}

// reloadFor loads the keys again for a missing key ID, and reports whether
// the ring now holds it.
func (r *Ring) reloadFor(id string) bool {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	if _, ok := r.keys.Load().aeads[id]; ok {
		return true // another caller reloaded meanwhile
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	if r.reload == nil || now().Sub(r.lastReload) < time.Second {
		return false
	}
	r.lastReload = now()
	next, err := r.reload()
	if err != nil {
		return false // the caller reports the unknown key; the file's error shows at the next reload
	}
	r.Replace(next)
	_, ok := r.keys.Load().aeads[id]
	return ok
}

// ActiveID returns the ID of the key Seal uses.
func (r *Ring) ActiveID() string { return r.keys.Load().active }

// IDs returns the IDs of every key in the ring, sorted.
func (r *Ring) IDs() []string { return slices.Clone(r.keys.Load().ids) }

// String describes the ring by its key IDs; it never shows key material.
func (r *Ring) String() string {
	s := r.keys.Load()
	return fmt.Sprintf("keyring(active %s; keys %s)", s.active, strings.Join(s.ids, ", "))
}

// LogValue makes slog show the key IDs only.
func (r *Ring) LogValue() slog.Value {
	s := r.keys.Load()
	return slog.GroupValue(slog.String("active", s.active), slog.Any("keys", s.ids))
}

// Seal encrypts plaintext under the active key, binding it to aad (where
// the value will be stored). The result is a new slice.
func (r *Ring) Seal(plaintext, aad []byte) ([]byte, error) {
	s := r.keys.Load()
	aead := s.aeads[s.active]
	hlen := len(magic) + 2 + len(s.active)
	out := make([]byte, hlen+nonceSize, hlen+nonceSize+len(plaintext)+aead.Overhead())
	copy(out, magic)
	out[len(magic)] = version
	out[len(magic)+1] = byte(len(s.active))
	copy(out[len(magic)+2:], s.active)
	nonce := out[hlen : hlen+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("keyring: reading a random nonce: %w", err)
	}
	return aead.Seal(out, nonce, plaintext, additional(out[:hlen], aad)), nil
}

// Open decrypts a value Seal returned for the same aad, with whichever key
// of the ring the value names. It returns ErrPlaintext for a value with no
// sealed header, an *UnknownKeyError for a key the ring lacks, and
// ErrCorrupt for anything altered or bound to other additional data.
func (r *Ring) Open(sealed, aad []byte) ([]byte, error) {
	id, hlen, err := parseHeader(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := r.keys.Load().aeads[id]
	if !ok && r.reloadFor(id) {
		aead, ok = r.keys.Load().aeads[id]
	}
	if !ok {
		return nil, &UnknownKeyError{ID: id}
	}
	if len(sealed) < hlen+nonceSize+aead.Overhead() {
		return nil, ErrCorrupt
	}
	nonce := sealed[hlen : hlen+nonceSize]
	plain, err := aead.Open(nil, nonce, sealed[hlen+nonceSize:], additional(sealed[:hlen], aad))
	if err != nil {
		return nil, ErrCorrupt
	}
	if plain == nil {
		plain = []byte{} // an empty payload is not a missing one
	}
	return plain, nil
}

// IsSealed reports whether b starts with a sealed header. A store that had
// no key ring holds plaintext, which does not.
func IsSealed(b []byte) bool { return bytes.HasPrefix(b, []byte(magic)) }

// KeyID returns the ID of the key a sealed value names, or ErrPlaintext or
// ErrCorrupt when it has no well-formed header.
func KeyID(sealed []byte) (string, error) {
	id, _, err := parseHeader(sealed)
	return id, err
}

// parseHeader returns the key ID and the header length of a sealed value.
func parseHeader(b []byte) (string, int, error) {
	if !IsSealed(b) {
		return "", 0, ErrPlaintext
	}
	if len(b) < len(magic)+2 {
		return "", 0, ErrCorrupt
	}
	if b[len(magic)] != version {
		return "", 0, fmt.Errorf("%w (header version %d; this build reads %d)", ErrCorrupt, b[len(magic)], version)
	}
	n := int(b[len(magic)+1])
	hlen := len(magic) + 2 + n
	if n == 0 || n > maxIDLen || len(b) < hlen {
		return "", 0, ErrCorrupt
	}
	id := string(b[len(magic)+2 : hlen])
	if checkID(id) != nil {
		return "", 0, ErrCorrupt
	}
	return id, hlen, nil
}

// additional is the GCM additional data: the header, then the caller's.
func additional(header, aad []byte) []byte {
	out := make([]byte, 0, len(header)+len(aad))
	return append(append(out, header...), aad...)
}
